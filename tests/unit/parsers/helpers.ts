import { Z2mRegistry } from '../../../src/shared/parsers/ecosystems/z2m-registry'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { parseMessage } from '../../../src/shared/parsers/parse-message'
import type { DeviceUpdate, ParseOutcome } from '../../../src/shared/parsers/types'

export const NOW = Date.UTC(2026, 0, 15, 12)

/** Parses a message the way the ingestor does (prefix `iot` unless given). */
export function parse(
  topic: string,
  payload: string | Uint8Array,
  options: { prefix?: string; ha?: HaRegistry; z2m?: Z2mRegistry; receivedAt?: number } = {},
): ParseOutcome {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload
  return parseMessage(
    { topic, payload: bytes, receivedAt: options.receivedAt ?? NOW },
    {
      prefix: options.prefix ?? 'iot',
      ha: options.ha ?? new HaRegistry(),
      z2m: options.z2m ?? new Z2mRegistry(),
    },
  )
}

/** The single update of a parsed outcome; fails the test with the outcome otherwise. */
export function single(outcome: ParseOutcome): DeviceUpdate {
  if (outcome.kind !== 'parsed' || outcome.updates.length !== 1) {
    throw new Error(`expected one update, got ${JSON.stringify(outcome)}`)
  }
  return outcome.updates[0]!
}

/** Readings as a metric → value map, for compact assertions. */
export function values(update: DeviceUpdate): Record<string, number> {
  return Object.fromEntries(update.readings.map((r) => [r.metric, r.value]))
}
