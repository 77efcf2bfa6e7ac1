import { join } from 'node:path'
import { Settings, type SettingsPatch } from '../../../shared/contract/settings'
import { JsonStore, type JsonDocument } from '../base/json-store'
import type { Logger } from '../base/logger'

type Listener = (settings: Settings) => void

/** `settings.json` (also checked by the backup before a restore). */
export const SETTINGS_DOCUMENT: JsonDocument<typeof Settings> = {
  name: 'settings.json',
  schema: Settings,
  version: 1,
}

/** The person's settings in `<dataDir>/settings.json`, validated and versioned. */
export class SettingsStore {
  private readonly store: JsonStore<typeof Settings>
  private readonly listeners = new Set<Listener>()

  constructor(dataDir: string, logger: Logger) {
    this.store = new JsonStore({
      ...SETTINGS_DOCUMENT,
      file: join(dataDir, SETTINGS_DOCUMENT.name),
      defaults: () => Settings.parse({}),
      logger,
    })
  }

  get warnings(): readonly string[] {
    return this.store.warnings
  }

  async load(): Promise<Settings> {
    return this.store.load()
  }

  get(): Settings {
    return this.store.data
  }

  /** Applies a validated patch section by section, saves, and tells listeners. */
  async update(patch: SettingsPatch): Promise<Settings> {
    const current = this.store.data
    const next = Settings.parse({
      ui: { ...current.ui, ...patch.ui },
      broker: { ...current.broker, ...patch.broker },
      storage: { ...current.storage, ...patch.storage },
      devices: { ...current.devices, ...patch.devices },
      desktop: { ...current.desktop, ...patch.desktop },
      history: { ...current.history, ...patch.history },
    })
    await this.store.replace(next)
    for (const listener of this.listeners) listener(next)
    return next
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
