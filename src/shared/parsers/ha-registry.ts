/**
 * What Home Assistant discovery configs taught us: which state topics carry which
 * device's metric, and which availability topics say whether it is online. Configs are
 * retained on the broker, so this is rebuilt on every (re)subscribe and never persisted.
 */
import type { CompiledTemplate } from './ha-template'
import type { ReportedInfo, SourceFormat } from './types'

export interface HaAvailability {
  topic: string
  available: string
  notAvailable: string
}

/** One learned `sensor` entity. */
export interface HaEntity {
  configTopic: string
  deviceId: string
  metric: string
  stateTopic: string
  /** null: the payload itself is the value; 'unsupported': a template outside our subset. */
  template: CompiledTemplate | null | 'unsupported'
  fahrenheit: boolean
  /** Factor from the configured unit_of_measurement to the catalog's unit (mV → V: 0.001). */
  scale: number
  availability: HaAvailability[]
  info: ReportedInfo
  /** 'esphome' for an ESPHome node's entities, else 'homeassistant'. */
  format: SourceFormat
}

/** Upper bound on learned entities, so a flood of configs cannot grow memory without end. */
export const MAX_HA_ENTITIES = 5000

export class HaRegistry {
  private readonly byConfig = new Map<string, HaEntity>()
  private readonly byState = new Map<string, Set<HaEntity>>()
  private readonly byAvailability = new Map<string, Set<HaEntity>>()

  get size(): number {
    return this.byConfig.size
  }

  /** Learns (or replaces) the entity announced on `entity.configTopic`; false when full. */
  learn(entity: HaEntity): boolean {
    const replacing = this.byConfig.has(entity.configTopic)
    if (!replacing && this.byConfig.size >= MAX_HA_ENTITIES) return false
    this.forget(entity.configTopic)
    this.byConfig.set(entity.configTopic, entity)
    add(this.byState, entity.stateTopic, entity)
    for (const a of entity.availability) add(this.byAvailability, a.topic, entity)
    return true
  }

  /** Forgets the entity of a config topic (HA: an empty config payload removes it). */
  forget(configTopic: string): boolean {
    const entity = this.byConfig.get(configTopic)
    if (!entity) return false
    this.byConfig.delete(configTopic)
    remove(this.byState, entity.stateTopic, entity)
    for (const a of entity.availability) remove(this.byAvailability, a.topic, entity)
    return true
  }

  get(configTopic: string): HaEntity | undefined {
    return this.byConfig.get(configTopic)
  }

  forStateTopic(topic: string): HaEntity[] {
    return [...(this.byState.get(topic) ?? [])]
  }

  forAvailabilityTopic(topic: string): HaEntity[] {
    return [...(this.byAvailability.get(topic) ?? [])]
  }

  /** Another entity of the same device already using `metric` (to keep metric names distinct). */
  metricTaken(deviceId: string, metric: string, exceptConfigTopic: string): boolean {
    for (const entity of this.byConfig.values()) {
      if (
        entity.deviceId === deviceId &&
        entity.metric === metric &&
        entity.configTopic !== exceptConfigTopic
      ) {
        return true
      }
    }
    return false
  }

  clear(): void {
    this.byConfig.clear()
    this.byState.clear()
    this.byAvailability.clear()
  }
}

function add(map: Map<string, Set<HaEntity>>, key: string, entity: HaEntity): void {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  set.add(entity)
}

function remove(map: Map<string, Set<HaEntity>>, key: string, entity: HaEntity): void {
  const set = map.get(key)
  if (!set) return
  set.delete(entity)
  if (set.size === 0) map.delete(key)
}
