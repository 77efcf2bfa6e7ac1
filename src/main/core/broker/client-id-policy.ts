import type { Identity } from './credential-store'

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes this policy answers with. */
export const IDENTIFIER_REJECTED = 2
export const NOT_AUTHORIZED = 5

export interface ClientIdRefusal {
  returnCode: typeof IDENTIFIER_REJECTED | typeof NOT_AUTHORIZED
  reason: string
}

/**
 * A client id the server may not make up: with no session to keep, a zero-length id gets
 * a unique one from the broker (§3.1.3-6); with clean=false it MUST be refused with 0x02
 * (§3.1.3-8), as Mosquitto does. MQTT 3.1 (level 3) never allowed an empty id.
 */
export function emptyClientIdRefusal(
  wireClientId: string,
  clean: boolean,
  protocolVersion: number,
): ClientIdRefusal | null {
  if (wireClientId !== '' || (clean && protocolVersion !== 3)) return null
  return {
    returnCode: IDENTIFIER_REJECTED,
    reason: 'an empty client id needs a clean session (MQTT 3.1.1 §3.1.3-8)',
  }
}

/**
 * Which client ids a login may use, so that one login can't take over another device's
 * session (its queued commands) or kick it off by connecting with its id (§3.1.4-2):
 * - a device login only its own ids: its device id (what our firmware and the simulator
 *   use) or its username (`<id>~virtual` for the simulator's devices);
 * - the app's own client and anonymous loopback tools any id no device login owns;
 * - everyone an empty id with a clean session (the broker makes a unique one up).
 * `ownerOf` tells which device, if any, a client id belongs to.
 */
export function clientIdRefusal(
  identity: Identity,
  wireClientId: string,
  ownerOf: (clientId: string) => string | undefined,
): ClientIdRefusal | null {
  if (wireClientId === '') return null
  if (identity.kind === 'device') {
    if (wireClientId === identity.deviceId || wireClientId === identity.username) return null
    return {
      returnCode: NOT_AUTHORIZED,
      reason: `the login of device "${identity.deviceId}" may only use client id "${identity.deviceId}"`,
    }
  }
  const owner = ownerOf(wireClientId)
  if (owner === undefined) return null
  return {
    returnCode: NOT_AUTHORIZED,
    reason: `client id "${wireClientId}" belongs to device "${owner}" and needs its login`,
  }
}
