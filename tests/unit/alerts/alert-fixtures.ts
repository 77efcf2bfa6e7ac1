import type { EventName, EventPayload } from '../../../src/shared/api'
import type { AlertRuleInput } from '../../../src/shared/contract/alerts'
import type { Device, DeviceEvent } from '../../../src/shared/contract/devices'
import { silentLogger } from '../../../src/main/core/base/logger'
import { AlertService, type AlertServiceOptions } from '../../../src/main/core/alerts/alert-service'
import { FakeClock } from '../../helpers/fake-clock'

/** A rule's name, target and condition: temperature above 30 on any device (id `too-hot`). */
export const TOO_HOT = {
  name: 'Too hot',
  target: { type: 'all' },
  condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
} as const satisfies Pick<AlertRuleInput, 'name' | 'target' | 'condition'>

export function device(id: string, over: Partial<Device> = {}): Device {
  return {
    id,
    name: over.name ?? `Device ${id}`,
    customName: null,
    reportedName: null,
    format: 'ours',
    online: true,
    presence: 'status',
    firstSeen: 0,
    lastSeen: 0,
    latest: {},
    info: { fw: null, mp: null, chip: null, sensor: 'DHT22', ip: null, mac: null, rssi: null },
    location: '',
    notes: '',
    topics: [],
    source: 'embedded',
    ...over,
  }
}

/** An AlertService on a fake clock with an in-memory device directory, recording its events. */
export class AlertHarness {
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0))
  readonly devices = new Map<string, Device>()
  readonly deviceEvents = new Map<string, DeviceEvent[]>()
  readonly emitted: { event: EventName; payload: unknown }[] = []
  readonly service: AlertService
  /** Local minute of day used for quiet hours (tests set it). */
  minute = 12 * 60

  constructor(dataDir: string, devices: Device[], over: Partial<AlertServiceOptions> = {}) {
    for (const d of devices) this.devices.set(d.id, d)
    this.service = new AlertService({
      dataDir,
      clock: this.clock,
      logger: silentLogger,
      emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
        this.emitted.push({ event, payload })
      },
      devices: {
        list: () => [...this.devices.values()],
        events: (id) => [...(this.deviceEvents.get(id) ?? [])].reverse(),
      },
      mqtt: () => null,
      prefix: () => 'iot',
      units: () => 'C',
      offlineAfterMs: () => 600_000,
      minuteOfDay: () => this.minute,
      tickMs: 10_000,
      ...over,
    })
  }

  async start(): Promise<this> {
    await this.service.start()
    return this
  }

  rule(input: AlertRuleInput) {
    return this.service.createRule(input)
  }

  /** Readings from `deviceId` at the current fake time. */
  read(deviceId: string, values: Record<string, number>): void {
    const ts = this.clock.now()
    this.service.onReadings(
      Object.entries(values).map(([metric, value]) => ({ deviceId, metric, ts, value })),
    )
  }

  update(id: string, over: Partial<Device>): void {
    const next = { ...(this.devices.get(id) as Device), ...over }
    this.devices.set(id, next)
    this.service.onDevice(next)
  }

  event(id: string, e: Omit<DeviceEvent, 'ts' | 'raw'>): void {
    const list = this.deviceEvents.get(id) ?? []
    list.push({ ts: this.clock.now(), raw: '{}', ...e })
    this.deviceEvents.set(id, list)
    this.service.onDevice(this.devices.get(id) as Device)
  }

  minutes(n: number): void {
    this.clock.advance(n * 60_000)
  }

  notices(event: 'alert.fired' | 'alert.cleared'): EventPayload<'alert.fired'>[] {
    return this.emitted
      .filter((e) => e.event === event)
      .map((e) => e.payload as EventPayload<'alert.fired'>)
  }
}
