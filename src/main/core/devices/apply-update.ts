import type { DeviceUpdate } from '../../../shared/parsers/types'
import { MAX_EVENTS, MAX_LATEST, MAX_TOPICS, type DeviceRecord } from './device-record'

/** Formats whose device id is derived from the topic (src/shared/parsers/generic.ts). */
const TOPIC_NAMED: ReadonlySet<DeviceUpdate['format']> = new Set(['seed', 'json', 'number'])

/** How a message arrived, as far as the registry cares. */
export interface MessageMeta {
  topic: string
  /** Connection id: 'embedded' or an external connection. */
  source: string
  receivedAt: number
  /** A retained message is the broker's memory, not proof the device is alive now. */
  retained: boolean
  /** The broker login (device account) that published it, when the embedded broker knows. */
  login?: string
}

/**
 * Folds one parsed update into a device record (mutating it). `readingsTs` is when the
 * readings were taken (device time when plausible, else arrival time).
 */
export function applyUpdate(
  record: DeviceRecord,
  update: DeviceUpdate,
  meta: MessageMeta,
  readingsTs: number,
): void {
  // A topic mapped by hand adds a metric to a device; it does not change what the device speaks.
  if (update.readings.length > 0 && update.format !== 'mapped') record.format = update.format
  if (!record.topics.includes(meta.topic)) {
    record.topics.push(meta.topic)
    if (record.topics.length > MAX_TOPICS) record.topics.shift()
  }
  record.source = meta.source
  if (meta.login !== undefined) record.hasLogin = true
  if (!meta.retained && (record.lastSeen === null || meta.receivedAt > record.lastSeen)) {
    record.lastSeen = meta.receivedAt
  }
  if (update.online !== undefined) record.status = update.online ? 'online' : 'offline'
  else if (!meta.retained && record.status === 'offline' && update.readings.length > 0) {
    // Data after an `offline` means the device is back (e.g. it reconnected without a
    // birth message); its next Last Will sets it offline again.
    record.status = 'online'
  }
  const info = update.info
  if (info) {
    if (info.name !== undefined) record.reportedName = info.name
    for (const key of ['fw', 'mp', 'chip', 'sensor', 'ip', 'mac'] as const) {
      const value = info[key]
      if (value !== undefined) record.info[key] = value
    }
    if (info.rssi !== undefined) record.info.rssi = info.rssi
  }
  // A board whose id only comes from its topic (the seed string, plain JSON, a bare number)
  // is named after the login it publishes with, the device id the person typed on the Broker
  // screen (e.g. ESP32_Sensor_01), until it names itself or is renamed.
  if (record.reportedName === null && meta.login !== undefined && TOPIC_NAMED.has(update.format))
    record.reportedName = meta.login
  if (update.event) {
    record.events.push({ ts: meta.receivedAt, ...update.event })
    if (record.events.length > MAX_EVENTS)
      record.events.splice(0, record.events.length - MAX_EVENTS)
  }
  for (const reading of update.readings) {
    // hasOwn: a metric may be called "constructor" or "toString" (any JSON field name can be).
    const current = Object.hasOwn(record.latest, reading.metric)
      ? record.latest[reading.metric]
      : undefined
    if (current === undefined && Object.keys(record.latest).length >= MAX_LATEST) continue
    if (current === undefined)
      record.latest[reading.metric] = { value: reading.value, ts: readingsTs }
    else if (readingsTs >= current.ts) {
      // In place: one object per metric for the device's life, not one per reading
      // (at 1 Hz each would outlive a young-generation GC and be promoted as garbage).
      current.value = reading.value
      current.ts = readingsTs
    }
  }
}
