/**
 * The one main window: opened on demand (start, the tray's Open, a second launch, the Dock)
 * and brought to the front when it already exists. A window closed to the tray is destroyed
 * (its page's memory freed) and the next open makes a new one.
 */
import { focusWindow, type ShellWindow } from './main-window'

export class WindowKeeper<W extends ShellWindow> {
  private window: W | undefined

  constructor(private readonly create: () => W) {}

  /** The open window; undefined once it was closed. */
  get current(): W | undefined {
    return this.window && !this.window.isDestroyed() ? this.window : undefined
  }

  /** Brings the window to the front, making it first when there is none. */
  open(): W {
    const existing = this.current
    if (existing) {
      focusWindow(existing)
      return existing
    }
    this.window = this.create()
    return this.window
  }
}
