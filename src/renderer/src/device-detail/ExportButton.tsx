import { useState } from 'react'
import { useExportReadings } from '../lib/use-export-readings'
import { describeError } from '../lib/describe-error'

/** "Export CSV" of exactly the devices and time range the chart shows. */
export function ExportButton({
  deviceIds,
  metrics,
  from,
  to,
}: {
  deviceIds: string[]
  /** Columns to export; the export's default (temperature, humidity) when absent. */
  metrics?: string[]
  from: number
  to: number
}) {
  const exportReadings = useExportReadings()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string }>()
  const run = async (): Promise<void> => {
    setBusy(true)
    setMessage(undefined)
    try {
      const done = await exportReadings({
        format: 'csv',
        deviceIds,
        ...(metrics && metrics.length > 0 ? { metrics: metrics.slice(0, 20) } : {}),
        from: Math.floor(from),
        to: Math.ceil(to),
      })
      if (done) setMessage({ ok: true, text: done })
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <span className="export-button">
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Exporting…' : '⤓ Export CSV'}
      </button>
      {message && (
        <span
          role={message.ok ? 'status' : 'alert'}
          className={message.ok ? 'note-ok' : 'note-error'}
        >
          {message.text}
        </span>
      )}
    </span>
  )
}
