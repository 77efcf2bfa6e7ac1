/**
 * Hands a generated text file to the person as a download (an object URL and an <a download>).
 * Works the same in a browser and in the Electron window, which shows its save dialog.
 */
export function downloadText(name: string, content: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: `${mime};charset=utf-8` }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
