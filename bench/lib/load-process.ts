/**
 * The parent's handle on a load generator running in its own process (load-child.ts), so
 * the measured process and the runner never pay for framing and writing the load.
 */
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { nodeArgs, spawnRaised, stopChild } from './child'
import type { ConnectResult, FleetOptions, PacedOptions, PublishResult } from './load-generator'

export type LoadRequest = { id: number } & (
  | { type: 'connect'; options: FleetOptions }
  | { type: 'burst'; messages: number }
  | { type: 'paced'; options: PacedOptions }
  | { type: 'disconnect' }
)

export type LoadReply =
  | { type: 'ready' }
  | { type: 'progress'; sent: number; skipped: number }
  | { type: 'result'; id: number; result?: unknown; error?: string }

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export class LoadProcess {
  /** Latest progress report (once a second while publishing). */
  progress = { sent: 0, skipped: 0 }
  private nextId = 1
  private readonly waiting = new Map<number, (reply: LoadReply & { type: 'result' }) => void>()
  private readonly child: ChildProcess

  private constructor(child: ChildProcess) {
    this.child = child
    child.on('message', (reply: LoadReply) => {
      if (reply.type === 'progress') this.progress = { sent: reply.sent, skipped: reply.skipped }
      else if (reply.type === 'result') {
        this.waiting.get(reply.id)?.(reply)
        this.waiting.delete(reply.id)
      }
    })
    child.on('exit', (code, signal) => {
      for (const wake of this.waiting.values())
        wake({ type: 'result', id: 0, error: `load generator exited (${signal ?? code})` })
      this.waiting.clear()
    })
  }

  get pid(): number {
    return this.child.pid!
  }

  static async start(): Promise<LoadProcess> {
    const script = fileURLToPath(new URL('./load-child.ts', import.meta.url))
    const child = spawnRaised(process.execPath, nodeArgs(script), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    // Its stdout is the runner's stdout only if it ever prints, which it does not.
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve())
      child.once('exit', (code) => reject(new Error(`load generator exited (${code}) at start`)))
      child.once('error', reject)
    })
    return new LoadProcess(child)
  }

  connect(options: FleetOptions): Promise<ConnectResult> {
    return this.request({ type: 'connect', options })
  }

  burst(messages: number): Promise<PublishResult> {
    this.progress = { sent: 0, skipped: 0 }
    return this.request({ type: 'burst', messages })
  }

  paced(options: PacedOptions): Promise<PublishResult> {
    this.progress = { sent: 0, skipped: 0 }
    return this.request({ type: 'paced', options })
  }

  disconnect(): Promise<{ ms: number }> {
    return this.request({ type: 'disconnect' })
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 5000)
  }

  private request<T>(request: DistributiveOmit<LoadRequest, 'id'>): Promise<T> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) =>
        reply.error === undefined
          ? resolve(reply.result as T)
          : reject(new Error(`load generator: ${reply.error}`)),
      )
      this.child.send({ ...request, id })
    })
  }
}
