import { join } from 'node:path'
import { z } from 'zod'
import { TopicMapping } from '../../../shared/contract/ingest'
import { ApiError } from '../../../shared/errors'
import { JsonStore, type JsonDocument } from '../base/json-store'
import type { Logger } from '../base/logger'

const MappingsFile = z.object({ mappings: z.array(TopicMapping) })

/** `topic-mappings.json` in the data folder. */
export const MAPPINGS_DOCUMENT: JsonDocument<typeof MappingsFile> = {
  name: 'topic-mappings.json',
  schema: MappingsFile,
  version: 1,
}

/** A person maps topics one at a time; this bounds a scripted flood. */
export const MAX_MAPPINGS = 1000

/**
 * Topics mapped to a device and metric by hand (ingest.mappings.*), persisted. The parsers
 * read `byTopic` on every message (ParseContext.mappings): one map lookup, and the same
 * Map object for the store's lifetime, so a change applies to the very next message.
 */
export class TopicMappingStore {
  readonly byTopic = new Map<string, TopicMapping>()
  private readonly store: JsonStore<typeof MappingsFile>

  constructor(dataDir: string, logger: Logger) {
    this.store = new JsonStore({
      ...MAPPINGS_DOCUMENT,
      file: join(dataDir, MAPPINGS_DOCUMENT.name),
      defaults: () => ({ mappings: [] }),
      logger,
    })
  }

  get warnings(): readonly string[] {
    return this.store.warnings
  }

  async load(): Promise<void> {
    const { mappings } = await this.store.load()
    this.byTopic.clear()
    for (const mapping of mappings) this.byTopic.set(mapping.topic, mapping)
  }

  list(): TopicMapping[] {
    return [...this.byTopic.values()].sort((a, b) => a.topic.localeCompare(b.topic))
  }

  /** Creates or replaces the mapping of its topic. */
  async set(mapping: TopicMapping): Promise<TopicMapping> {
    if (!this.byTopic.has(mapping.topic) && this.byTopic.size >= MAX_MAPPINGS)
      throw new ApiError('CONFLICT', `At most ${MAX_MAPPINGS} mapped topics; remove one first.`)
    const next = new Map(this.byTopic).set(mapping.topic, mapping)
    await this.store.replace({ mappings: [...next.values()] })
    this.byTopic.set(mapping.topic, mapping)
    return mapping
  }

  async remove(topic: string): Promise<void> {
    if (!this.byTopic.has(topic)) throw new ApiError('NOT_FOUND', `"${topic}" is not mapped.`)
    const next = new Map(this.byTopic)
    next.delete(topic)
    await this.store.replace({ mappings: [...next.values()] })
    this.byTopic.delete(topic)
  }
}
