import { useCallback, useRef, useState } from 'react'
import { useApi } from '../api/api-context'
import { describeError } from '../lib/describe-error'

export type CommandState =
  | { phase: 'idle' }
  | { phase: 'pending'; cmd: string }
  | { phase: 'done'; ok: boolean; text: string }

/**
 * Sends a command to one of our devices and keeps what the device answered: pending
 * until its ack arrives on `<prefix>/<id>/event`, then its verdict in words.
 */
export function useDeviceCommand(deviceId: string): {
  state: CommandState
  send: (
    command: { cmd: string } & Record<string, unknown>,
    describeOk: (ack: Record<string, unknown>) => string,
  ) => Promise<void>
} {
  const api = useApi()
  const [state, setState] = useState<CommandState>({ phase: 'idle' })
  const latest = useRef(0)
  const send = useCallback(
    async (
      command: { cmd: string } & Record<string, unknown>,
      describeOk: (ack: Record<string, unknown>) => string,
    ) => {
      const mine = ++latest.current
      setState({ phase: 'pending', cmd: command.cmd })
      try {
        const result = await api.call('devices.command', { deviceId, command })
        if (mine !== latest.current) return
        setState(
          result.ok
            ? {
                phase: 'done',
                ok: true,
                text: `${describeOk(result.ack)} (confirmed in ${Math.round(result.latencyMs)} ms)`,
              }
            : {
                phase: 'done',
                ok: false,
                text: `The device refused: ${result.error ?? 'no reason given'}.`,
              },
        )
      } catch (error) {
        if (mine === latest.current)
          setState({ phase: 'done', ok: false, text: describeError(error) })
      }
    },
    [api, deviceId],
  )
  return { state, send }
}
