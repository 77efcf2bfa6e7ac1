import { MAX_ALLOW_FILTERS } from '../../../shared/contract/broker'
import { ApiError } from '../../../shared/errors'

/**
 * A login's extra topics (`allow`): MQTT topic filters (MQTT 3.1.1 §4.7) beside the
 * device's own `<prefix>/<id>/…`. What makes a filter acceptable, and how a topic or a
 * subscription is checked against them.
 */

/** Why `filter` can't be an extra topic of device `deviceId`, or null when it can. */
export function extraTopicProblem(filter: string, prefix: string, deviceId: string): string | null {
  if (filter === '') return 'an empty topic is not a topic'
  if (filter.includes('\u0000')) return `"${shown(filter)}" contains a NUL character (§4.7.3)`
  if (filter.startsWith('$'))
    return `"${shown(filter)}": topics starting with "$" are the broker's own (§4.7.2)`
  const levels = filter.split('/')
  for (const [i, level] of levels.entries()) {
    if (level.length > 1 && (level.includes('+') || level.includes('#')))
      return `"${shown(filter)}": "+" and "#" must be a whole level, as in home/+/temp or home/#`
    if (level === '#' && i !== levels.length - 1)
      return `"${shown(filter)}": "#" may only be the last level (§4.7.1.2)`
  }
  if (filter === '#') return '"#" alone would allow every topic; pick a root such as home/#'
  if (levels[0] === '' || levels[0] === '+')
    return `"${shown(filter)}" needs a literal first level, e.g. home/sensors/#`
  if (reachesOtherDevices(levels, prefix, deviceId))
    return `"${shown(filter)}" reaches other devices' topics (${prefix}/<id>/…); a login may use only its own ${prefix}/${deviceId}/… there`
  return null
}

/** Trims, drops duplicates and throws BAD_INPUT naming the first filter that is refused. */
export function checkExtraTopics(
  allow: readonly string[],
  prefix: string,
  deviceId: string,
): string[] {
  const unique = [...new Set(allow.map((f) => f.trim()))]
  if (unique.length > MAX_ALLOW_FILTERS)
    throw new ApiError('BAD_INPUT', `At most ${MAX_ALLOW_FILTERS} extra topics per login.`)
  for (const filter of unique) {
    const problem = extraTopicProblem(filter, prefix, deviceId)
    if (problem) throw new ApiError('BAD_INPUT', `Extra topic refused: ${problem}.`)
  }
  return unique
}

/**
 * Whether some topic under `<prefix>/<other id>/` (other ≠ deviceId) matches the filter.
 * Walks the prefix's levels: a literal that differs leaves the device area, `+` follows it,
 * `#` swallows it.
 */
export function reachesOtherDevices(
  levels: readonly string[],
  prefix: string,
  deviceId: string,
): boolean {
  const prefixLevels = prefix.split('/')
  for (const [i, expected] of prefixLevels.entries()) {
    const level = levels[i]
    if (level === undefined) return false
    if (level === '#') return true
    if (level !== '+' && level !== expected) return false
  }
  const idLevel = levels[prefixLevels.length]
  if (idLevel === undefined) return false
  return idLevel !== deviceId
}

/** Whether the topic name (no wildcards) matches the filter (§4.7.1). */
export function filterMatches(filter: readonly string[], topic: readonly string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i]
    // `a/#` also matches `a` itself (§4.7.1.2).
    if (level === '#') return true
    if (i >= topic.length) return false
    if (level !== '+' && level !== topic[i]) return false
  }
  return filter.length === topic.length
}

/** Whether every topic `inner` matches is also matched by `outer` (both filters). */
export function filterCovers(outer: readonly string[], inner: readonly string[]): boolean {
  for (let i = 0; i < outer.length; i++) {
    const level = outer[i]
    if (level === '#') return true
    if (i >= inner.length) return false
    const other = inner[i]
    if (other === '#') return false
    if (level !== '+' && (other === '+' || level !== other)) return false
  }
  return outer.length === inner.length
}

/** An allow list split into levels once, not on every message. */
export class ExtraTopics {
  private filters: string[][] = []
  private source: readonly string[] = []

  constructor(allow: readonly string[] = []) {
    this.set(allow)
  }

  get list(): readonly string[] {
    return this.source
  }

  get empty(): boolean {
    return this.filters.length === 0
  }

  set(allow: readonly string[]): void {
    this.source = [...allow]
    this.filters = allow.map((f) => f.split('/'))
  }

  /** A topic (publish or delivery) outside other devices' areas that some filter matches. */
  allowsTopic(topic: string, prefix: string, deviceId: string): boolean {
    if (this.filters.length === 0) return false
    const levels = topic.split('/')
    if (reachesOtherDevices(levels, prefix, deviceId)) return false
    return this.filters.some((f) => filterMatches(f, levels))
  }

  /** A subscription that some filter covers and that reaches no other device's topics. */
  allowsFilter(filter: string, prefix: string, deviceId: string): boolean {
    if (this.filters.length === 0) return false
    const levels = filter.split('/')
    if (reachesOtherDevices(levels, prefix, deviceId)) return false
    return this.filters.some((f) => filterCovers(f, levels))
  }
}

function shown(filter: string): string {
  return filter.length > 80 ? `${filter.slice(0, 80)}…` : filter
}
