/**
 * A stand-in for the parts of Electron the shell modules use, following Electron's documented
 * behaviour: listeners get an event whose preventDefault() the emitter reads back, ipcMain
 * has one handler per channel (a second handle() throws, as in Electron), BrowserWindow keeps
 * the options it was built with. The real binary cannot be downloaded here.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { CallOutcome } from '../../../src/shared/api'

type Listener = (...args: never[]) => unknown

export class Emitter {
  private readonly listeners = new Map<string, Listener[]>()
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  once(event: string, listener: Listener): this {
    const wrapped = ((...args: never[]) => {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== wrapped),
      )
      return listener(...args)
    }) as Listener
    return this.on(event, wrapped)
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => unknown)(...args)
  }
}

/** An Electron event: `prevented` tells whether a listener called preventDefault(). */
export function fakeEvent<T extends object>(
  fields: T,
): T & { preventDefault(): void; prevented: boolean } {
  const event = {
    ...fields,
    prevented: false,
    preventDefault() {
      event.prevented = true
    },
  }
  return event
}

export class FakeWebContents extends Emitter {
  readonly sent: { channel: string; args: unknown[] }[] = []
  windowOpenHandler?: (details: { url: string }) => { action: 'deny' | 'allow' }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler
  }
  /** Emits a navigation-like event the way Electron does; true when it was refused. */
  navigate(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string): boolean {
    const details = fakeEvent({ url })
    this.emit(event, details, url)
    return details.prevented
  }
}

export class FakeBrowserWindow extends Emitter {
  static readonly instances: FakeBrowserWindow[] = []
  readonly webContents = new FakeWebContents()
  loadedUrl?: string
  shown = false
  focused = false
  minimized = false
  maximized = false
  destroyed = false
  bounds: { x: number; y: number; width: number; height: number }

  constructor(readonly options: { x?: number; y?: number; width: number; height: number }) {
    super()
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width,
      height: options.height,
    }
    FakeBrowserWindow.instances.push(this)
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url
  }
  show(): void {
    this.shown = true
  }
  focus(): void {
    this.focused = true
  }
  restore(): void {
    this.minimized = false
  }
  maximize(): void {
    this.maximized = true
  }
  isMinimized(): boolean {
    return this.minimized
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return this.bounds
  }
  /** The window is asked to close (the person, or app.quit()); false when a listener refused. */
  close(): boolean {
    if (this.destroyed) return true
    const event = fakeEvent({})
    this.emit('close', event)
    if (event.prevented) return false
    this.destroyed = true
    this.emit('closed')
    return true
  }
}

type InvokeListener = (
  event: { senderFrame: { url: string } | null },
  ...args: unknown[]
) => unknown

export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeListener>()
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /** ipcRenderer.invoke from a frame at `senderUrl` (null: a frame that is gone). */
  async invoke(
    channel: string,
    senderUrl: string | null,
    ...args: unknown[]
  ): Promise<CallOutcome> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return (await handler(
      { senderFrame: senderUrl === null ? null : { url: senderUrl } },
      ...args,
    )) as CallOutcome
  }
}

/**
 * Electron's app. Windows handed to track() take part in its documented lifecycle: when the
 * last one closes it emits 'window-all-closed', or quits when no one listens; quit() emits
 * 'before-quit', closes every window (a refused close cancels the quit) and emits 'will-quit'
 * (preventable), after which the app has ended, and 'window-all-closed' is not emitted then.
 */
export class FakeApp extends Emitter {
  quitCalls = 0
  exitCode?: number
  /** True once a quit ran to its end (no will-quit listener held it). */
  ended = false
  private readonly windows = new Set<FakeBrowserWindow>()
  private quitting = false
  loginItem: { openAtLogin: boolean; wasOpenedAsHidden?: boolean; wasOpenedAtLogin?: boolean } = {
    openAtLogin: false,
  }
  /** Windows reports openAtLogin only when asked with the args the item was set with. */
  loginPlatform: NodeJS.Platform = 'win32'
  loginArgs: string[] = []
  loginItemWrites = 0
  constructor(private readonly gotLock = true) {
    super()
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock
  }
  track(win: FakeBrowserWindow): void {
    this.windows.add(win)
    win.once('closed', () => {
      this.windows.delete(win)
      if (this.windows.size > 0 || this.quitting) return
      if (this.listenerCount('window-all-closed') > 0) this.emit('window-all-closed')
      else this.quit()
    })
  }
  quit(): void {
    this.quitCalls++
    if (this.quitting) return
    const beforeQuit = fakeEvent({})
    this.emit('before-quit', beforeQuit)
    if (beforeQuit.prevented) return
    this.quitting = true
    for (const win of [...this.windows]) {
      if (!win.close()) {
        this.quitting = false
        return
      }
    }
    const willQuit = fakeEvent({})
    this.emit('will-quit', willQuit)
    if (!willQuit.prevented) this.ended = true
  }
  exit(code: number): void {
    this.exitCode = code
    this.ended = true
  }
  getLoginItemSettings(options?: { args?: string[] }): FakeApp['loginItem'] {
    const same = (options?.args ?? []).join('\0') === this.loginArgs.join('\0')
    if (this.loginPlatform !== 'win32' || same) return this.loginItem
    return { ...this.loginItem, openAtLogin: false }
  }
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void {
    this.loginItemWrites++
    this.loginArgs = settings.args ?? []
    this.loginItem = { openAtLogin: settings.openAtLogin }
  }
}

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
) => void
type RequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl?: string },
) => void

export class FakeSession {
  headersListener?: HeadersListener
  requestHandler?: RequestHandler
  checkHandler?: (contents: unknown, permission: string, origin: string) => boolean
  webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener
    },
  }
  setPermissionRequestHandler(handler: RequestHandler): void {
    this.requestHandler = handler
  }
  setPermissionCheckHandler(handler: (c: unknown, p: string, o: string) => boolean): void {
    this.checkHandler = handler
  }
  /** A response passes through the session; returns the headers the page sees. */
  respond(headers: Record<string, string[]>): Record<string, string[] | string> | undefined {
    let out: Record<string, string[] | string> | undefined
    this.headersListener?.({ responseHeaders: headers }, (r) => (out = r.responseHeaders))
    return out
  }
  request(permission: string, requestingUrl: string): boolean {
    let granted: boolean | undefined
    this.requestHandler?.(null, permission, (g) => (granted = g), { requestingUrl })
    if (granted === undefined) throw new Error('the permission request was never answered')
    return granted
  }
}

/**
 * safeStorage with a real cipher (AES-256-GCM under a per-instance key, as the OS keychain's
 * key would be): a tampered value fails to decrypt, as Electron's does.
 */
export class FakeSafeStorage {
  private readonly key = randomBytes(32)
  constructor(private readonly available = true) {}
  isEncryptionAvailable(): boolean {
    return this.available
  }
  encryptString(plain: string): Buffer {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return Buffer.concat([Buffer.from('v10'), iv, cipher.getAuthTag(), body])
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted.subarray(0, 3).toString() !== 'v10')
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
      )
    const iv = encrypted.subarray(3, 15)
    const tag = encrypted.subarray(15, 31)
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv)
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString(
      'utf8',
    )
  }
}
