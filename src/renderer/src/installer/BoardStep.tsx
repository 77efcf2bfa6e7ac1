import { useEffect, useState } from 'react'
import type { ChipInfo, PortInfo } from '@shared/contract/flasher'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { ChipSummary } from './ChipSummary'
import { ManualPortForm } from './ManualPortForm'
import { usePorts } from './use-ports'

/**
 * Step 1: which port, and what is on it. Ports come and go as boards are plugged in
 * (a new ESP32-like port is picked for the person); "Detect" asks the ROM bootloader.
 */
export function BoardStep({
  port,
  chip,
  onPort,
  onChip,
  onNext,
}: {
  port: PortInfo | undefined
  chip: ChipInfo | undefined
  onPort: (port: PortInfo) => void
  onChip: (chip: ChipInfo | undefined) => void
  onNext: () => void
}) {
  const api = useApi()
  const { ports, loaded, error, reload, addManual, lastAdded } = usePorts()
  const [detecting, setDetecting] = useState(false)
  const [detectError, setDetectError] = useState<unknown>()

  // Hot-plug: a board plugged in while this step is open becomes the choice.
  useEffect(() => {
    if (lastAdded) onPort(lastAdded)
  }, [lastAdded, onPort])

  const detect = async (): Promise<void> => {
    if (!port) return
    setDetecting(true)
    setDetectError(undefined)
    onChip(undefined)
    try {
      onChip(await api.call('flasher.detect', { port: port.path }))
    } catch (err) {
      setDetectError(err)
    } finally {
      setDetecting(false)
    }
  }

  return (
    <section className="card wizard-step" aria-labelledby="board-title">
      <h2 id="board-title">1. Connect the board</h2>
      <p className="hint">
        Plug the ESP32 in with a data-capable USB cable. It appears here by itself.
      </p>
      <ErrorBanner error={error} onRetry={reload} />
      <div className="port-list" role="radiogroup" aria-label="Serial port">
        {loaded && ports.length === 0 && (
          <p className="muted-inline port-list__empty">
            No serial port found. Check the cable (some only charge), try another USB socket, or
            type the port below.
          </p>
        )}
        {ports.map((p) => (
          <label key={p.path} className={`port${port?.path === p.path ? ' port--selected' : ''}`}>
            <input
              type="radio"
              name="port"
              checked={port?.path === p.path}
              onChange={() => {
                onPort(p)
                onChip(undefined)
              }}
            />
            <span className="port__text">
              <strong>{p.friendlyName}</strong>
              <code>{p.path}</code>
            </span>
            {p.likelyEsp && <span className="badge badge--ours">ESP32?</span>}
            {p.accessible === false && (
              <span className="port__warn">
                No permission: add yourself to the <code>dialout</code> group (
                <code>sudo usermod -aG dialout $USER</code>) and log in again.
              </span>
            )}
          </label>
        ))}
      </div>
      <ManualPortForm
        onPort={(described) => {
          addManual(described)
          onPort(described)
          onChip(undefined)
        }}
      />
      <div className="wizard-step__detect">
        <button type="button" onClick={() => void detect()} disabled={!port || detecting}>
          {detecting ? 'Talking to the board…' : 'Detect chip'}
        </button>
        {!port && <span className="hint">Choose the board’s port above first.</span>}
        {port && !chip && !detectError && (
          <span className="hint">Optional: reads the chip, MAC and flash size first.</span>
        )}
      </div>
      <ErrorBanner error={detectError} onRetry={() => void detect()} />
      {chip && <ChipSummary chip={chip} />}
      <div className="wizard-actions">
        <button type="button" className="primary" disabled={!port} onClick={onNext}>
          Next: firmware
        </button>
      </div>
    </section>
  )
}
