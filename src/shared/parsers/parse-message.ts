/**
 * The one entry point: (topic, bytes) → ParseOutcome, total. Which parser reads which
 * topic, and in what order, is the route table in ecosystems/routes.ts. Before it: broker
 * `$…` topics, this app's own alert state and cluster coordination, and Home Assistant's
 * birth message are ignored, and size and UTF-8 are checked. A last-resort catch turns a parser bug into an 'internal'
 * unparsed record (the fuzz test asserts it never happens).
 */
import type { ParseContext, RawMessage } from './context'
import { parseMapped } from './ecosystems/manual-mapping'
import {
  firstLevelRoutes,
  routeIndex,
  type Route,
  type RouteIndex,
  type RouteInput,
} from './ecosystems/routes'
import { parseGeneric } from './generic-message'
import { parseHaState } from './home-assistant'
import { clusterRoot } from '../topics'
import { decodeText } from './text'
import { ignored, unparsed, type ParseOutcome } from './types'
import { parseOtaTopic } from '../ota/protocol'

export type { ParseContext, RawMessage } from './context'

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
  // What the instances of a cluster tell each other (core/cluster/cluster-topics.ts): leader
  // claims, the alert ledger and binary stored-acks. Coordination, not readings.
  if (topic.startsWith(clusterRoot(context.prefix)))
    return ignored('cluster coordination by this app')
  if (topic === `${context.haPrefix ?? 'homeassistant'}/status`)
    return ignored('Home Assistant status')
  // Over-the-air update transfers (docs/ota.md): binary chunks and progress, not readings.
  if (topic.includes('/ota/') && parseOtaTopic(context.prefix, topic) !== null)
    return ignored('over-the-air update transfer')
  const decoded = decodeText(payload)
  if (!decoded.ok) return unparsed(decoded.reason, decoded.detail)
  const text = decoded.text

  const mapping = context.mappings?.get(topic)
  if (mapping !== undefined) return parseMapped(mapping, text)

  const input: RouteInput = { topic, levels: topic.split('/'), text, receivedAt }
  const index = routeIndex(context)
  const first = tryRoutes(firstLevelRoutes(index, input.levels), input, context)
  if (first !== null) return first

  const ha = parseHaState(topic, text, context.ha)
  if (ha) return ha

  const shaped = tryShapes(index, input, context)
  if (shaped !== null) return shaped

  return parseGeneric(topic, text, receivedAt)
}

function tryRoutes(
  routes: readonly Route[],
  input: RouteInput,
  context: ParseContext,
): ParseOutcome | null {
  for (const route of routes) {
    const outcome = route.parse(input, context)
    if (outcome !== null) return outcome
  }
  return null
}

/** Tier 3: routes keyed by the last level, then by the one before it (no array built). */
function tryShapes(
  index: RouteIndex,
  input: RouteInput,
  context: ParseContext,
): ParseOutcome | null {
  const { levels } = input
  const n = levels.length
  const byLast = index.byLast.get(levels[n - 1]!)
  const outcome = byLast === undefined ? null : tryRoutes(byLast, input, context)
  if (outcome !== null || n < 2) return outcome
  const byPenultimate = index.byPenultimate.get(levels[n - 2]!)
  return byPenultimate === undefined ? null : tryRoutes(byPenultimate, input, context)
}
