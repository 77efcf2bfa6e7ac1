import type { Identity } from './credential-store'
import { isAppOnlyOtaTopic } from './ota-acl'

/**
 * Who may publish or subscribe where on the embedded broker (DESIGN.md "Security model").
 * The app's client and loopback tools (when allowed) see everything; a device only its own
 * `<prefix>/<id>/…` subtree, so a stolen device password can't impersonate other devices
 * or read their commands.
 */
export function mayPublish(identity: Identity, topic: string, prefix: string): boolean {
  if (identity.kind !== 'device') return true
  if (isAppOnlyOtaTopic(topic, prefix)) return false
  if (topic.startsWith(deviceRoot(prefix, identity.deviceId))) return true
  // The firmware's optional extras: the seed-format legacy topic it was provisioned with,
  // and Home Assistant discovery configs under its own node id
  // (`homeassistant/<component>/<id>/<object>/config`, firmware/lib/iotfw/ha.py).
  if (identity.legacyTopic !== undefined && topic === identity.legacyTopic) return true
  if (isOwnDiscoveryTopic(topic, identity.deviceId)) return true
  // The extra topics the person allowed for this login (never another device's area).
  return identity.extra?.allowsTopic(topic, prefix, identity.deviceId) ?? false
}

function isOwnDiscoveryTopic(topic: string, deviceId: string): boolean {
  const levels = topic.split('/')
  return (
    levels.length === 5 &&
    levels[0] === 'homeassistant' &&
    levels[2] === deviceId &&
    levels[4] === 'config' &&
    levels.every((level) => level !== '' && level !== '+' && level !== '#')
  )
}

/**
 * A device's filter must start with its own root: wildcards are then confined below it
 * (MQTT 3.1.1 §4.7.1). `#` alone, `+/…` and `$SYS/…` are refused. Or it lies within one of
 * the login's extra topics (a delivery's topic name is checked the same way).
 */
export function maySubscribe(identity: Identity, filter: string, prefix: string): boolean {
  if (identity.kind !== 'device') return true
  const root = deviceRoot(prefix, identity.deviceId)
  if (filter.startsWith(root) || filter === root.slice(0, -1)) return true
  return identity.extra?.allowsFilter(filter, prefix, identity.deviceId) ?? false
}

export function deviceRoot(prefix: string, deviceId: string): string {
  return `${prefix}/${deviceId}/`
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.') || address === '::1'
}
