import { useEffect, useMemo, useState } from 'react'
import { oneOf, useStoredState } from '../lib/use-stored-state'
import { RANGES, refreshInterval, resolveRange, type RangeKey, type TimeRange } from './ranges'

/**
 * The history window: a preset (remembered) that slides forward on a timer suited to its
 * length, or a fixed custom window.
 */
export function useRange(): {
  key: RangeKey
  setKey: (key: RangeKey) => void
  custom: TimeRange
  setCustom: (range: TimeRange) => void
  range: TimeRange
} {
  const [key, setStoredKey] = useStoredState<RangeKey>(
    'history.range',
    '24h',
    oneOf(RANGES.map((r) => r.value)),
  )
  const [anchor, setAnchor] = useState(() => Date.now())
  const [custom, setCustom] = useState<TimeRange>(() => {
    const to = Date.now()
    return { from: to - 6 * 3_600_000, to }
  })
  useEffect(() => {
    const every = refreshInterval(key)
    if (every === 0) return
    const timer = setInterval(() => setAnchor(Date.now()), every)
    return () => clearInterval(timer)
  }, [key])
  const setKey = (next: RangeKey): void => {
    setAnchor(Date.now())
    setStoredKey(next)
  }
  const range = useMemo(() => resolveRange(key, custom, anchor), [key, custom, anchor])
  return { key, setKey, custom, setCustom, range }
}
