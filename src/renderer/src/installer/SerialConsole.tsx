import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react'
import { ErrorBanner } from '../components/ErrorBanner'
import { ManualPortForm } from './ManualPortForm'
import { usePorts } from './use-ports'
import { useSerialConsole } from './use-serial-console'

/** The board's MicroPython REPL: pick a port, connect, type. */
export function SerialConsole() {
  const { ports, addManual } = usePorts()
  const [port, setPort] = useState<string>()
  const { state, output, error, open, close, write, clear } = useSerialConsole(port)
  const [line, setLine] = useState('')
  const screen = useRef<HTMLPreElement>(null)
  const stick = useRef(true)

  useEffect(() => {
    if (!port && ports[0]) setPort((ports.find((p) => p.likelyEsp) ?? ports[0]).path)
  }, [ports, port])
  // Follow the output unless the person scrolled up to read.
  useLayoutEffect(() => {
    const el = screen.current
    if (el && stick.current) el.scrollTop = el.scrollHeight
  }, [output])

  const send = (e: FormEvent): void => {
    e.preventDefault()
    write(`${line}\r`)
    setLine('')
  }
  const isOpen = state.phase === 'open'

  return (
    <section className="card serial-console" aria-labelledby="console-title">
      <div className="card__head card__head--wrap">
        <h2 id="console-title">Serial console</h2>
        <select
          aria-label="Port"
          value={port ?? ''}
          disabled={state.phase !== 'closed'}
          onChange={(e) => setPort(e.target.value)}
        >
          {ports.length === 0 && <option value="">No serial port</option>}
          {ports.map((p) => (
            <option key={p.path} value={p.path}>
              {p.friendlyName} ({p.path})
            </option>
          ))}
        </select>
        {isOpen ? (
          <button type="button" onClick={close}>
            Disconnect
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={open}
            disabled={!port || state.phase === 'opening'}
          >
            {state.phase === 'opening' ? 'Connecting…' : 'Connect'}
          </button>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="small"
          onClick={() => write('\x03')}
          disabled={!isOpen}
          title="Stop the running program"
        >
          Ctrl-C
        </button>
        <button
          type="button"
          className="small"
          onClick={() => write('\x04')}
          disabled={!isOpen}
          title="Soft reboot"
        >
          Ctrl-D
        </button>
        <button type="button" className="small" onClick={clear}>
          Clear
        </button>
      </div>
      {state.phase === 'closed' && (
        <ManualPortForm
          onPort={(p) => {
            addManual(p)
            setPort(p.path)
          }}
        />
      )}
      <ErrorBanner error={error} />
      {state.phase === 'closed' && state.reason && <p className="hint">{state.reason}</p>}
      <pre
        ref={screen}
        className="terminal"
        tabIndex={0}
        aria-label="Board output"
        aria-live="off"
        onScroll={(e) => {
          const el = e.currentTarget
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24
        }}
      >
        {output ||
          (isOpen
            ? ''
            : 'Connect to see what the board prints. Ctrl-C stops our firmware and gives you the >>> prompt.')}
      </pre>
      <form className="terminal-input" onSubmit={send}>
        <span aria-hidden="true">&gt;&gt;&gt;</span>
        <input
          aria-label="Send to the board"
          value={line}
          disabled={!isOpen}
          placeholder={isOpen ? 'print("hello")' : ''}
          onChange={(e) => setLine(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" disabled={!isOpen}>
          Send
        </button>
      </form>
    </section>
  )
}
