import { afterEach } from 'vitest'
import { RawRepl, type RawReplOptions } from '../../../src/main/core/provisioning/raw-repl'
import {
  openNodeSerialLink,
  type SerialLink,
} from '../../../src/main/core/provisioning/serial-link'
import {
  startSimulatedBoard,
  type ReplSimulatorOptions,
  type SimulatedBoard,
} from '../../simulators/repl/repl-simulator'

/** Short waits: the simulated board answers in milliseconds, not a real one's tens. */
export const FAST_REPL: RawReplOptions = {
  interruptGapMs: 20,
  quietMs: 40,
  settleMaxMs: 400,
  enterTimeoutMs: 600,
  execTimeoutMs: 5000,
}

export interface Session {
  board: SimulatedBoard
  link: SerialLink
  repl: RawRepl
}

const cleanups: Array<() => Promise<void>> = []

/** One simulated board per test (the wasm VM is one per process), closed after it. */
export function useBoards(): void {
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined)
  })
}

export async function startBoard(
  options: Omit<ReplSimulatorOptions, 'devicePath'> = {},
): Promise<SimulatedBoard> {
  const board = await startSimulatedBoard(options)
  cleanups.push(() => board.close())
  return board
}

export async function openLink(path: string): Promise<SerialLink> {
  const link = await openNodeSerialLink(path)
  cleanups.push(() => link.close())
  return link
}

export async function session(
  options: Omit<ReplSimulatorOptions, 'devicePath'> = {},
  repl: RawReplOptions = {},
): Promise<Session> {
  const board = await startBoard(options)
  const link = await openLink(board.hostPath)
  return { board, link, repl: new RawRepl(link, { ...FAST_REPL, ...repl }) }
}
