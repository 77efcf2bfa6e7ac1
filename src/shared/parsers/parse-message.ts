/**
 * The one entry point: (topic, bytes) → ParseOutcome, total. Order of precedence:
 *   1. `<prefix>/<id>/<kind>`                       our firmware
 *   2. `tele/<t>/SENSOR|LWT|STATE|INFO1|INFO2`      Tasmota
 *   3. `homeassistant/<component>/…/config`        HA discovery (learns mappings)
 *   4. topics a learned HA config named            HA state / availability
 *   5. `cmnd/…`, `$…`, `<prefix>/alerts/…`, `homeassistant/status`: ignored
 *   6. any other topic: the seed's `temp:21,hum:40`, a flat JSON object, a bare number,
 *      or `online`/`offline` on `<topic>/status|availability|LWT`
 * Size and UTF-8 are checked before any of that; a last-resort catch turns a parser bug
 * into an 'internal' unparsed record (the fuzz test asserts it never happens).
 */
import {
  deviceIdFromTopic,
  isTasmotaCommandTopic,
  parseHaDiscoveryTopic,
  parseOurTopic,
  parseTasmotaTopic,
} from '../topics'
import { parseBareNumber, parseJsonObject, parseJsonScalar, parseStatusWord } from './generic'
import type { HaRegistry } from './ha-registry'
import { parseHaConfig, parseHaState } from './home-assistant'
import { parseOurs } from './ours'
import { parseSeedPayload } from './seed'
import { parseTasmota } from './tasmota'
import { decodeText, isPlainObject, looksLikeJson, parseJson } from './text'
import { ignored, parsed, unparsed, type ParseOutcome } from './types'
import { parseOtaTopic } from '../ota/protocol'

export interface ParseContext {
  /** Our firmware's topic prefix (settings.devices.prefix). */
  prefix: string
  /** Learned Home Assistant mappings; updated by discovery config messages. */
  ha: HaRegistry
  /** HA discovery prefix; 'homeassistant' unless configured otherwise. */
  haPrefix?: string
}

export interface RawMessage {
  topic: string
  payload: Uint8Array
  receivedAt: number
}

/** Parses one message; never throws. */
export function parseMessage(message: RawMessage, context: ParseContext): ParseOutcome {
  try {
    return parseUnsafe(message, context)
  } catch (error) {
    return unparsed(
      'internal',
      error instanceof Error ? error.message.slice(0, 200) : 'parser failed',
    )
  }
}

function parseUnsafe(
  { topic, payload, receivedAt }: RawMessage,
  context: ParseContext,
): ParseOutcome {
  if (topic.startsWith('$')) return ignored('broker system topic')
  // The app's own alert state and Home Assistant's birth message are not devices.
  if (topic.startsWith(`${context.prefix}/alerts/`))
    return ignored('alert state published by this app')
  if (topic === `${context.haPrefix ?? 'homeassistant'}/status`)
    return ignored('Home Assistant status')
  // Over-the-air update transfers (docs/ota.md): binary chunks and progress, not readings.
  if (topic.includes('/ota/') && parseOtaTopic(context.prefix, topic) !== null)
    return ignored('over-the-air update transfer')
  const decoded = decodeText(payload)
  if (!decoded.ok) return unparsed(decoded.reason, decoded.detail)
  const text = decoded.text

  const ours = parseOurTopic(context.prefix, topic)
  if (ours) return parseOurs(ours.id, ours.kind, text, receivedAt)

  const tasmota = parseTasmotaTopic(topic)
  if (tasmota) return parseTasmota(tasmota.device, tasmota.kind, text)

  const discovery = parseHaDiscoveryTopic(topic, context.haPrefix)
  if (discovery) {
    const isNative = (t: string): boolean =>
      parseOurTopic(context.prefix, t) !== null || parseTasmotaTopic(t) !== null
    return parseHaConfig(topic, discovery, text, context.ha, isNative)
  }

  const ha = parseHaState(topic, text, context.ha)
  if (ha) return ha

  if (isTasmotaCommandTopic(topic)) return ignored('command to a device')
  return parseGeneric(topic, text, receivedAt)
}

/** Formats for topics nobody configured. */
function parseGeneric(topic: string, text: string, receivedAt: number): ParseOutcome {
  if (text.trim() === '') return unparsed('empty', 'empty payload')
  if (looksLikeJson(text) || /^\s*"/.test(text)) {
    const json = parseJson(text)
    if (!json.ok) return unparsed(json.reason, json.detail)
    if (isPlainObject(json.value)) return parseJsonObject(topic, json.value, receivedAt)
    return parseJsonScalar(topic, json.value)
  }
  const seed = parseSeedPayload(text)
  if (seed) {
    if (!seed.ok) return unparsed(seed.reason, seed.detail)
    return parsedSeed(topic, seed.readings)
  }
  const number = parseBareNumber(topic, text)
  if (number) return number
  const status = parseStatusWord(topic, text)
  if (status) return status
  return unparsed('unrecognised', 'not a known payload format')
}

function parsedSeed(topic: string, readings: { metric: string; value: number }[]): ParseOutcome {
  return parsed({ deviceId: deviceIdFromTopic(topic), format: 'seed', readings })
}
