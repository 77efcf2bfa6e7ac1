/**
 * Topic conventions shared by the app, the firmware simulator and the tests.
 * MQTT topic syntax and wildcards: MQTT 3.1.1 §4.7 (levels split by '/', '+' one
 * level, '#' the rest; topics starting with '$' are not matched by wildcards, §4.7.2).
 */

/** Default prefix our firmware publishes under (settings.devices.prefix). */
export const DEFAULT_PREFIX = 'iot'

/** The seed article's topic: its publisher sends `temp:21,hum:40` here. */
export const SEED_TOPIC = 'home/sensors/temp_hum'

/** Home Assistant's default discovery prefix. */
export const HA_DISCOVERY_PREFIX = 'homeassistant'

/**
 * What the app subscribes to on every external connection (from the embedded broker it
 * receives every message in-process, which amounts to the same). Decision: `#`, filtered
 * by the parsers. The app must see the
 * seed's topic and arbitrary plain-JSON topics whose names nobody configured, so a
 * narrower list (`iot/+/+`, `tele/+/+`, …) would silently miss devices. `#` does not
 * match `$SYS/…` (MQTT 3.1.1 §4.7.2), so broker statistics never reach the parsers.
 * Unknown traffic becomes counted "unparsed" records, never an error.
 */
/**
 * Where the instances of a cluster tell each other things (leader claim, alert ledger, stored
 * acknowledgements; src/main/core/cluster/cluster-topics.ts): `<prefix>/cluster/`. Never a
 * device: the parsers ignore it.
 */
export function clusterRoot(prefix: string): string {
  return `${prefix}/cluster/`
}

export function appSubscriptions(): string[] {
  return ['#']
}

/** The kinds of topic our firmware uses under `<prefix>/<id>/`. */
export const OUR_KINDS = ['status', 'info', 'telemetry', 'cmd', 'event'] as const
export type OurKind = (typeof OUR_KINDS)[number]

export type OurTopics = Record<OurKind, string>

/** The five topics of one of our devices (DESIGN.md "MQTT: topics and payloads"). */
export function ourTopics(prefix: string, id: string): OurTopics {
  const base = `${prefix}/${id}`
  return {
    status: `${base}/status`,
    info: `${base}/info`,
    telemetry: `${base}/telemetry`,
    cmd: `${base}/cmd`,
    event: `${base}/event`,
  }
}

/** A device id our firmware may use: one topic level, no wildcards, not empty. */
export function isValidDeviceId(id: string): boolean {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(id)
}

/** `<prefix>/<id>/<kind>` → its parts; null for any other topic. The prefix may span levels. */
export function parseOurTopic(prefix: string, topic: string): { id: string; kind: OurKind } | null {
  if (!topic.startsWith(`${prefix}/`)) return null
  const rest = topic.slice(prefix.length + 1).split('/')
  if (rest.length !== 2) return null
  const [id, kind] = rest as [string, string]
  if (!isValidDeviceId(id) || !(OUR_KINDS as readonly string[]).includes(kind)) return null
  return { id, kind: kind as OurKind }
}

/** Tasmota telemetry kinds we read (Tasmota docs, "MQTT" → telemetry `tele/%topic%/…`). */
export type TasmotaKind = 'SENSOR' | 'LWT' | 'STATE' | 'INFO1' | 'INFO2' | 'OTHER'

/**
 * `tele/<t>/<KIND>` with Tasmota's default FullTopic `%prefix%/%topic%/`. `<t>` is one level
 * (the default is `tasmota_XXXXXX`); other `tele/…` topics come back with kind OTHER.
 */
export function parseTasmotaTopic(topic: string): { device: string; kind: TasmotaKind } | null {
  const levels = topic.split('/')
  if (levels.length !== 3 || levels[0] !== 'tele') return null
  const device = levels[1] as string
  const last = levels[2] as string
  if (device === '' || last === '') return null
  const known: readonly string[] = ['SENSOR', 'LWT', 'STATE', 'INFO1', 'INFO2']
  return { device, kind: known.includes(last) ? (last as TasmotaKind) : 'OTHER' }
}

/** Tasmota command topics (`cmnd/<t>/<Command>`): traffic to devices, never data. */
export function isTasmotaCommandTopic(topic: string): boolean {
  return topic.startsWith('cmnd/')
}

/**
 * Home Assistant discovery: `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`
 * (HA docs, "MQTT Discovery" → discovery topic). Returns null for any other topic.
 */
export function parseHaDiscoveryTopic(
  topic: string,
  discoveryPrefix = HA_DISCOVERY_PREFIX,
): { component: string; nodeId: string | null; objectId: string } | null {
  if (!topic.startsWith(`${discoveryPrefix}/`)) return null
  const levels = topic.slice(discoveryPrefix.length + 1).split('/')
  if (levels[levels.length - 1] !== 'config') return null
  const valid = (s: string | undefined): s is string =>
    s !== undefined && /^[A-Za-z0-9_-]+$/.test(s)
  if (levels.length === 3 && valid(levels[0]) && valid(levels[1])) {
    return { component: levels[0], nodeId: null, objectId: levels[1] }
  }
  if (levels.length === 4 && valid(levels[0]) && valid(levels[1]) && valid(levels[2])) {
    return { component: levels[0], nodeId: levels[1], objectId: levels[2] }
  }
  return null
}

/** Last level of a topic (`home/kitchen/temperature` → `temperature`). */
export function lastLevel(topic: string): string {
  const i = topic.lastIndexOf('/')
  return i < 0 ? topic : topic.slice(i + 1)
}

/** Topic without its last level, or null for a one-level topic. */
export function parentTopic(topic: string): string | null {
  const i = topic.lastIndexOf('/')
  return i <= 0 ? null : topic.slice(0, i)
}

const MAX_ID = 80

/**
 * A stable, readable device id for a device we did not flash, derived from its topic
 * (or any other name, e.g. a Tasmota topic or a HA device identifier).
 * Levels are joined with '.', keeping `[A-Za-z0-9_-]`: `home/sensors/temp_hum` →
 * `home.sensors.temp_hum`. When that would be lossy (other characters, '.', empty levels,
 * or longer than 80 characters) the unsafe characters become '_' and `~` + an FNV-1a hash of
 * the full original is appended ('~' never occurs in a clean id, so the two kinds never clash).
 * Same input → same id, across restarts and machines.
 */
export function deviceIdFromTopic(topic: string): string {
  const levels = topic.split('/')
  const clean = levels.map((level) => level.replace(/[^A-Za-z0-9_-]+/g, '_'))
  const joined = clean.join('.')
  const lossy =
    topic === '' ||
    clean.some((level, i) => level !== levels[i] || level === '') ||
    joined.length > MAX_ID
  if (!lossy) return joined
  const head = joined.slice(0, MAX_ID - 9).replace(/^[._]+|[._]+$/g, '') || 'topic'
  return `${head}~${fnv1a(topic)}`
}

/** FNV-1a 32-bit over UTF-16 code units, as 8 hex digits: cheap, stable, good enough for ids. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}
