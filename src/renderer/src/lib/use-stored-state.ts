import { useCallback, useState } from 'react'

/**
 * useState that survives reloads in localStorage: view preferences of this window
 * (grid or table, sort order, gauge ranges) that are not worth a setting in the core.
 */
export function useStoredState<T>(
  key: string,
  initial: T,
  isValid: (value: unknown) => value is T,
): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(`iotcc:${key}`)
      if (raw !== null) {
        const parsed: unknown = JSON.parse(raw)
        if (isValid(parsed)) return parsed
      }
    } catch {
      // Storage unavailable or corrupt: fall back to the default.
    }
    return initial
  })
  const store = useCallback(
    (next: T) => {
      setValue(next)
      try {
        localStorage.setItem(`iotcc:${key}`, JSON.stringify(next))
      } catch {
        // Private mode or full storage: the preference lasts for this session only.
      }
    },
    [key],
  )
  return [value, store]
}

/** Validator for a value from a fixed list of strings. */
export function oneOf<T extends string>(options: readonly T[]) {
  return (value: unknown): value is T =>
    typeof value === 'string' && (options as readonly string[]).includes(value)
}
