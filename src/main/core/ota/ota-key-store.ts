import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { generateOtaKey, isValidOtaKey } from '../../../shared/ota/node'
import type { Logger } from '../base/logger'

const KeyFile = z.object({
  version: z.literal(1),
  /** device id → OTA_KEY (64 hex) */
  keys: z.record(z.string(), z.string().refine(isValidOtaKey)),
})

/**
 * The per-device OTA_KEY the installer writes into each board's secrets.py and the app
 * signs that board's manifests with (docs/ota.md "Manifest and its signature"). Kept in
 * `<dataDir>/ota-keys.json`, mode 0600 (a JSON file of the data folder, so backups carry it
 * like the broker credentials). Keys never appear in logs, events or API results.
 */
export class OtaKeyStore {
  readonly file: string
  readonly warnings: string[] = []
  private keys = new Map<string, string>()
  private writing: Promise<void> = Promise.resolve()

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.file = join(dataDir, 'ota-keys.json')
  }

  async load(): Promise<void> {
    let raw: string
    try {
      raw = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    const parsed = KeyFile.safeParse(safeJson(raw))
    if (!parsed.success) {
      const aside = `${this.file}.corrupt-${Date.now()}`
      await rename(this.file, aside)
      const message = `${this.file} is not a key file; it was moved to ${aside}. Boards installed before need reinstalling once over USB to be updated over the air.`
      this.logger.warn(message)
      this.warnings.push(message)
      return
    }
    this.keys = new Map(Object.entries(parsed.data.keys))
    // A restored backup or a copied folder may have lost the mode.
    await chmod(this.file, 0o600).catch(() => undefined)
  }

  has(deviceId: string): boolean {
    return this.keys.has(deviceId)
  }

  /** The device's key, or null when the app never installed it (it can't be updated then). */
  get(deviceId: string): string | null {
    return this.keys.get(deviceId) ?? null
  }

  /** The device's key, made (and saved) now when it has none yet: the installer's step. */
  async ensure(deviceId: string): Promise<string> {
    const known = this.keys.get(deviceId)
    if (known) return known
    const key = generateOtaKey()
    this.keys.set(deviceId, key)
    await this.save()
    this.logger.info('OTA key created', { deviceId })
    return key
  }

  async remove(deviceId: string): Promise<void> {
    if (this.keys.delete(deviceId)) await this.save()
  }

  /** Atomic (temp file + rename), written 0600 from the start; saves run one after another. */
  private save(): Promise<void> {
    const body = `${JSON.stringify({ version: 1, keys: Object.fromEntries(this.keys) }, null, 2)}\n`
    // A failed save must not block the next one.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(dirname(this.file), { recursive: true })
        const tmp = `${this.file}.tmp`
        await writeFile(tmp, body, { mode: 0o600 })
        await chmod(tmp, 0o600)
        await rename(tmp, this.file)
      })
    return this.writing
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}
