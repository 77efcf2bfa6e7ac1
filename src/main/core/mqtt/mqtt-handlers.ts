import type { connectionsMethods } from '../../../shared/contract/connections'
import type { MqttCore } from './mqtt-core'
import type { HandlerMap } from '../rpc/handlers'

export function mqttHandlers(mqtt: MqttCore): HandlerMap<keyof typeof connectionsMethods> {
  return {
    'connections.list': () => mqtt.connections.list(),
    'connections.add': (input) => mqtt.connections.add(input),
    'connections.update': (patch) => mqtt.connections.update(patch),
    'connections.remove': async ({ id }) => {
      await mqtt.connections.remove(id)
      return { ok: true as const }
    },
    'connections.test': (input) => mqtt.connections.test(input),
    'topics.list': ({ filter, limit }) => mqtt.topics.list(filter, limit),
    'mqtt.publish': async ({ topic, payload, encoding, qos, retain, connectionId }) => {
      await mqtt.connections.publish(connectionId, topic, Buffer.from(payload, encoding), {
        qos,
        retain,
      })
      return { ok: true as const }
    },
    'devices.command': ({ deviceId, command, timeoutMs }) =>
      mqtt.commands.send(deviceId, command, timeoutMs),
  }
}
