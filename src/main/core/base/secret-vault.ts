import type { Logger } from './logger'
import {
  plainCodec,
  SecretFile,
  type SecretCodec,
  type SecretDomain,
  type SecretFields,
} from './secret-box'

export interface SecretVaultOptions {
  dataDir: string
  domain: SecretDomain
  logger: Logger
  codec?: SecretCodec
  now?: () => number
  /** Ends the warning when the file had to be set aside: what is kept, what to enter again. */
  lostHint: string
}

/**
 * One domain's secrets in memory, backed by its secret file (secret-box.ts): owner id →
 * field → value. A file that cannot be read is set aside with a warning that names it and
 * says what to do; the vault then starts empty and nothing else is touched.
 */
export class SecretVault {
  readonly warnings: string[] = []
  private readonly file: SecretFile
  private secrets = new Map<string, SecretFields>()

  constructor(private readonly options: SecretVaultOptions) {
    this.file = new SecretFile(options.dataDir, options.codec ?? plainCodec, options.domain)
  }

  get codecName(): SecretCodec['name'] {
    return this.file.codecName
  }

  async load(): Promise<void> {
    const loaded = await this.file.load()
    if (loaded.ok) {
      this.secrets = loaded.secrets
      return
    }
    const aside = await this.file.setAside((this.options.now ?? Date.now)())
    const message = `${this.file.path} ${loaded.reason}; it was moved to ${aside}. ${this.options.lostHint}`
    this.options.logger.warn(message)
    this.warnings.push(message)
    this.secrets = new Map()
  }

  /** The owner's secrets (a copy), empty when it has none. */
  get(id: string): SecretFields {
    return { ...this.secrets.get(id) }
  }

  /** Replaces the owner's secrets in memory (none: removes the owner); `save` writes them. */
  set(id: string, fields: SecretFields): void {
    const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== ''))
    if (Object.keys(kept).length > 0) this.secrets.set(id, kept)
    else this.secrets.delete(id)
  }

  has(id: string): boolean {
    return this.secrets.has(id)
  }

  /** Drops the owners not in `ids` (a rule deleted while the file was set aside, …). */
  retain(ids: ReadonlySet<string>): boolean {
    let changed = false
    for (const id of [...this.secrets.keys()])
      if (!ids.has(id)) changed = this.secrets.delete(id) || changed
    return changed
  }

  async save(): Promise<void> {
    await this.file.save(this.secrets)
  }

  /**
   * Runs a move of plain-text secrets into this vault (`move` saves the vault, then rewrites
   * the owner's JSON without them). If sealing fails (the desktop app's keychain is not
   * available right now), the secrets stay where they were, the app starts anyway, and a
   * warning says so; the move is tried again at the next start.
   */
  async migrate(what: string, move: () => Promise<void>): Promise<void> {
    try {
      await move()
    } catch (error) {
      const message = `${what} could not be moved to ${this.file.path} (${(error as Error).message}); they stay where they are until the next start.`
      this.options.logger.warn(message)
      this.warnings.push(message)
    }
  }
}
