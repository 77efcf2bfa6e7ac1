import type { MqttMessage } from '../../../shared/mqtt-message'
import type { DeviceUpdate } from '../../../shared/parsers/types'
import type { DeviceRegistry } from '../devices/device-registry'
import type { ReadingsStore } from '../readings/readings-store'
import type { IngestCounters } from './ingest-counters'
import type { IngestTally } from './ingest-tally'
import { dropOutOfRange } from './range-check'
import { RedeliveryFilter } from './redelivery-filter'

/**
 * A cluster instance's share of the readings (its shared subscription): stored, nothing else.
 * The registry, live values and alerts take the same message from the watch connection, so
 * this path has its own redelivery filter (the watch path's would take every message it
 * sees here for a repeat).
 */
export class StoreOnlyPath {
  private readonly redeliveries = new RedeliveryFilter()

  private readonly registry: Pick<DeviceRegistry, 'has' | 'sensorOf'>
  private readonly store: Pick<ReadingsStore, 'add'>
  /** Told of each message stored (a cluster's acknowledgements). */
  private readonly tally: Pick<IngestTally, 'stored'> | undefined

  constructor(
    deps: {
      registry: Pick<DeviceRegistry, 'has' | 'sensorOf'>
      store: Pick<ReadingsStore, 'add'>
      tally?: Pick<IngestTally, 'stored'>
    },
    private readonly counters: IngestCounters,
  ) {
    this.registry = deps.registry
    this.store = deps.store
    this.tally = deps.tally
  }

  apply(update: DeviceUpdate, message: MqttMessage): void {
    const c = this.counters
    if (update.readings.length === 0) return
    if (this.registry.has(update.deviceId))
      c.outOfRange += dropOutOfRange(
        update,
        update.info?.sensor ?? this.registry.sensorOf(update.deviceId),
      )
    if (this.redeliveries.isDuplicate(update, message.receivedAt)) {
      c.duplicates += update.readings.length
    } else if (message.retain && update.ts === undefined) {
      c.retainedNotStored += update.readings.length
    } else if (update.readings.length > 0) {
      this.store.add(update.deviceId, update.ts ?? message.receivedAt, update.seq, update.readings)
      c.readings += update.readings.length
      this.tally?.stored(message, update.deviceId)
    }
  }

  forgetDevice(id: string): void {
    this.redeliveries.forgetDevice(id)
  }
}
