import { z } from 'zod'
import {
  DeviceEvent,
  DeviceInfo,
  LatestValue,
  SourceFormat,
  type Device,
} from '../../../shared/contract/devices'

/** Events kept per device (a ring: the oldest goes first). */
export const MAX_EVENTS = 50
/** Topics remembered per device. */
export const MAX_TOPICS = 16
/** Metrics whose latest value is kept per device. */
export const MAX_LATEST = 32

/** A device as persisted in `<dataDir>/devices.json`. */
export const DeviceRecord = z.object({
  id: z.string().min(1),
  customName: z.string().nullable(),
  reportedName: z.string().nullable(),
  format: SourceFormat,
  /** From a status/LWT/availability topic; null when the device never sent one. */
  status: z.enum(['online', 'offline']).nullable(),
  firstSeen: z.number(),
  lastSeen: z.number().nullable(),
  latest: z.record(z.string(), LatestValue),
  info: DeviceInfo,
  location: z.string(),
  notes: z.string(),
  topics: z.array(z.string()),
  source: z.string().nullable(),
  events: z.array(DeviceEvent),
  /** It has published with its own broker login (so it is no topic a flood invented). */
  hasLogin: z.boolean().default(false),
})
export type DeviceRecord = z.infer<typeof DeviceRecord>

export const RegistryFile = z.object({ devices: z.array(DeviceRecord) })
export type RegistryFile = z.infer<typeof RegistryFile>

export const REGISTRY_VERSION = 1

export function newRecord(id: string, format: DeviceRecord['format'], now: number): DeviceRecord {
  return {
    id,
    customName: null,
    reportedName: null,
    format,
    status: null,
    firstSeen: now,
    lastSeen: null,
    latest: {},
    info: { fw: null, mp: null, chip: null, sensor: null, ip: null, mac: null, rssi: null },
    location: '',
    notes: '',
    topics: [],
    source: null,
    events: [],
    hasLogin: false,
  }
}

/**
 * Online state: a device with a status topic / Last Will is what that topic last said;
 * one without is online while messages keep arriving within `offlineAfterMs`.
 */
export function presenceOf(
  record: DeviceRecord,
  now: number,
  offlineAfterMs: number,
): { online: boolean | null; presence: 'status' | 'last-seen' } {
  if (record.status !== null) return { online: record.status === 'online', presence: 'status' }
  if (record.lastSeen === null) return { online: null, presence: 'last-seen' }
  return { online: now - record.lastSeen <= offlineAfterMs, presence: 'last-seen' }
}

/** The contract's view of a record. */
export function toDevice(record: DeviceRecord, now: number, offlineAfterMs: number): Device {
  const { online, presence } = presenceOf(record, now, offlineAfterMs)
  return {
    id: record.id,
    name: record.customName ?? record.reportedName ?? record.id,
    customName: record.customName,
    reportedName: record.reportedName,
    format: record.format,
    online,
    presence,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    // Copies: the record's latest values are updated in place (apply-update).
    latest: Object.fromEntries(
      Object.entries(record.latest).map(([metric, latest]) => [metric, { ...latest }]),
    ),
    info: { ...record.info },
    location: record.location,
    notes: record.notes,
    topics: [...record.topics],
    source: record.source,
  }
}
