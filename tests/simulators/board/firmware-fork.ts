/**
 * Starts firmware-process.ts (the board's real firmware under MicroPython wasm) in a child
 * process of its own, on a board filesystem, and sends it its start job. BoardSimulator runs
 * one behind its serial side; FirmwareBoard runs one per board of a fleet.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { StartJob } from './firmware-process'

const RUNNER = fileURLToPath(new URL('./firmware-process.ts', import.meta.url))
const TS_REGISTER = fileURLToPath(new URL('../ts-register.mjs', import.meta.url))

export function forkFirmware(
  files: Iterable<readonly [string, Uint8Array]>,
  settings: Omit<StartJob, 'files'>,
): ChildProcess {
  const child = fork(RUNNER, [], {
    execArgv: [
      '--disable-warning=ExperimentalWarning',
      '--experimental-transform-types',
      '--import',
      TS_REGISTER,
    ],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  const job: StartJob = {
    ...settings,
    files: Object.fromEntries(
      [...files].map(([path, data]) => [path, Buffer.from(data).toString('base64')]),
    ),
  }
  child.send({ type: 'start', ...job })
  return child
}
