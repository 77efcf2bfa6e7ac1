/**
 * Quitting waits for the core: Electron does not await a 'will-quit' listener, so the old
 * `void core.close()` let the process end while the broker still ran (devices saw a dropped
 * TCP connection, the broker's store could lose its last writes). Here the first will-quit is
 * held, the core closes (broker stopped, stores flushed, data lock released), then the app
 * exits. A core that hangs is given up on after a limit, so quitting always ends.
 */

export interface QuitEvent {
  preventDefault(): void
}

export interface QuitApp {
  on(event: 'will-quit', listener: (event: QuitEvent) => void): unknown
  exit(code: number): void
}

export interface QuitLog {
  info(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface QuitOptions {
  /** Closes what runs (the core, the tray, the IPC handler); called once. */
  close(): Promise<void>
  log: QuitLog
  /** Longest wait for close() before the app exits anyway. */
  timeoutMs?: number
}

/** Installs the sequence; the promise it returns settles when the app has been told to exit. */
export function installQuitSequence(app: QuitApp, options: QuitOptions): { done: Promise<number> } {
  let resolveDone: (code: number) => void = () => undefined
  const done = new Promise<number>((resolve) => (resolveDone = resolve))
  let closing = false
  app.on('will-quit', (event) => {
    if (closing) return
    closing = true
    event.preventDefault()
    void closeThenExit(app, options).then(resolveDone)
  })
  return { done }
}

async function closeThenExit(app: QuitApp, options: QuitOptions): Promise<number> {
  const limit = options.timeoutMs ?? 10_000
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limit)
  })
  let code = 0
  try {
    const outcome = await Promise.race([options.close().then(() => 'closed' as const), timeout])
    if (outcome === 'timeout') {
      options.log.error('quit: the core did not close in time; exiting anyway', { limit })
      code = 1
    } else options.log.info('quit: core closed')
  } catch (error) {
    options.log.error('quit: closing the core failed', { error })
    code = 1
  } finally {
    clearTimeout(timer)
  }
  app.exit(code)
  return code
}

export interface ShutdownSource {
  /** Electron's docs pass the event; its typings say no argument: both are handled. */
  on(event: 'shutdown', listener: (event?: QuitEvent) => void): unknown
}

/**
 * An app kept in the tray usually ends with the computer, not with Quit. Electron's
 * powerMonitor 'shutdown' (Linux, macOS) delays the shutdown only when prevented, and then
 * expects the app to quit at once: the quit sequence above then stops the broker cleanly.
 */
export function quitOnSystemShutdown(
  powerMonitor: ShutdownSource,
  app: { quit(): void },
  log: QuitLog,
): void {
  powerMonitor.on('shutdown', (event) => {
    event?.preventDefault()
    log.info('the system is shutting down: quitting')
    app.quit()
  })
}
