import { z } from 'zod'
import { SOURCE_FORMATS } from '../parsers/types'
import { method, NoParams, Ok } from './define'

/** A device id as the app knows it: our firmware's `<id>` or a slug derived from a topic. */
export const DeviceId = z.string().min(1).max(200)

/** Which convention the device speaks (see DESIGN.md "The app also understands devices it did not flash"). */
export const SourceFormat = z.enum(SOURCE_FORMATS)

/** A metric's most recent value; `ts` is epoch ms. */
export const LatestValue = z.object({ value: z.number(), ts: z.number() })
export type LatestValue = z.infer<typeof LatestValue>

/** What the device reported about itself (our retained `info`, Tasmota INFO/STATE, HA device block). */
export const DeviceInfo = z.object({
  fw: z.string().nullable(),
  mp: z.string().nullable(),
  chip: z.string().nullable(),
  sensor: z.string().nullable(),
  ip: z.string().nullable(),
  mac: z.string().nullable(),
  /** Wi-Fi signal in dBm. */
  rssi: z.number().nullable(),
})
export type DeviceInfo = z.infer<typeof DeviceInfo>

/** One message from `<prefix>/<id>/event`: sensor failures, acks, buffer flushes. */
export const DeviceEvent = z.object({
  ts: z.number().describe('epoch ms when the app received it'),
  type: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string().nullable(),
  /** The payload as received (JSON re-serialised), at most 1,000 characters. */
  raw: z.string(),
})
export type DeviceEvent = z.infer<typeof DeviceEvent>

export const Device = z.object({
  id: DeviceId,
  /** What to show: the person's name for it, else the name it reports, else its id. */
  name: z.string(),
  /** Set by devices.rename; null = use the reported name. */
  customName: z.string().nullable(),
  reportedName: z.string().nullable(),
  format: SourceFormat,
  /**
   * true/false from its retained status / Last Will when it has one, otherwise from whether
   * anything arrived within settings.devices.offlineAfterS; null when nothing has arrived yet.
   */
  online: z.boolean().nullable(),
  /** Where `online` comes from: 'status' (status/LWT/availability topic) or 'last-seen' (timeout). */
  presence: z.enum(['status', 'last-seen']),
  firstSeen: z.number().describe('epoch ms'),
  /** Last live (non-retained) message, epoch ms; null if only retained messages were seen. */
  lastSeen: z.number().nullable(),
  /** Latest value per metric; `temperature` (°C) and `humidity` (%RH) when the device has them. */
  latest: z.record(z.string(), LatestValue),
  info: DeviceInfo,
  location: z.string(),
  notes: z.string(),
  /** Topics this device was heard on (most recent last, at most 16). */
  topics: z.array(z.string()),
  /** Connection that last delivered a message: 'embedded' or an external connection id. */
  source: z.string().nullable(),
})
export type Device = z.infer<typeof Device>

const ById = z.object({ id: DeviceId }).strict()

export const devicesMethods = {
  /** Every known device, sorted by name. */
  'devices.list': method(NoParams, z.array(Device), 'List all known devices.'),
  /** One device; NOT_FOUND when the id is unknown. */
  'devices.get': method(ById, Device, 'Get one device by id.'),
  /** Sets the name shown for a device; an empty name goes back to the name it reports. */
  'devices.rename': method(
    z.object({ id: DeviceId, name: z.string().trim().max(64) }).strict(),
    Device,
    'Rename a device (empty name = use the name the device reports).',
  ),
  /** Changes the person's notes about a device; omitted fields are kept. */
  'devices.update': method(
    z
      .object({
        id: DeviceId,
        location: z.string().trim().max(100).optional(),
        notes: z.string().max(2000).optional(),
      })
      .strict(),
    Device,
    'Set location and notes of a device.',
  ),
  /** Removes a device and all its stored readings. It comes back if it publishes again. */
  'devices.forget': method(ById, Ok, 'Forget a device and delete its readings.'),
  /** Recent events of a device, newest first (at most 50 are kept per device). */
  'devices.events': method(
    z.object({ id: DeviceId, limit: z.number().int().min(1).max(50).default(50) }).strict(),
    z.array(DeviceEvent),
    'Recent events a device reported, newest first.',
  ),
}

export const devicesEvents = {
  /** A device appeared or changed (coalesced: at most one per device per 50 ms tick). */
  'device.updated': Device,
  /** A device was forgotten. */
  'device.removed': z.object({ id: DeviceId }),
}
