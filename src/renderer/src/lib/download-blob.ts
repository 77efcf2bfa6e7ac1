/**
 * Hands data to the person as a download (an object URL and an <a download>). Works the
 * same in a browser and in the Electron window, which shows its save dialog.
 */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  try {
    const a = document.createElement('a')
    a.href = url
    a.download = name
    document.body.append(a)
    a.click()
    a.remove()
  } finally {
    // Revoked a little later: the download has taken its copy by then.
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}

/** A generated text file (config, dashboard JSON) as a download. */
export function downloadText(name: string, content: string, mime: string): void {
  downloadBlob(new Blob([content], { type: `${mime};charset=utf-8` }), name)
}
