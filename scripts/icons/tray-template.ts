/**
 * The macOS menu-bar (tray) image, derived from the app icon's SVG: a template image is black
 * with alpha only (AppKit tints it for light and dark menu bars and for the highlighted state),
 * so the icon's filled background square is dropped, every colour becomes black, and the view
 * is cropped to the chip so the glyph fills the 16 pt slot.
 */

/** The app icon's full-size background rectangle (the first rect covering the whole view). */
const BACKGROUND = /<rect\b[^>]*\bwidth="64"[^>]*\bheight="64"[^>]*\/>\s*/

export function templateSvg(iconSvg: string): string {
  if (!BACKGROUND.test(iconSvg)) throw new Error('icon.svg: no 64 x 64 background rect to drop')
  return (
    iconSvg
      .replace(BACKGROUND, '')
      .replace(/viewBox="[^"]*"/, 'viewBox="8 8 48 48"')
      // Every paint but "none" becomes black; AppKit keeps only the alpha.
      .replace(/\b(fill|stroke)="(?!none")[^"]*"/g, '$1="#000"')
  )
}
