import type { brokerMethods } from '../../../shared/contract/broker'
import { ApiError } from '../../../shared/errors'
import { silentLogger } from '../base/logger'
import type { MqttCore } from '../mqtt/mqtt-core'
import type { HandlerMap } from '../rpc/handlers'
import { ensureBrokerTls } from './broker-certs'
import { brokerLimits, DEFAULT_MAX_PACKET_BYTES } from './broker-limits'
import { lanAddresses } from './lan-addresses'

export function brokerHandlers(
  mqtt: MqttCore,
  dataDir: string,
): HandlerMap<keyof typeof brokerMethods> {
  return {
    'broker.status': () =>
      mqtt.broker?.status() ?? {
        running: false,
        clientsConnected: 0,
        msgInPerS: 0,
        msgOutPerS: 0,
        retainedCount: 0,
        uptimeS: 0,
        listeners: [],
        lanAddresses: lanAddresses(),
        anonymousLoopback: false,
        limits: brokerLimits(DEFAULT_MAX_PACKET_BYTES),
        warnings: [...mqtt.warnings],
      },
    'broker.credentials.list': () => mqtt.credentials.list(),
    'broker.credentials.issue': ({ deviceId, allow }) =>
      mqtt.credentials.issue(deviceId, allow === undefined ? {} : { allow }),
    'broker.credentials.update': async ({ username, allow }) => {
      const updated = await mqtt.credentials.update(username, allow)
      // What is allowed now is no longer a problem to show.
      mqtt.refusals.forget(username, (e) => mqtt.credentials.allowsExtra(username, e.topic))
      return updated
    },
    'broker.refusals.list': () => mqtt.refusals.summary(),
    'broker.credentials.revoke': async ({ deviceId }) => {
      await mqtt.credentials.revoke(deviceId)
      return { ok: true as const }
    },
    'broker.ca': () => {
      try {
        const tls =
          mqtt.broker?.ensureTls() ?? ensureBrokerTls(dataDir, lanAddresses(), silentLogger)
        return { pem: tls.caPem, fingerprint: tls.caFingerprint, serverNames: tls.serverNames }
      } catch (error) {
        throw new ApiError(
          'UNAVAILABLE',
          `The broker's certificates could not be created: ${(error as Error).message}`,
        )
      }
    },
  }
}
