import { useEffect, useState } from 'react'
import type { ChipInfo, FirmwareEntry, InstallFirmware } from '@shared/contract/installer'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { LocalFirmwarePicker } from './LocalFirmwarePicker'

type Source = 'catalog' | 'local' | 'keep'

function label(e: FirmwareEntry): string {
  const d = e.date
  return `MicroPython ${e.version} · ${e.board} · ${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`
}

/** Step 2: which MicroPython image, or keep what the board already runs. */
export function FirmwareStep({
  chip,
  firmware,
  eraseAll,
  onFirmware,
  onEraseAll,
  onBack,
  onNext,
}: {
  chip: ChipInfo | undefined
  firmware: InstallFirmware | undefined
  eraseAll: boolean
  onFirmware: (firmware: InstallFirmware | undefined, label?: string) => void
  onEraseAll: (on: boolean) => void
  onBack: () => void
  onNext: () => void
}) {
  const api = useApi()
  const [catalog, setCatalog] = useState<FirmwareEntry[]>()
  const [error, setError] = useState<unknown>()
  const initial: Source =
    !firmware || 'catalogId' in firmware ? 'catalog' : 'localId' in firmware ? 'local' : 'keep'
  const [source, setSource] = useState<Source>(initial)

  useEffect(() => {
    api.call('firmware.catalog', chip ? { chip: chip.chip } : {}).then(setCatalog, setError)
  }, [api, chip])
  // The newest image for the chip is the default choice.
  useEffect(() => {
    const first = catalog?.[0]
    if (source === 'catalog' && first && !(firmware && 'catalogId' in firmware))
      onFirmware({ catalogId: first.id }, label(first))
  }, [catalog, source, firmware, onFirmware])

  const pick = (next: Source): void => {
    setSource(next)
    if (next === 'keep') onFirmware({ keep: true }, 'Keep the MicroPython on the board')
    else onFirmware(undefined)
  }

  return (
    <section className="card wizard-step" aria-labelledby="firmware-title">
      <h2 id="firmware-title">2. Choose the firmware</h2>
      <div className="choice-list" role="radiogroup" aria-label="Firmware source">
        <label className="choice">
          <input
            type="radio"
            name="source"
            checked={source === 'catalog'}
            onChange={() => pick('catalog')}
          />
          <span>
            <strong>Official MicroPython</strong>
            <span className="hint">
              Downloaded from micropython.org (kept for offline use)
              {chip ? `, for ${chip.chip}` : ''}.
            </span>
          </span>
        </label>
        {source === 'catalog' && (
          <div className="choice__body">
            <ErrorBanner error={error} />
            {catalog && catalog.length === 0 && (
              <p className="muted-inline">No official image is known for this chip.</p>
            )}
            {catalog && catalog.length > 0 && (
              <select
                aria-label="MicroPython version"
                value={firmware && 'catalogId' in firmware ? firmware.catalogId : ''}
                onChange={(e) => {
                  const entry = catalog.find((c) => c.id === e.target.value)
                  if (entry) onFirmware({ catalogId: entry.id }, label(entry))
                }}
              >
                {catalog.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {label(entry)}
                  </option>
                ))}
              </select>
            )}
          </div>
        )}
        <label className="choice">
          <input
            type="radio"
            name="source"
            checked={source === 'local'}
            onChange={() => pick('local')}
          />
          <span>
            <strong>A .bin file on this computer</strong>
            <span className="hint">
              E.g. a MicroPython build you downloaded or compiled yourself.
            </span>
          </span>
        </label>
        {source === 'local' && (
          <div className="choice__body">
            <LocalFirmwarePicker
              chip={chip}
              onReady={(localId, name) => onFirmware({ localId }, name)}
              onCleared={() => onFirmware(undefined)}
            />
          </div>
        )}
        <label className="choice">
          <input
            type="radio"
            name="source"
            checked={source === 'keep'}
            onChange={() => pick('keep')}
          />
          <span>
            <strong>Keep the MicroPython already on the board</strong>
            <span className="hint">
              Only copies our firmware and your settings: fastest for a board set up before. No
              download mode needed; the device id still comes from the board’s MAC.
            </span>
          </span>
        </label>
      </div>
      {source !== 'keep' && (
        <label className="check erase-all">
          <input
            type="checkbox"
            checked={eraseAll}
            onChange={(e) => onEraseAll(e.target.checked)}
          />
          Erase the whole flash first (recommended when the board ran something else)
        </label>
      )}
      <div className="wizard-actions">
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="button" className="primary" disabled={!firmware} onClick={onNext}>
          Next: settings
        </button>
      </div>
    </section>
  )
}
