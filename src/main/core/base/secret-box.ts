/**
 * Where secrets live at rest (external broker passwords and TLS keys, the InfluxDB password
 * and token, alert webhook tokens): apart from the JSON file that names their owner, in a
 * file always written with mode 0600 (owner only), one per domain and codec:
 * `<domain>-secrets.keychain.json` (desktop) or `<domain>-secrets.json` (web mode), so
 * running web mode on the desktop app's folder never clobbers the other's. What each value
 * is on disk depends on the codec: in the desktop app the OS keychain's key encrypts it
 * (Electron safeStorage: Keychain, DPAPI, libsecret/kwallet); in web mode there is no
 * keychain and the value is stored as is, protected by the file mode alone (README says so).
 * Secrets are never logged.
 */
import { readFileSync } from 'node:fs'
import { chmod, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { parseJsonDocument, type JsonDocument } from './json-store'

/** Seals a secret for the disk and opens it again. `open` throws on a value it cannot read. */
export interface SecretCodec {
  /** Recorded in the file: a file sealed by one codec is never opened by another. */
  readonly name: 'os-keychain' | 'plain'
  seal(secret: string): string
  open(sealed: string): string
}

/** Web mode: no keychain; the file's 0600 mode is the protection. */
export const plainCodec: SecretCodec = {
  name: 'plain',
  seal: (secret) => secret,
  open: (sealed) => sealed,
}

/** The domains that keep secrets, each in its own file (one owner per file, no write races). */
export const SECRET_DOMAINS = ['connection', 'integration', 'alert'] as const
export type SecretDomain = (typeof SECRET_DOMAINS)[number]

/** `connection` + desktop → `connection-secrets.keychain.json`; web mode: `….json`. */
export function secretFileName(domain: SecretDomain, codec: SecretCodec['name']): string {
  return codec === 'os-keychain' ? `${domain}-secrets.keychain.json` : `${domain}-secrets.json`
}

const SecretsFile = z.object({
  codec: z.enum(['os-keychain', 'plain']),
  /** owner id (a connection, a rule, `influx`) → field name (password, key) → sealed value */
  secrets: z.record(z.string(), z.record(z.string(), z.string())),
})

/** Every secret file, in the data folder's usual envelope (the backup checks them with this). */
export const SECRETS_DOCUMENTS: JsonDocument<typeof SecretsFile>[] = SECRET_DOMAINS.flatMap(
  (domain) => (['os-keychain', 'plain'] as const).map((codec) => secretFileName(domain, codec)),
).map((name) => ({ name, schema: SecretsFile, version: 1 }))

export type SecretFields = Record<string, string>

/** The outcome of reading the file: the secrets, or why they could not be read. */
export type SecretsLoad =
  { ok: true; secrets: Map<string, SecretFields> } | { ok: false; reason: string }

export class SecretFile {
  readonly path: string

  constructor(
    dataDir: string,
    private readonly codec: SecretCodec,
    domain: SecretDomain,
  ) {
    this.path = join(dataDir, secretFileName(domain, codec.name))
  }

  get codecName(): SecretCodec['name'] {
    return this.codec.name
  }

  async load(): Promise<SecretsLoad> {
    let raw: string
    try {
      raw = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { ok: true, secrets: new Map() }
      throw error
    }
    return this.parse(raw)
  }

  /**
   * The same, synchronously, for a reader that must not take the file over (the history
   * store's start-up and the CLI read it beside the store that owns it). A missing file
   * reads as empty; nothing is set aside here.
   */
  loadSync(): SecretsLoad {
    try {
      return this.parse(readFileSync(this.path, 'utf8'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { ok: true, secrets: new Map() }
      return { ok: false, reason: (error as Error).message }
    }
  }

  private parse(raw: string): SecretsLoad {
    let file: z.output<typeof SecretsFile>
    try {
      const doc = { name: this.path, schema: SecretsFile, version: 1 }
      file = parseJsonDocument(raw, doc).value
    } catch (error) {
      return { ok: false, reason: (error as Error).message }
    }
    if (file.codec !== this.codec.name)
      return { ok: false, reason: `names the wrong codec (${file.codec})` }
    const secrets = new Map<string, SecretFields>()
    for (const [id, fields] of Object.entries(file.secrets)) {
      const open: SecretFields = {}
      for (const [field, sealed] of Object.entries(fields)) {
        try {
          open[field] = this.codec.open(sealed)
        } catch {
          return { ok: false, reason: `holds a value that cannot be decrypted (entry ${id})` }
        }
      }
      secrets.set(id, open)
    }
    return { ok: true, secrets }
  }

  /** Writes all secrets: temp file (0600) then rename, so a crash leaves the old file whole. */
  async save(secrets: ReadonlyMap<string, SecretFields>): Promise<void> {
    const sealed: Record<string, Record<string, string>> = {}
    for (const [id, fields] of secrets) {
      const entries = Object.entries(fields)
      if (entries.length === 0) continue
      sealed[id] = Object.fromEntries(entries.map(([k, v]) => [k, this.codec.seal(v)]))
    }
    const body = { version: 1, data: { codec: this.codec.name, secrets: sealed } }
    const temp = `${this.path}.tmp`
    await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 })
    // An existing temp file keeps its old mode through writeFile: set it explicitly.
    await chmod(temp, 0o600)
    await rename(temp, this.path)
  }

  /** Moves an unreadable file aside (kept for the person, never overwritten); returns where. */
  async setAside(now: number): Promise<string> {
    const aside = `${this.path}.corrupt-${now}`
    await rename(this.path, aside)
    return aside
  }
}
