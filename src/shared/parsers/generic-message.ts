/**
 * Formats for topics no route claimed: the seed's `temp:21,hum:40`, a flat JSON object, a
 * bare number, or `online`/`offline` on `<topic>/status|availability|LWT`.
 */
import { deviceIdFromTopic } from '../topics'
import { parseBareNumber, parseJsonObject, parseJsonScalar, parseStatusWord } from './generic'
import { parseSeedPayload } from './seed'
import { isPlainObject, looksLikeJson, parseJson } from './text'
import { parsed, unparsed, type ParseOutcome } from './types'

export function parseGeneric(topic: string, text: string, receivedAt: number): ParseOutcome {
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
    return parsed({ deviceId: deviceIdFromTopic(topic), format: 'seed', readings: seed.readings })
  }
  const number = parseBareNumber(topic, text)
  if (number) return number
  const status = parseStatusWord(topic, text)
  if (status) return status
  return unparsed('unrecognised', 'not a known payload format')
}
