/**
 * One app per data folder: a second launch hands over to the first (which comes to the
 * front) and quits. The core's data lock is the second line: it also stops `npm run serve`.
 */

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean
  on(event: 'second-instance', listener: () => void): unknown
  quit(): void
}

/**
 * True when this process is the first instance and should start; false when it has handed
 * over to the running one and is quitting.
 */
export function claimSingleInstance(app: SingleInstanceApp, focus: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return false
  }
  app.on('second-instance', focus)
  return true
}
