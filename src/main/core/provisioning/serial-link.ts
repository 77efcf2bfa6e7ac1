import { stat } from 'node:fs/promises'
import { SerialPort } from 'serialport'
import { ReplError, portClosed } from './errors'

export type LinkCloseReason = 'closed' | 'lost'

/**
 * A byte pipe to a board. The REPL client, the file uploader, the provisioner and the
 * console all talk through this, so tests and other transports can stand in for
 * node-serialport, and one open port can be shared in turn between them.
 */
export interface SerialLink {
  readonly path: string
  readonly isOpen: boolean
  write(data: Uint8Array | string): Promise<void>
  /** Returns an unsubscribe function. */
  onData(listener: (chunk: Buffer) => void): () => void
  onClose(listener: (reason: LinkCloseReason) => void): () => void
  close(): Promise<void>
}

export interface OpenLinkOptions {
  /** MicroPython's UART REPL on an ESP32 runs at 115200 baud. */
  baudRate?: number
  /**
   * How often to check that the device node still exists. node-serialport does not
   * notice an unplugged pty (or some USB adapters) until the next write fails.
   */
  presencePollMs?: number
}

export type OpenSerialLink = (path: string, options?: OpenLinkOptions) => Promise<SerialLink>

/** Translates node-serialport's open errors into something a person can act on. */
function openError(path: string, error: Error): ReplError {
  const text = error.message
  if (/ENOENT|No such file|cannot open/i.test(text)) {
    return new ReplError('PORT_NOT_FOUND', `serial port ${path} does not exist`, {
      hint: 'Plug the board in and pick its port again.',
      cause: error,
    })
  }
  if (/lock|EBUSY|busy/i.test(text)) {
    return new ReplError('PORT_BUSY', `serial port ${path} is in use by another program`, {
      hint: 'Close other serial monitors (Thonny, screen, the Arduino IDE) and retry.',
      cause: error,
    })
  }
  if (/EACCES|permission/i.test(text)) {
    return new ReplError('PERMISSION_DENIED', `no permission to open ${path}`, {
      hint: 'On Linux add yourself to the dialout group (or install the udev rules), then log in again.',
      cause: error,
    })
  }
  return new ReplError('PORT_CLOSED', `could not open ${path}: ${text}`, { cause: error })
}

/** node-serialport as a SerialLink; 'lost' when the device disappeared under us. */
export const openNodeSerialLink: OpenSerialLink = async (path, options = {}) => {
  const port = new SerialPort({ path, baudRate: options.baudRate ?? 115200, autoOpen: false })
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(openError(path, error)) : resolve())),
  )
  const dataListeners = new Set<(chunk: Buffer) => void>()
  const closeListeners = new Set<(reason: LinkCloseReason) => void>()
  let closed = false
  let closing = false
  const closedPromise = new Promise<void>((resolve) => {
    port.once('close', (error?: { disconnected?: boolean }) => {
      closed = true
      const reason: LinkCloseReason = closing && !error?.disconnected ? 'closed' : 'lost'
      for (const listener of closeListeners) listener(reason)
      resolve()
    })
  })
  const presence = setInterval(() => {
    stat(path).catch(() => {
      // The node is gone: close our handle; 'close' then reports the loss.
      if (!closed && port.isOpen) port.close(() => undefined)
    })
  }, options.presencePollMs ?? 500)
  presence.unref()
  void closedPromise.then(() => clearInterval(presence))
  port.on('data', (chunk: Buffer) => {
    for (const listener of dataListeners) listener(chunk)
  })
  // Errors after open surface as 'close' (disconnect) or as write failures.
  port.on('error', () => undefined)

  return {
    path,
    get isOpen() {
      return !closed && port.isOpen
    },
    async write(data) {
      if (closed) throw portClosed(path)
      // A write on an unplugged pty may never call back: race it against 'close'.
      const written = new Promise<void>((resolve, reject) => {
        port.write(data, (error) => (error ? reject(error) : port.drain(() => resolve())))
      })
      try {
        await Promise.race([written, closedPromise])
      } catch (error) {
        if (closed) throw portClosed(path)
        throw new ReplError('PORT_CLOSED', `writing to ${path} failed`, { cause: error })
      }
      if (closed) throw portClosed(path)
    },
    onData(listener) {
      dataListeners.add(listener)
      return () => dataListeners.delete(listener)
    },
    onClose(listener) {
      closeListeners.add(listener)
      return () => closeListeners.delete(listener)
    },
    async close() {
      if (closed) return
      closing = true
      port.close(() => undefined)
      await closedPromise
    },
  }
}
