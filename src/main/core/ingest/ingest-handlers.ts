import type { ingestMethods } from '../../../shared/contract/ingest'
import type { HandlerMap } from '../rpc/handlers'
import type { Ingestor } from './ingestor'
import type { TopicMappingStore } from './topic-mappings'

export function ingestHandlers(
  ingestor: Ingestor,
  mappings: TopicMappingStore,
): HandlerMap<keyof typeof ingestMethods> {
  return {
    'ingest.stats': () => ingestor.stats(),
    'ingest.unparsed': ({ limit, reason }) => ingestor.unparsed(limit, reason),
    'ingest.mappings.list': () => mappings.list(),
    'ingest.mappings.set': (mapping) => mappings.set(mapping),
    'ingest.mappings.remove': async ({ topic }) => {
      await mappings.remove(topic)
      return { ok: true as const }
    },
  }
}
