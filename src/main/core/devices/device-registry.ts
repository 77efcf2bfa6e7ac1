import { join } from 'node:path'
import type { Device, DeviceEvent } from '../../../shared/contract/devices'
import { ApiError } from '../../../shared/errors'
import type { DeviceUpdate } from '../../../shared/parsers/types'
import type { Clock, Timer } from '../base/clock'
import { JsonStore } from '../base/json-store'
import type { Logger } from '../base/logger'
import { applyUpdate, type MessageMeta } from './apply-update'
import { DeviceAdmission } from './device-admission'
import {
  newRecord,
  presenceOf,
  REGISTRY_VERSION,
  RegistryFile,
  toDevice,
  type DeviceRecord,
} from './device-record'

export interface DeviceRegistryOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  /** settings.devices.offlineAfterS, read on every use so changes apply at once. */
  offlineAfterS: () => number
  /** A person's edits (rename, location, forget) are written within this (default 1 s). */
  saveDelayMs?: number
  /**
   * What messages change (latest values, last seen, reported info) is written at most this
   * often (default 30 s): with 10,000 devices the whole registry is megabytes of JSON, and
   * the readings store already has every value; after a crash only "last seen" is older.
   */
  observedSaveDelayMs?: number
  /** How often silent devices are checked against the timeout (default 5 s). */
  sweepEveryMs?: number
}

type Listener = (id: string) => void

/** Most devices the registry keeps; beyond this, messages for new devices are ignored. */
export const MAX_DEVICES = 10_000

/**
 * Every device the app has heard of, ours or not, in `<dataDir>/devices.json`. A device is
 * created by its first message and updated by each parsed message; the person's name,
 * location and notes live here too. Writes are debounced (`saveDelayMs`) and atomic (lowdb).
 */
export class DeviceRegistry {
  private readonly store: JsonStore<typeof RegistryFile>
  private readonly records = new Map<string, DeviceRecord>()
  private readonly admission = new DeviceAdmission()
  /** Online state last announced per device, so the sweep emits only real transitions. */
  private readonly announced = new Map<string, boolean | null>()
  private readonly changeListeners = new Set<Listener>()
  private readonly removeListeners = new Set<Listener>()
  private saveTimer: Timer | null = null
  private saveDue = 0
  private saving: Promise<void> = Promise.resolve()
  private dirty = false
  private sweepTimer: Timer | null = null

  constructor(private readonly options: DeviceRegistryOptions) {
    this.store = new JsonStore({
      file: join(options.dataDir, 'devices.json'),
      schema: RegistryFile,
      version: REGISTRY_VERSION,
      defaults: () => ({ devices: [] }),
      logger: options.logger,
      now: () => options.clock.now(),
    })
  }

  /** Problems found while loading (e.g. a corrupt file that was set aside). */
  get warnings(): readonly string[] {
    return this.store.warnings
  }

  async load(): Promise<void> {
    const data = await this.store.load()
    this.records.clear()
    for (const record of data.devices) this.records.set(record.id, record)
    for (const id of this.records.keys()) this.announced.set(id, this.presence(id).online)
    this.admission.load(this.records.values())
    this.sweepTimer = this.options.clock.setInterval(
      () => this.sweep(),
      this.options.sweepEveryMs ?? 5000,
    )
    unref(this.sweepTimer)
  }

  onChange(listener: Listener): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  onRemove(listener: Listener): () => void {
    this.removeListeners.add(listener)
    return () => this.removeListeners.delete(listener)
  }

  /**
   * Applies one parsed message; creates the device on its first message. Returns false
   * (and changes nothing) when a full registry has no place for a new device (see
   * canAccept), so a flood of random topics cannot grow it without end.
   */
  observe(update: DeviceUpdate, meta: MessageMeta, readingsTs: number): boolean {
    let record = this.records.get(update.deviceId)
    if (!record) {
      if (!this.canAccept(update.deviceId, confirms(update, meta))) return false
      record = newRecord(update.deviceId, update.format, meta.receivedAt)
      this.records.set(record.id, record)
    }
    applyUpdate(record, update, meta, readingsTs)
    this.admission.touch(record, meta.receivedAt)
    this.changed(record.id, this.options.observedSaveDelayMs ?? 30_000)
    return true
  }

  /** The sensor a device reported (our firmware's info, Tasmota…), to check its readings against. */
  sensorOf(id: string): string | undefined {
    return this.records.get(id)?.info.sensor ?? undefined
  }

  has(id: string): boolean {
    return this.records.has(id)
  }

  /**
   * Is there a place for this device: known, room left, or (registry full) an unconfirmed
   * device to give way (see DeviceAdmission)? A confirmed newcomer (`confirmed`: it has a
   * login or sent a birth/status message) always finds one while unconfirmed devices exist.
   * May forget the device that gives way.
   */
  canAccept(id: string, confirmed = false): boolean {
    if (this.records.has(id) || this.records.size < MAX_DEVICES) return true
    const victim = this.admission.victim(confirmed, this.options.clock.now())
    if (victim === null) return false
    this.options.logger.info('registry full: forgetting a stale unconfirmed device', {
      forgotten: victim,
      for: id,
    })
    return this.forget(victim)
  }

  /** All devices, sorted by shown name. */
  list(): Device[] {
    const now = this.options.clock.now()
    const timeout = this.timeoutMs()
    return [...this.records.values()]
      .map((record) => toDevice(record, now, timeout))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  }

  /** One device; throws NOT_FOUND for an unknown id. */
  get(id: string): Device {
    return toDevice(this.record(id), this.options.clock.now(), this.timeoutMs())
  }

  /** Sets the name the person gave the device; '' goes back to the reported name. */
  rename(id: string, name: string): Device {
    const record = this.record(id)
    record.customName = name.trim() === '' ? null : name.trim()
    this.admission.touch(record, this.options.clock.now())
    this.changed(id)
    return this.get(id)
  }

  /** Sets location and/or notes; undefined fields are kept. */
  update(id: string, patch: { location?: string | undefined; notes?: string | undefined }): Device {
    const record = this.record(id)
    if (patch.location !== undefined) record.location = patch.location
    if (patch.notes !== undefined) record.notes = patch.notes
    this.admission.touch(record, this.options.clock.now())
    this.changed(id)
    return this.get(id)
  }

  /** Removes a device; false when it was not known. */
  forget(id: string): boolean {
    if (!this.records.delete(id)) return false
    this.announced.delete(id)
    this.admission.forget(id)
    this.scheduleSave(this.editSaveDelay())
    for (const listener of this.removeListeners) listener(id)
    return true
  }

  /** Recent events, newest first. */
  events(id: string, limit = 50): DeviceEvent[] {
    return this.record(id).events.slice(-limit).reverse()
  }

  /** Checks silent devices against the timeout and announces those that went offline (or back). */
  sweep(): void {
    for (const id of this.records.keys()) {
      const online = this.presence(id).online
      if (this.announced.get(id) !== online) this.changed(id, null)
    }
  }

  /** Writes pending changes now; resolves when they are on disk. */
  async save(): Promise<void> {
    if (this.saveTimer !== null) {
      this.options.clock.clearTimeout(this.saveTimer)
      this.saveTimer = null
    }
    this.saving = this.saving.then(async () => {
      if (!this.dirty) return
      this.dirty = false
      try {
        await this.store.replace({ devices: [...this.records.values()] })
      } catch (error) {
        this.dirty = true
        this.options.logger.error('could not save the device registry', { error })
      }
    })
    return this.saving
  }

  async close(): Promise<void> {
    if (this.sweepTimer !== null) this.options.clock.clearInterval(this.sweepTimer)
    this.sweepTimer = null
    await this.save()
  }

  private record(id: string): DeviceRecord {
    const record = this.records.get(id)
    if (!record) throw new ApiError('NOT_FOUND', `No device with id "${id}".`)
    return record
  }

  private presence(id: string): ReturnType<typeof presenceOf> {
    return presenceOf(this.record(id), this.options.clock.now(), this.timeoutMs())
  }

  private timeoutMs(): number {
    return this.options.offlineAfterS() * 1000
  }

  /** Announces a change; `saveWithinMs` null = nothing to persist (a presence transition). */
  private changed(id: string, saveWithinMs: number | null = this.editSaveDelay()): void {
    this.announced.set(id, this.presence(id).online)
    if (saveWithinMs !== null) this.scheduleSave(saveWithinMs)
    for (const listener of this.changeListeners) listener(id)
  }

  private editSaveDelay(): number {
    return this.options.saveDelayMs ?? 1000
  }

  /** Marks the registry dirty and makes sure a write happens within `withinMs`. */
  private scheduleSave(withinMs: number): void {
    this.dirty = true
    const due = this.options.clock.now() + withinMs
    if (this.saveTimer !== null) {
      if (due >= this.saveDue) return
      this.options.clock.clearTimeout(this.saveTimer)
    }
    this.saveDue = due
    this.saveTimer = this.options.clock.setTimeout(() => {
      this.saveTimer = null
      void this.save()
    }, withinMs)
    unref(this.saveTimer)
  }
}

function unref(timer: Timer): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref?.()
}

/** Does this message vouch for its device (a login, or a birth/status message)? */
function confirms(update: DeviceUpdate, meta: MessageMeta): boolean {
  return meta.login !== undefined || update.online !== undefined
}
