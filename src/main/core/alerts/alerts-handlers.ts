import type { alertsMethods } from '../../../shared/contract/alerts'
import type { HandlerMap } from '../rpc/handlers'
import type { AlertService } from './alert-service'

export function alertsHandlers(service: AlertService): HandlerMap<keyof typeof alertsMethods> {
  return {
    'alerts.listRules': () => service.listRules(),
    'alerts.createRule': (input) => service.createRule(input),
    'alerts.updateRule': (patch) => service.updateRule(patch),
    'alerts.deleteRule': async ({ id }) => {
      await service.deleteRule(id)
      return { ok: true as const }
    },
    'alerts.log': (query) => service.query(query),
    'alerts.acknowledge': (params) => ({
      acknowledged: service.acknowledge('all' in params ? 'all' : params.ids),
    }),
    'alerts.test': ({ id }) => service.test(id),
    'alerts.webhookStatus': () => service.webhookStatus(),
  }
}
