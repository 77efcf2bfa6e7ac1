import { readFile, rename } from 'node:fs/promises'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import type { z } from 'zod'
import type { Logger } from './logger'

/** On-disk envelope: every JSON file we own records which schema version wrote it. */
interface Envelope {
  version: number
  data: unknown
}

/** Upgrades data written by `version` to `version + 1`. */
export type Migration = (data: unknown) => unknown

export interface JsonStoreOptions<S extends z.ZodType> {
  file: string
  schema: S
  /** Current schema version; `migrations[v]` upgrades v → v+1. */
  version: number
  migrations?: Record<number, Migration>
  defaults: () => z.output<S>
  logger: Logger
  now?: () => number
}

/**
 * A small JSON document on disk (settings, device registry, alert rules) via lowdb,
 * which writes atomically (temp file + rename). A file that is unreadable, fails the
 * schema, or comes from a newer app version is set aside as `<file>.corrupt-<time>`
 * and replaced by defaults, and the reason is kept in `warnings`: nothing is silently lost.
 */
export class JsonStore<S extends z.ZodType> {
  readonly warnings: string[] = []
  private readonly db: Low<Envelope>
  private value!: z.output<S>

  constructor(private readonly options: JsonStoreOptions<S>) {
    mkdirSync(dirname(options.file), { recursive: true })
    this.db = new Low<Envelope>(new JSONFile<Envelope>(options.file), {
      version: options.version,
      data: null,
    })
  }

  get data(): z.output<S> {
    return this.value
  }

  async load(): Promise<z.output<S>> {
    const { file, schema } = this.options
    let raw: string | undefined
    try {
      raw = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    if (raw === undefined) {
      this.value = this.options.defaults()
      await this.save()
      return this.value
    }
    try {
      const envelope = parseEnvelope(raw)
      const migrated = this.migrate(envelope)
      const parsed = schema.safeParse(migrated)
      if (!parsed.success)
        throw new Error(
          `does not match the expected format (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        )
      this.value = parsed.data
      if (envelope.version !== this.options.version) await this.save()
    } catch (error) {
      await this.setAside(error instanceof Error ? error.message : String(error))
    }
    return this.value
  }

  async replace(next: z.output<S>): Promise<void> {
    this.value = next
    await this.save()
  }

  private migrate(envelope: Envelope): unknown {
    if (envelope.version > this.options.version) {
      throw new Error(`was written by a newer version of the app (format ${envelope.version})`)
    }
    let data = envelope.data
    for (let v = envelope.version; v < this.options.version; v++) {
      const step = this.options.migrations?.[v]
      if (!step) throw new Error(`has format ${envelope.version} and no upgrade path exists`)
      data = step(data)
    }
    return data
  }

  private async setAside(reason: string): Promise<void> {
    const { file, logger } = this.options
    const aside = `${file}.corrupt-${(this.options.now ?? Date.now)()}`
    await rename(file, aside)
    const message = `${file} ${reason}; it was moved to ${aside} and defaults are used.`
    logger.warn(message)
    this.warnings.push(message)
    this.value = this.options.defaults()
    await this.save()
  }

  private async save(): Promise<void> {
    this.db.data = { version: this.options.version, data: this.value }
    await this.db.write()
  }
}

function parseEnvelope(raw: string): Envelope {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new Error('is not valid JSON')
  }
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof (json as Envelope).version !== 'number' ||
    !('data' in json)
  ) {
    throw new Error('is missing its version header')
  }
  return json as Envelope
}
