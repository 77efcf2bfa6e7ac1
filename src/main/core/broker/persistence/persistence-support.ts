import { createRequire } from 'node:module'
import type { StoredPacket } from './persistence-journal'

/** Typed access to the CommonJS helpers aedes' own persistence is built on, and shared types. */
const requireCjs = createRequire(import.meta.url)
const Packet = requireCjs('aedes-packet') as new (original: object, broker?: object) => StoredPacket
const { QlobberTrue } = requireCjs('qlobber') as {
  QlobberTrue: new (options: object) => QlobberTrueT
}
const QlobberSub = requireCjs('qlobber/aedes/qlobber-sub') as new (options: object) => QlobberSubT

interface QlobberTrueT {
  add(topic: string): void
  test(topic: string): boolean
}
export interface SubMatch {
  clientId: string
  topic: string
  qos: number
  rh?: number
  rap?: boolean
  nl?: boolean
}
interface QlobberSubT {
  subscriptionsCount: number
  add(topic: string, value: SubMatch): void
  remove(topic: string, value: { clientId: string; topic: string }): void
  match(topic: string): SubMatch[]
}

/** MQTT 3.1.1 §4.7: '/' separates levels, '+' matches one, '#' the rest. */
const QLOBBER_OPTIONS = { wildcard_one: '+', wildcard_some: '#', separator: '/' }

/** Persistent subscriptions by topic filter, as aedes-persistence keeps them. */
export function createSubscriptionTrie(): QlobberSubT {
  return new QlobberSub(QLOBBER_OPTIONS)
}

/** aedes' packet copy (aedes-packet): resets messageId for QoS > 0, keeps broker ids. */
export function newPacket(original: object): StoredPacket {
  return new Packet(original)
}

export function* matchRetained(
  retained: Map<string, StoredPacket>,
  pattern: string,
): Generator<StoredPacket> {
  const matcher = new QlobberTrue(QLOBBER_OPTIONS)
  matcher.add(pattern)
  for (const [topic, packet] of retained) if (matcher.test(topic)) yield packet
}

export interface ClientRef {
  id: string
}
export interface BrokerRef {
  id: string
}
export type SubRecord = {
  qos: number
  rh?: number
  rap?: boolean
  nl?: boolean
  subscriptionIdentifier?: number
}
export interface Sub extends SubRecord {
  topic: string
}
export interface OutEntry {
  seq: number
  packet: StoredPacket
}

export function queueOf(map: Map<string, OutEntry[]>, clientId: string): OutEntry[] {
  let queue = map.get(clientId)
  if (!queue) map.set(clientId, (queue = []))
  return queue
}

export function mapOf(
  map: Map<string, Map<number, StoredPacket>>,
  clientId: string,
): Map<number, StoredPacket> {
  let inner = map.get(clientId)
  if (!inner) map.set(clientId, (inner = new Map()))
  return inner
}
