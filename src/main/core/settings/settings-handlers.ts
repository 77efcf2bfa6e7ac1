import type { settingsMethods } from '../../../shared/contract/settings'
import type { HandlerMap } from '../rpc/handlers'
import type { SettingsStore } from './settings-store'

export function settingsHandlers(store: SettingsStore): HandlerMap<keyof typeof settingsMethods> {
  return {
    'settings.get': () => store.get(),
    'settings.update': (patch) => store.update(patch),
  }
}
