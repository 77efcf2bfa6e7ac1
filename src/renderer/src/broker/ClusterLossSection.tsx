import type { ClusterLoss } from '../../../shared/contract/ingest'
import { formatDateTime } from '../lib/time'

const count = new Intl.NumberFormat()
const seconds = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })

/**
 * An ingest instance's part of the Data path card: messages with readings the cluster lost between the
 * broker and storage (seen on the broker, never acknowledged as stored by any instance of
 * the group), counted by this instance (README "Scaling out").
 */
export function ClusterLossSection({ loss }: { loss: ClusterLoss }) {
  const window = `${seconds.format(loss.windowMs / 1000)} s`
  const devices = loss.recent.slice(0, 8)
  return (
    <>
      <h3>Cluster: stored by an ingest instance?</h3>
      {loss.lost === 0 && loss.unverified === 0 ? (
        <p className="muted-inline" data-testid="cluster-loss-none">
          Nothing lost: each of {count.format(loss.verified)} messages with readings seen on the
          broker was acknowledged as stored by an ingest instance of this group.
        </p>
      ) : (
        <ul className="shed-list" data-testid="cluster-loss">
          {loss.lost > 0 && (
            <li className="shed shed--error" data-loss="lost">
              <strong>{count.format(loss.lost)} messages with readings lost by the cluster</strong>
              <span>
                Seen on the broker, but no ingest instance acknowledged storing them within {window}
                : an instance stopped (killed, crashed, power cut) with them in flight or not yet
                written. Up to a quarter second of what that instance had just stored may be counted
                too. Check that every ingest instance is running; the devices cannot resend them.
                {devices.length > 0 && (
                  <>
                    {' '}
                    Most recent:{' '}
                    {devices.map((d, i) => (
                      <span key={d.deviceId} title={`last at ${formatDateTime(d.lastAt)}`}>
                        {i > 0 ? ', ' : ''}
                        {d.deviceId} ({count.format(d.lost)})
                      </span>
                    ))}
                    .
                  </>
                )}
              </span>
            </li>
          )}
          {loss.unverified > 0 && (
            <li className="shed shed--warn" data-loss="unverified">
              <strong>{count.format(loss.unverified)} messages not verified</strong>
              <span>
                More arrived within {window} than the check follows ({count.format(loss.capacity)}{' '}
                at a time): these are neither known stored nor counted lost. Add ingest instances or
                lower the publish rate.
              </span>
            </li>
          )}
        </ul>
      )}
      <p className="hint">
        {loss.late > 0 &&
          `${count.format(loss.late)} acknowledgements came after ${window} (an instance was behind); they were taken back from the lost count. `}
        Every ingest instance counts what it saw since it started;{' '}
        {loss.leader
          ? 'this one is the alert leader and also logs the figures.'
          : 'the alert leader also logs them.'}
      </p>
    </>
  )
}
