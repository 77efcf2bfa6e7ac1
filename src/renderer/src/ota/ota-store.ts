import type { ApiClient } from '@shared/api'
import type { OtaAvailable, OtaDeviceProgress, OtaJob } from '@shared/contract/ota'
import { KeyedListeners } from '../lib/keyed-listeners'

/**
 * The window's view of over-the-air updates: the version the app ships and the update jobs,
 * kept current by `ota.job` events. Rows subscribe to one device's progress, so a job's
 * events re-render only the rows of boards in it (and only those on screen).
 */
export class OtaStore {
  private available: OtaAvailable | null = null
  private readonly jobs = new Map<string, OtaJob>()
  private jobList: OtaJob[] = []
  /** device id → its progress in the newest job that has it. */
  private readonly byDevice = new Map<string, { progress: OtaDeviceProgress; createdAt: number }>()
  private readonly listeners = new Set<() => void>()
  private readonly deviceListeners = new KeyedListeners()
  private stop: (() => void) | null = null

  constructor(private readonly api: ApiClient) {}

  /** Subscribes to job events and loads the current state (once per window). */
  start(): void {
    if (this.stop) return
    this.stop = this.api.on('ota.job', (job) => this.onJob(job))
    void this.refresh()
  }

  async refresh(): Promise<void> {
    const [available, jobs] = await Promise.all([
      this.api.call('ota.available', {}).catch(() => null),
      this.api.call('ota.jobs', {}).catch(() => [] as OtaJob[]),
    ])
    this.available = available
    for (const job of [...jobs].reverse()) this.onJob(job, false)
    this.notify()
  }

  getAvailable = (): OtaAvailable | null => this.available

  /** Newest first; the same array until something changes. */
  getJobs = (): OtaJob[] => this.jobList

  getProgress(id: string): OtaDeviceProgress | undefined {
    return this.byDevice.get(id)?.progress
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  subscribeDevice(id: string, listener: () => void): () => void {
    return this.deviceListeners.subscribe(id, listener)
  }

  private onJob(job: OtaJob, notify = true): void {
    this.jobs.set(job.id, job)
    this.jobList = [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt)
    for (const progress of job.devices) {
      const known = this.byDevice.get(progress.id)
      if (known && known.createdAt > job.createdAt) continue
      this.byDevice.set(progress.id, { progress, createdAt: job.createdAt })
      if (notify) this.deviceListeners.notify(progress.id)
    }
    if (notify) this.notify()
  }

  private notify(): void {
    for (const l of this.listeners) l()
  }
}

const stores = new WeakMap<ApiClient, OtaStore>()

/** One store per API client (per window). */
export function otaStoreFor(api: ApiClient): OtaStore {
  let store = stores.get(api)
  if (!store) {
    store = new OtaStore(api)
    stores.set(api, store)
    store.start()
  }
  return store
}
