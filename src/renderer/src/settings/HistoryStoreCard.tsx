import { useState } from 'react'
import type { InfluxConfigView } from '@shared/contract/integrations'
import type { Settings, SettingsPatch } from '@shared/contract/settings'
import { ErrorBanner } from '../components/ErrorBanner'

type Store = Settings['history']['store']

/** Which InfluxDB history would go to, in one line, from the InfluxDB settings. */
function describeInflux(influx: InfluxConfigView): string {
  const where =
    influx.version === '1'
      ? `database “${influx.database}”`
      : `bucket “${influx.bucket || '?'}” of “${influx.org || '?'}”`
  return `InfluxDB ${influx.version}.x at ${influx.url}, ${where}, measurement “${influx.measurement}”`
}

/**
 * Where readings history lives: this computer's SQLite file (default) or the InfluxDB set up
 * in the InfluxDB card. Read at start, so the card says a restart applies it.
 */
export function HistoryStoreCard({
  history,
  running,
  influx,
  update,
}: {
  history: Settings['history']
  /** The store this run actually uses (app.info): differs after a change, or with serve flags. */
  running: Store | undefined
  influx: InfluxConfigView | undefined
  update: (patch: SettingsPatch) => Promise<Settings>
}) {
  const [error, setError] = useState<unknown>()
  const [changed, setChanged] = useState(false)
  const choose = async (store: Store): Promise<void> => {
    setError(undefined)
    try {
      await update({ history: { store } })
      setChanged(true)
    } catch (err) {
      setError(err)
    }
  }
  const incomplete =
    influx !== undefined && influx.version === '2' && (influx.org === '' || influx.bucket === '')

  return (
    <section className="card form-grid" aria-label="History store">
      <h2>History store</h2>
      <div className="form-grid__full">
        <ErrorBanner error={error} />
      </div>
      <span id="history-store-label">Keep history in</span>
      <div role="radiogroup" aria-labelledby="history-store-label">
        <label>
          <input
            type="radio"
            name="history-store"
            value="sqlite"
            checked={history.store === 'sqlite'}
            onChange={() => void choose('sqlite')}
          />{' '}
          this computer (SQLite file in the data folder)
        </label>
        <br />
        <label>
          <input
            type="radio"
            name="history-store"
            value="influx"
            checked={history.store === 'influx'}
            aria-describedby="history-influx-help"
            onChange={() => void choose('influx')}
          />{' '}
          InfluxDB
        </label>
      </div>
      <p id="history-influx-help" className="muted form-grid__full">
        {influx ? describeInflux(influx) : 'The InfluxDB set up below'}. With InfluxDB, readings are
        written there (queued on disk while it is unreachable), charts and export read from it, and
        its own retention applies instead of the days above. Several app instances can share it
        (README, “Scaling out”).
      </p>
      {history.store === 'influx' && incomplete && (
        <p className="banner banner--warn form-grid__full" role="alert">
          InfluxDB 2.x needs an organisation and a bucket: fill them in below, or history stays in
          SQLite.
        </p>
      )}
      {changed && (
        <p className="note-ok form-grid__full" role="status">
          Saved: restart the app to move to the new store (existing history is not copied).
        </p>
      )}
      {!changed && running !== undefined && running !== history.store && (
        <p className="muted form-grid__full" role="status">
          This run keeps history in {running === 'influx' ? 'InfluxDB' : 'the SQLite file'} (set at
          start, e.g. by <code>serve --history</code>); the choice above applies at the next start
          without that flag.
        </p>
      )}
    </section>
  )
}
