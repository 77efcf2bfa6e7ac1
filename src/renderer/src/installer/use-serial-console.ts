import { useCallback, useEffect, useRef, useState } from 'react'
import { useApi, useEvent } from '../api/api-context'

/** Scrollback kept in the page: enough for a boot log and a session, bounded. */
const MAX_CHARS = 100_000

export type ConsoleState =
  { phase: 'closed'; reason?: string } | { phase: 'opening' } | { phase: 'open' }

const REASONS: Record<string, string> = {
  closed: 'Disconnected.',
  lost: 'The board went away (unplugged or reset). Reconnect when it is back.',
  released: 'Handed over to the installer. Reconnect when the install is done.',
}

// ANSI colour/cursor sequences some firmwares print; the console shows plain text.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g

/** The board's REPL on a port: output from `serial.data`, keystrokes through `console.write`. */
export function useSerialConsole(port: string | undefined): {
  state: ConsoleState
  output: string
  error: unknown
  open: () => void
  close: () => void
  write: (data: string) => void
  clear: () => void
} {
  const api = useApi()
  const [state, setState] = useState<ConsoleState>({ phase: 'closed' })
  const [output, setOutput] = useState('')
  const [error, setError] = useState<unknown>()
  const openPort = useRef<string | undefined>(undefined)

  useEvent(
    'serial.data',
    useCallback(({ port: p, text }: { port: string; text: string }) => {
      if (p !== openPort.current) return
      const clean = text.replace(ANSI, '').replace(/\r\n/g, '\n').replace(/\r/g, '')
      setOutput((old) => (old + clean).slice(-MAX_CHARS))
    }, []),
  )
  useEvent(
    'serial.closed',
    useCallback(({ port: p, reason }: { port: string; reason: string }) => {
      if (p !== openPort.current) return
      openPort.current = undefined
      setState({ phase: 'closed', reason: REASONS[reason] ?? 'Disconnected.' })
    }, []),
  )

  const open = useCallback(() => {
    if (!port) return
    setError(undefined)
    setState({ phase: 'opening' })
    openPort.current = port
    api.call('console.open', { port }).then(
      () => setState({ phase: 'open' }),
      (e: unknown) => {
        openPort.current = undefined
        setError(e)
        setState({ phase: 'closed' })
      },
    )
  }, [api, port])

  const close = useCallback(() => {
    const p = openPort.current
    if (!p) return
    openPort.current = undefined
    setState({ phase: 'closed', reason: REASONS.closed })
    api.call('console.close', { port: p }).catch(setError)
  }, [api])

  const write = useCallback(
    (data: string) => {
      const p = openPort.current
      if (p) api.call('console.write', { port: p, data }).catch(setError)
    },
    [api],
  )

  // Leaving the screen closes the port so the installer (or another tool) can use it.
  useEffect(
    () => () => {
      const p = openPort.current
      if (p) void api.call('console.close', { port: p }).catch(() => {})
    },
    [api],
  )

  return { state, output, error, open, close, write, clear: () => setOutput('') }
}
