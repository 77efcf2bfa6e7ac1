import type { Clock } from '../base/clock'
import type { EventBus } from '../base/event-bus'
import type { Logger } from '../base/logger'
import type { DeviceRegistry } from '../devices/device-registry'
import type { MqttCore } from '../mqtt/mqtt-core'
import { ApiError } from '../../../shared/errors'
import { ourTopics } from '../../../shared/topics'
import { OtaKeyStore } from './ota-key-store'
import { otaHandlers } from './ota-handlers'
import { UpdateService, type UpdateServiceOptions } from './update-service'

export interface OtaDeps {
  dataDir: string
  firmwareDir: string
  clock: Clock
  logger: Logger
  events: EventBus
  devices: DeviceRegistry
  mqtt: MqttCore
  prefix: () => string
  /** Test knobs (resend and confirmation timeouts, chunk size). */
  options?: Pick<
    UpdateServiceOptions,
    'resendAfterMs' | 'maxSilentResends' | 'confirmTimeoutMs' | 'chunkSize' | 'emitEveryMs'
  >
}

/** Over-the-air updates wired into the core: keys, the update service and its handlers. */
export async function createOta(deps: OtaDeps) {
  const { devices, mqtt, prefix } = deps
  const logger = deps.logger.child('ota')
  const keys = new OtaKeyStore(deps.dataDir, logger)
  await keys.load()
  const service = new UpdateService({
    clock: deps.clock,
    logger,
    prefix,
    firmwareDir: deps.firmwareDir,
    keyOf: (id) => keys.get(id),
    emit: (job) => deps.events.emit('ota.job', job),
    presence: {
      state: (id) => {
        if (!devices.has(id)) return undefined
        const device = devices.get(id)
        return { online: device.online, fw: device.info.fw }
      },
      ours: () => devices.list().flatMap((d) => (d.format === 'ours' ? [d.id] : [])),
      onChange: (listener) => devices.onChange(listener),
    },
    publish: (deviceId, topic, payload) =>
      mqtt.connections.publish(connectionFor(mqtt, prefix(), deviceId), topic, payload, {
        qos: 1,
      }),
    ...deps.options,
  })
  return {
    keys,
    service,
    handlers: otaHandlers(service),
    warnings: () => keys.warnings,
    close: () => service.close(),
  }
}

/** The connection that last delivered one of the device's topics, else the first one up. */
function connectionFor(mqtt: MqttCore, prefix: string, deviceId: string): string {
  const connected = mqtt.connections.connectedIds()
  const topics = ourTopics(prefix, deviceId)
  for (const topic of [topics.status, topics.info, topics.telemetry, topics.event]) {
    const source = mqtt.topics.sourceOf(topic)
    if (source && connected.includes(source)) return source
  }
  const first = connected[0]
  if (!first) throw new ApiError('UNAVAILABLE', 'No MQTT connection is up to send the update.')
  return first
}
