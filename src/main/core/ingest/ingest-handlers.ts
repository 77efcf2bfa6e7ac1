import type { ingestMethods } from '../../../shared/contract/ingest'
import type { HandlerMap } from '../rpc/handlers'
import type { Ingestor } from './ingestor'

export function ingestHandlers(ingestor: Ingestor): HandlerMap<keyof typeof ingestMethods> {
  return {
    'ingest.stats': () => ingestor.stats(),
    'ingest.unparsed': ({ limit, reason }) => ingestor.unparsed(limit, reason),
  }
}
