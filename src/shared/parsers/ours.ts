/**
 * Our firmware's topics (DESIGN.md "MQTT: topics and payloads"):
 *   <prefix>/<id>/status     `online` | `offline` (retained; `offline` is also the Last Will)
 *   <prefix>/<id>/info       {"id","name","fw","mp","chip","sensor","ip","mac","rssi"} (retained)
 *   <prefix>/<id>/telemetry  {"temperature":21.4,"humidity":40.5,"ts":1732700000,"seq":42}
 *   <prefix>/<id>/event      {"event"|"type", "level", "msg"|"message", …}
 *   <prefix>/<id>/cmd        commands *to* the device: ignored here
 * An empty payload on a retained topic is how a retained message is cleared (MQTT 3.1.1
 * §3.3.1.3), so it is ignored rather than reported as unparsed.
 */
import type { OurKind } from '../topics'
import { readFlatJson } from './generic'
import { parseSeedPayload } from './seed'
import { isPlainObject, looksLikeJson, parseJson, presenceWord, shortString } from './text'
import {
  ignored,
  parsed,
  unparsed,
  type ParsedEvent,
  type ParseOutcome,
  type ReportedInfo,
} from './types'

export function parseOurs(
  id: string,
  kind: OurKind,
  text: string,
  receivedAt: number,
): ParseOutcome {
  if (kind === 'cmd') return ignored('command to a device')
  if (text.trim() === '')
    return kind === 'telemetry' ? unparsed('empty', 'empty telemetry') : ignored(`cleared ${kind}`)
  switch (kind) {
    case 'status':
      return parseStatus(id, text)
    case 'info':
      return parseInfo(id, text)
    case 'telemetry':
      return parseTelemetry(id, text, receivedAt)
    case 'event':
      return parseEvent(id, text)
  }
}

function parseStatus(id: string, text: string): ParseOutcome {
  const online = presenceWord(text)
  if (online === null) return unparsed('bad-status', 'status must be "online" or "offline"')
  return parsed({ deviceId: id, format: 'ours', readings: [], online })
}

function parseInfo(id: string, text: string): ParseOutcome {
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!isPlainObject(json.value)) return unparsed('unrecognised', 'info must be a JSON object')
  return parsed({ deviceId: id, format: 'ours', readings: [], info: readInfo(json.value) })
}

/** Known info fields, each a short string (rssi a number); unknown fields are ignored. */
export function readInfo(object: Record<string, unknown>): ReportedInfo {
  const info: ReportedInfo = {}
  for (const key of ['name', 'fw', 'mp', 'chip', 'sensor', 'ip', 'mac'] as const) {
    const value = shortString(object[key])
    if (value !== undefined) info[key] = value
  }
  const rssi = object.rssi
  if (typeof rssi === 'number' && Number.isFinite(rssi) && rssi >= -150 && rssi <= 50)
    info.rssi = Math.round(rssi)
  return info
}

function parseTelemetry(id: string, text: string, receivedAt: number): ParseOutcome {
  if (looksLikeJson(text)) {
    const json = parseJson(text)
    if (!json.ok) return unparsed(json.reason, json.detail)
    if (!isPlainObject(json.value))
      return unparsed('unrecognised', 'telemetry must be a JSON object')
    const flat = readFlatJson(json.value, receivedAt)
    if (flat.readings.length === 0)
      return unparsed('no-numeric-fields', 'telemetry without numeric fields')
    return parsed({ deviceId: id, format: 'ours', ...flat })
  }
  // Firmware with `legacy_topic` speaks the seed format; accept it here too.
  const seed = parseSeedPayload(text)
  if (seed === null) return unparsed('unrecognised', 'telemetry is neither JSON nor key:value')
  if (!seed.ok) return unparsed(seed.reason, seed.detail)
  return parsed({ deviceId: id, format: 'ours', readings: seed.readings })
}

function parseEvent(id: string, text: string): ParseOutcome {
  const json = looksLikeJson(text) ? parseJson(text) : null
  if (json && !json.ok) return unparsed(json.reason, json.detail)
  const object = json && isPlainObject(json.value) ? json.value : null
  return parsed({ deviceId: id, format: 'ours', readings: [], event: readEvent(object, text) })
}

/** An event from its JSON object, or from plain text (then the text is the message). */
export function readEvent(object: Record<string, unknown> | null, text: string): ParsedEvent {
  if (object === null) {
    return {
      type: 'event',
      level: 'info',
      message: text.trim().slice(0, 200),
      raw: text.slice(0, 1000),
    }
  }
  const type = shortString(object.event ?? object.type ?? object.kind, 48) ?? 'event'
  const levelText = (shortString(object.level, 16) ?? '').toLowerCase()
  const level: ParsedEvent['level'] =
    levelText === 'error' || levelText === 'warn' || levelText === 'info'
      ? levelText
      : levelText === 'warning'
        ? 'warn'
        : /error|fail/i.test(type)
          ? 'error'
          : 'info'
  const message = shortString(object.msg ?? object.message ?? object.detail, 200) ?? null
  return { type, level, message, raw: JSON.stringify(object).slice(0, 1000) }
}
