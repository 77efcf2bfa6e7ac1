import { ErrorBanner } from '../components/ErrorBanner'
import { Age } from '../components/Age'
import { useDeviceEvents } from './use-device-events'

/** The device's recent events: errors first in colour, acks and notices muted. */
export function EventsCard({ deviceId }: { deviceId: string }) {
  const { events, error } = useDeviceEvents(deviceId)
  return (
    <section className="card events-card" aria-labelledby="events-title">
      <h2 id="events-title">Recent events</h2>
      <ErrorBanner error={error} />
      {events.length === 0 ? (
        <p className="muted-inline">
          No events yet. Sensor errors, command acknowledgements and buffer flushes show up here.
        </p>
      ) : (
        <ol className="event-list">
          {events.map((e, i) => (
            <li key={`${e.ts}-${i}`} className={`event event--${e.level}`}>
              <span className="event__level">{e.level}</span>
              <span className="event__type">{e.type}</span>
              <span className="event__message" title={e.raw}>
                {e.message ?? e.raw}
              </span>
              <span className="event__age">
                <Age ts={e.ts} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
