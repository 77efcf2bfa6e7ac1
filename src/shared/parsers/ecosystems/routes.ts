/**
 * Which parser reads which topic: the grouping rules of every ecosystem, as data, in one
 * place. Precedence, first match wins (a route may also answer "not mine" and pass on):
 *   0. a topic mapped by hand (ingest.mappings), by exact topic
 *   1. routes keyed by the FIRST topic level, in table order:
 *        <prefix>/<id>/<kind>             our firmware           device <id>
 *        tele/<t>/SENSOR|LWT|…            Tasmota                device <t>
 *        cmnd/…                           Tasmota commands       ignored
 *        <ha prefix>/…/config             HA discovery           learns state topics
 *        zigbee2mqtt/<name>[/…]           Zigbee2MQTT            device zigbee2mqtt.<name>
 *        shellies/<id>/…                  Shelly Gen1            device <id>
 *        esphome/discover/<node>          ESPHome node info      device <node>
 *   2. state and availability topics a learned HA discovery config named (exact topic)
 *   3. routes keyed by the LAST topic level, then by the one before it (shapes):
 *        <node>/<component>/<obj>/state   ESPHome                device <node>
 *        <node>/debug  (log text)         ESPHome logs           ignored
 *        <prefix>/online  true|false      Shelly Gen2+           device <prefix>
 *        <prefix>/events/rpc              Shelly Gen2+           device <prefix>
 *        <prefix>/status/<comp:N>         Shelly Gen2+           device <prefix>
 *        <base>/BTtoMQTT/<MAC>            BLE gateways           device ble.<MAC>
 *   4. anything else: seed `temp:21,hum:40`, flat JSON, a bare number, `online`/`offline`
 *      on `…/status|availability|LWT` (generic.ts)          device named after the topic
 * Ids are namespaced where names are chosen by people (Zigbee friendly names, BLE MACs);
 * ESPHome nodes keep their name so that `<node>/status` (generic) and the node's state
 * topics are one device; Tasmota topics and Shelly ids are unique by construction.
 * Lookups are map gets on one level: no per-message scan over the rules.
 */
import {
  HA_DISCOVERY_PREFIX,
  parseHaDiscoveryTopic,
  parseOurTopic,
  parseTasmotaTopic,
} from '../../topics'
import type { ParseContext } from '../context'
import { parseHaConfig } from '../home-assistant'
import { parseOurs } from '../ours'
import { parseTasmota } from '../tasmota'
import { ignored, type ParseOutcome } from '../types'
import { BLE_LEVEL, parseBleGateway } from './ble-gateway'
import { parseEsphome, parseEsphomeDiscovery, parseEsphomeLog } from './esphome'
import { parseShellyGen1, SHELLY_GEN1_BASE } from './shelly-gen1'
import { parseShellyGen2 } from './shelly-gen2'
import { Z2mRegistry } from './z2m-registry'
import { parseZigbee2mqtt, Z2M_BASE } from './zigbee2mqtt'

export interface RouteInput {
  topic: string
  levels: readonly string[]
  text: string
  receivedAt: number
}

export interface Route {
  /** Which ecosystem (docs, tests). */
  name: string
  /** The topic level the index keys this route by. */
  key: 'first' | 'last' | 'penultimate'
  /** The values of that level it is tried for; a function for configurable prefixes. */
  values: readonly string[] | ((context: ParseContext) => string)
  /** The outcome, or null: not this route's topic after all (the next one is tried). */
  parse(input: RouteInput, context: ParseContext): ParseOutcome | null
  /**
   * Does this route read the topic natively, whatever its payload? Then a Home Assistant
   * discovery config for it is not needed and is ignored. Absent: never (ESPHome's
   * discovery configs are wanted: they carry device_class and unit).
   */
  claims?(levels: readonly string[], context: ParseContext): boolean
}

const firstLevel = (topic: string): string => topic.split('/', 1)[0]!

export const ROUTES: readonly Route[] = [
  {
    name: 'ours',
    key: 'first',
    values: (context) => firstLevel(context.prefix),
    parse({ topic, text, receivedAt }, context) {
      const ours = parseOurTopic(context.prefix, topic)
      return ours === null ? null : parseOurs(ours.id, ours.kind, text, receivedAt)
    },
    claims: (levels, context) => parseOurTopic(context.prefix, levels.join('/')) !== null,
  },
  {
    name: 'tasmota',
    key: 'first',
    values: ['tele'],
    parse({ topic, text }) {
      const tasmota = parseTasmotaTopic(topic)
      return tasmota === null ? null : parseTasmota(tasmota.device, tasmota.kind, text)
    },
    claims: (levels) => parseTasmotaTopic(levels.join('/')) !== null,
  },
  {
    name: 'tasmota-command',
    key: 'first',
    values: ['cmnd'],
    parse: () => ignored('command to a device'),
    claims: () => true,
  },
  {
    name: 'homeassistant-discovery',
    key: 'first',
    values: (context) => firstLevel(context.haPrefix ?? HA_DISCOVERY_PREFIX),
    parse({ topic, text }, context) {
      const discovery = parseHaDiscoveryTopic(topic, context.haPrefix)
      if (discovery === null) return null
      const isNative = (t: string): boolean => claimedNatively(t, context)
      return parseHaConfig(topic, discovery, text, context.ha, isNative)
    },
  },
  {
    name: 'zigbee2mqtt',
    key: 'first',
    values: [Z2M_BASE],
    parse: ({ levels, text, receivedAt }, context) =>
      parseZigbee2mqtt(levels, text, (context.z2m ??= new Z2mRegistry()), receivedAt),
    claims: () => true,
  },
  {
    name: 'shelly-gen1',
    key: 'first',
    values: [SHELLY_GEN1_BASE],
    parse: ({ levels, text }) => parseShellyGen1(levels, text),
    claims: () => true,
  },
  {
    name: 'esphome-discovery',
    key: 'first',
    values: ['esphome'],
    parse: ({ levels, text }) => parseEsphomeDiscovery(levels, text),
    claims: () => true,
  },
  {
    name: 'esphome',
    key: 'last',
    values: ['state', 'command'],
    parse: ({ levels, text }) => parseEsphome(levels, text),
  },
  {
    name: 'esphome-log',
    key: 'last',
    values: ['debug'],
    parse: ({ levels, text }) => parseEsphomeLog(levels, text),
  },
  {
    name: 'shelly-gen2-online',
    key: 'last',
    values: ['online'],
    parse: ({ levels, text, receivedAt }) => parseShellyGen2(levels, text, receivedAt),
  },
  {
    name: 'shelly-gen2-rpc',
    key: 'last',
    values: ['rpc'],
    parse: ({ levels, text, receivedAt }) => parseShellyGen2(levels, text, receivedAt),
    claims: (levels) => levels.length >= 3 && levels[levels.length - 2] === 'events',
  },
  {
    name: 'shelly-gen2-status',
    key: 'penultimate',
    values: ['status'],
    parse: ({ levels, text, receivedAt }) => parseShellyGen2(levels, text, receivedAt),
    claims: (levels) => levels.length >= 3 && /^[a-z0-9_]{1,32}:\d{1,3}$/.test(levels.at(-1)!),
  },
  {
    name: 'ble-gateway',
    key: 'penultimate',
    values: [BLE_LEVEL],
    parse: ({ levels, text, receivedAt }) => parseBleGateway(levels, text, receivedAt),
    claims: (levels) => levels.length >= 3 && /^[0-9A-Fa-f]{12}$/.test(levels.at(-1)!),
  },
]

export interface RouteIndex {
  byFirst: ReadonlyMap<string, readonly Route[]>
  byLast: ReadonlyMap<string, readonly Route[]>
  byPenultimate: ReadonlyMap<string, readonly Route[]>
}

let cached: { key: string; index: RouteIndex } | null = null

/** The routes indexed by level value, for this context's prefixes (rebuilt when they change). */
export function routeIndex(context: ParseContext, routes: readonly Route[] = ROUTES): RouteIndex {
  const key = `${context.prefix}\u0000${context.haPrefix ?? HA_DISCOVERY_PREFIX}`
  if (routes === ROUTES && cached?.key === key) return cached.index
  const index = { byFirst: new Map(), byLast: new Map(), byPenultimate: new Map() }
  const maps = { first: index.byFirst, last: index.byLast, penultimate: index.byPenultimate }
  for (const route of routes) {
    const values = typeof route.values === 'function' ? [route.values(context)] : route.values
    for (const value of values) {
      const map: Map<string, Route[]> = maps[route.key]
      const list = map.get(value) ?? []
      list.push(route)
      map.set(value, list)
    }
  }
  if (routes === ROUTES) cached = { key, index }
  return index
}

const NONE: readonly Route[] = []

/** Tier 1: routes for the topic's first level. */
export function firstLevelRoutes(index: RouteIndex, levels: readonly string[]): readonly Route[] {
  return index.byFirst.get(levels[0]!) ?? NONE
}

/** Tier 3: routes for the topic's last level, then for the level before it. */
export function shapeRoutes(
  index: RouteIndex,
  levels: readonly string[],
): [readonly Route[], readonly Route[]] {
  const n = levels.length
  return [
    index.byLast.get(levels[n - 1]!) ?? NONE,
    n >= 2 ? (index.byPenultimate.get(levels[n - 2]!) ?? NONE) : NONE,
  ]
}

/** Is the topic read natively by some route (so a HA config for it is redundant)? */
export function claimedNatively(topic: string, context: ParseContext): boolean {
  const levels = topic.split('/')
  const index = routeIndex(context)
  for (const list of [firstLevelRoutes(index, levels), ...shapeRoutes(index, levels)]) {
    for (const route of list) if (route.claims?.(levels, context) === true) return true
  }
  return false
}
