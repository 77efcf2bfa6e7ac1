import type { integrationsMethods, InfluxMapping } from '../../../shared/contract/integrations'
import type { z } from 'zod'
import type { HandlerMap } from '../rpc/handlers'
import type { InfluxForwarder } from '../influx/influx-forwarder'
import type { HaDiscovery } from './ha-discovery'
import type { IntegrationsStore } from './integrations-store'
import type { MqttTarget } from './mqtt-target'

export interface IntegrationsHandlerDeps {
  store: IntegrationsStore
  forwarder: InfluxForwarder
  ha: HaDiscovery
  target: MqttTarget
  mapping: () => z.input<typeof InfluxMapping>
  testInflux: () => Promise<{ ok: boolean; message: string }>
  tigKit: (brokerHost?: string) => { name: string; mime: string; content: string }[]
}

export function integrationsHandlers(
  d: IntegrationsHandlerDeps,
): HandlerMap<keyof typeof integrationsMethods> {
  return {
    'integrations.get': () => d.store.view(),
    'integrations.setInflux': (input) => d.store.setInflux(input),
    'integrations.setHomeAssistant': (patch) => d.store.setHomeAssistant(patch),
    'integrations.setMqttTarget': (target) => d.store.setMqttTarget(target),
    'integrations.mqttTarget': () => d.target.status(),
    'integrations.influxStatus': () => d.forwarder.status(),
    'integrations.influxMapping': () => d.mapping(),
    'integrations.testInflux': () => d.testInflux(),
    'integrations.haStatus': () => d.ha.status(),
    'integrations.haRepublish': () => d.ha.publishAll(true),
    'integrations.tigKit': ({ brokerHost }) => ({ files: d.tigKit(brokerHost) }),
  }
}
