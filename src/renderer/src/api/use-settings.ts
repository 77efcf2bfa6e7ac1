import { useCallback, useEffect, useState } from 'react'
import type { Settings, SettingsPatch } from '@shared/contract/settings'
import { useApi, useEvent } from './api-context'

/** Current settings, kept live through `settings.changed`, plus an updater. */
export function useSettings(): {
  settings: Settings | undefined
  update: (patch: SettingsPatch) => Promise<Settings>
} {
  const api = useApi()
  const [settings, setSettings] = useState<Settings>()
  useEffect(() => {
    let alive = true
    void api.call('settings.get', {}).then((value) => alive && setSettings(value))
    return () => {
      alive = false
    }
  }, [api])
  useEvent('settings.changed', setSettings)
  const update = useCallback(
    async (patch: SettingsPatch) => {
      const next = await api.call('settings.update', patch)
      setSettings(next)
      return next
    },
    [api],
  )
  return { settings, update }
}
