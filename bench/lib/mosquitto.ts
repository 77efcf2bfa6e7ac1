/**
 * The baseline broker: Debian's Mosquitto on a free loopback port with a throwaway config,
 * and `mosquitto_sub -t '#'` draining everything, its printed lines counted.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { freePort, sleep, spawnRaised, stopChild } from './child'

export interface MosquittoHandle {
  pid: number
  port: number
  stop(): Promise<void>
}

export async function startMosquitto(workDir: string): Promise<MosquittoHandle> {
  let lastError: Error | undefined
  // freePort() can race with another process taking the port: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const config = join(workDir, `mosquitto-${port}.conf`)
    await writeFile(
      config,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        // No cap on queued messages per client: the baseline must not drop what it is timed on.
        'max_queued_messages 0',
        'max_connections -1',
        'log_dest stderr',
        'log_type error',
        '',
      ].join('\n'),
    )
    const child = spawnRaised('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    try {
      await waitForPort(port, child)
      return { pid: child.pid!, port, stop: () => stopChild(child, 5000) }
    } catch (error) {
      await stopChild(child, 1000)
      lastError = new Error(`mosquitto did not start: ${(error as Error).message} ${stderr.trim()}`)
    }
  }
  throw lastError
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`port ${port} not accepting connections`)
    await sleep(50)
  }
}

/** `mosquitto_sub -t '#'` (QoS 0) whose output lines are counted: one per message. */
export class LineCountingSubscriber {
  lines = 0
  private readonly child: ChildProcess

  private constructor(child: ChildProcess) {
    this.child = child
    child.stdout?.on('data', (chunk: Buffer) => {
      let at = -1
      while ((at = chunk.indexOf(10, at + 1)) >= 0) this.lines++
    })
  }

  get pid(): number {
    return this.child.pid!
  }

  /** Starts it and waits until a probe message comes through (it is subscribed), then counts from 0. */
  static async start(port: number): Promise<LineCountingSubscriber> {
    const child = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-t', '#'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const sub = new LineCountingSubscriber(child)
    const deadline = Date.now() + 10_000
    while (sub.lines === 0) {
      if (Date.now() > deadline) {
        await stopChild(child, 1000)
        throw new Error('mosquitto_sub received no probe message within 10 s')
      }
      await new Promise<void>((resolve) =>
        spawn(
          'mosquitto_pub',
          ['-h', '127.0.0.1', '-p', String(port), '-t', 'bench/probe', '-m', 'probe'],
          {
            stdio: 'ignore',
          },
        ).once('exit', () => resolve()),
      )
      await sleep(100)
    }
    await sleep(200)
    sub.lines = 0
    return sub
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 2000)
  }
}
