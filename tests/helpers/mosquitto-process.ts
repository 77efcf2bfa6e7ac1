import { spawn, type ChildProcess } from 'node:child_process'

/** A running Debian Mosquitto 2.0 (/usr/sbin/mosquitto) and the tail of what it logged. */
export interface MosquittoProcess {
  readonly child: ChildProcess
  /** The last 20 000 characters of its stderr (log_dest stderr), for failure messages. */
  log(): string
}

/**
 * Starts mosquitto with the config file `conf` (which must log to stderr at `information`)
 * and resolves once it says it is running; rejects with its log if it exits or takes > 10 s.
 */
export function startMosquitto(conf: string): Promise<MosquittoProcess> {
  const child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  const running = { child, log: () => log }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      reject(new Error(`mosquitto did not start:\n${log}`))
    }, 10_000)
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000)
      if (/mosquitto version [\d.]+ running/.test(log)) {
        clearTimeout(timer)
        resolve(running)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`mosquitto exited with ${code}:\n${log}`))
    })
  })
}

/** SIGTERM and wait for the exit (mosquitto writes its persistence file first, if any). */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
