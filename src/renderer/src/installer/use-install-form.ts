import { useCallback, useState } from 'react'
import { EMPTY_FORM, REMEMBERED, type InstallForm } from './install-form'

const KEY = 'iotcc:installer.defaults'

function remembered(): Partial<InstallForm> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}')
    if (typeof raw !== 'object' || raw === null) return {}
    const out: Record<string, unknown> = {}
    for (const key of REMEMBERED) {
      const value = (raw as Record<string, unknown>)[key]
      if (typeof value === typeof EMPTY_FORM[key]) out[key] = value
    }
    return out as Partial<InstallForm>
  } catch {
    return {}
  }
}

/**
 * The wizard's answers. Non-secret ones (Wi-Fi name, broker, sensor pin…) are remembered
 * for the next board; passwords are kept in memory only.
 */
export function useInstallForm(): [InstallForm, (patch: Partial<InstallForm>) => void, () => void] {
  const [form, setForm] = useState<InstallForm>(() => ({ ...EMPTY_FORM, ...remembered() }))
  const update = useCallback((patch: Partial<InstallForm>) => {
    setForm((old) => {
      const next = { ...old, ...patch }
      try {
        localStorage.setItem(
          KEY,
          JSON.stringify(Object.fromEntries(REMEMBERED.map((k) => [k, next[k]]))),
        )
      } catch {
        // Not remembered this time; nothing else depends on it.
      }
      return next
    })
  }, [])
  const reset = useCallback(() => setForm({ ...EMPTY_FORM, ...remembered() }), [])
  return [form, update, reset]
}
