import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useDeviceList } from '../store/use-device-list'
import { UpdateChooser } from './UpdateChooser'
import { UpdateJobView } from './UpdateJobView'
import { useOtaAvailable, useOtaJobs, useOtaStore } from './use-ota'
import './ota.css'

/**
 * Over-the-air update of one, several or all boards (docs/ota.md): choose, then follow each
 * board's progress. Opening it while a job runs shows that job.
 */
export function UpdateDialog({
  open,
  onClose,
  preselect,
}: {
  open: boolean
  onClose: () => void
  preselect?: string[]
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const store = useOtaStore()
  const available = useOtaAvailable()
  const jobs = useOtaJobs()
  const list = useDeviceList()
  const [jobId, setJobId] = useState<string | null>(null)

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      void store.refresh()
      // A running job that has these boards (or any, from the list) is shown, not a new form.
      const running = jobs.find(
        (j) =>
          j.state === 'running' && (!preselect || j.devices.some((d) => preselect.includes(d.id))),
      )
      setJobId(running?.id ?? null)
      dialog.showModal()
    } else if (!open && dialog.open) dialog.close()
    // Only on open/close: later job events must not switch the view under the person.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open])

  const ours = useMemo(() => list.devices.filter((d) => d.format === 'ours'), [list.devices])
  const names = useMemo(() => new Map(list.devices.map((d) => [d.id, d.name])), [list.devices])
  const job = jobId ? jobs.find((j) => j.id === jobId) : undefined
  const version = available?.version ?? null

  return (
    <dialog ref={ref} className="ota-dialog" aria-labelledby="ota-title" onClose={onClose}>
      <h2 id="ota-title">Update firmware over the air</h2>
      {open &&
        (job ? (
          <UpdateJobView job={job} names={names} onNew={() => setJobId(null)} onClose={onClose} />
        ) : !version ? (
          <Notice onClose={onClose}>
            <p className="banner banner--error" role="alert">
              {available?.error ?? 'Looking for the firmware this app ships…'}
            </p>
          </Notice>
        ) : ours.length === 0 ? (
          <Notice onClose={onClose}>
            <p>No board runs this app’s firmware yet: install one first.</p>
          </Notice>
        ) : (
          <UpdateChooser
            devices={ours}
            version={version}
            preselect={preselect}
            onStarted={(started) => setJobId(started.id)}
            onClose={onClose}
          />
        ))}
    </dialog>
  )
}

/** Why there is nothing to choose, and the way out. */
function Notice({ children, onClose }: { children: ReactNode; onClose: () => void }) {
  return (
    <>
      {children}
      <div className="ota-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </>
  )
}
