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

/**
 * What one JSON document of the data folder is: its file name, schema and format version.
 * The store that owns it and the backup check (which must accept exactly what the store
 * will load) both read it from here.
 */
export interface JsonDocument<S extends z.ZodType> {
  /** File name inside the data folder. */
  name: string
  schema: S
  /** Current schema version; `migrations[v]` upgrades v → v+1. */
  version: number
  migrations?: Record<number, Migration>
}

export interface JsonStoreOptions<S extends z.ZodType> extends Omit<JsonDocument<S>, 'name'> {
  file: string
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
      const { value, version } = parseJsonDocument(raw, { ...this.options, schema, name: file })
      this.value = value
      if (version !== this.options.version) await this.save()
    } catch (error) {
      await this.setAside(error instanceof Error ? error.message : String(error))
    }
    return this.value
  }

  async replace(next: z.output<S>): Promise<void> {
    this.value = next
    await this.save()
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

/**
 * Reads a document the way `JsonStore.load` does: version envelope, upgrades, schema.
 * Returns the value and the version it was written with; throws an Error whose message
 * completes "<file> …" ("is not valid JSON", "does not match the expected format (…)").
 */
export function parseJsonDocument<S extends z.ZodType>(
  raw: string,
  doc: JsonDocument<S>,
): { value: z.output<S>; version: number } {
  const envelope = parseEnvelope(raw)
  if (envelope.version > doc.version) {
    throw new Error(`was written by a newer version of the app (format ${envelope.version})`)
  }
  let data = envelope.data
  for (let v = envelope.version; v < doc.version; v++) {
    const step = doc.migrations?.[v]
    if (!step) throw new Error(`has format ${envelope.version} and no upgrade path exists`)
    data = step(data)
  }
  const parsed = doc.schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : ''
    throw new Error(`does not match the expected format (${issue?.message ?? 'invalid'}${where})`)
  }
  return { value: parsed.data as z.output<S>, version: envelope.version }
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
