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
 * This page's answers, kept while the person visits other screens: the port, the detected
 * chip, and the passwords too (in memory only, never on disk), so a fleet of boards is
 * installed without typing the Wi-Fi password again.
 */
let session: InstallForm | undefined

/** What "Install another board" keeps: everything but what belongs to the board just done. */
function forAnotherBoard(old: InstallForm): InstallForm {
  return {
    ...EMPTY_FORM,
    ...remembered(),
    ...(old.port ? { port: old.port } : {}),
    ...(old.firmware ? { firmware: old.firmware, firmwareLabel: old.firmwareLabel } : {}),
    eraseAll: old.eraseAll,
    wifiPassword: old.wifiPassword,
    password: old.password,
  }
}

/**
 * The wizard's answers. Non-secret ones (Wi-Fi name, broker, sensor pin…) are remembered
 * for the next board; passwords are kept in memory only.
 */
export function useInstallForm(): [InstallForm, (patch: Partial<InstallForm>) => void, () => void] {
  const [form, setForm] = useState<InstallForm>(() => session ?? { ...EMPTY_FORM, ...remembered() })
  const update = useCallback((patch: Partial<InstallForm>) => {
    setForm((old) => {
      const next = { ...old, ...patch }
      session = next
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
  const reset = useCallback(
    () =>
      setForm((old) => {
        session = forAnotherBoard(old)
        return session
      }),
    [],
  )
  return [form, update, reset]
}
