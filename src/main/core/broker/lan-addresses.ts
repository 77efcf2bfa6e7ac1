import { networkInterfaces } from 'node:os'

/**
 * This computer's IPv4 addresses that devices on the LAN can reach (not loopback,
 * not link-local 169.254/16): what a device should use as `mqtt.host`.
 */
export function lanAddresses(interfaces = networkInterfaces()): string[] {
  const out: string[] = []
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.family !== 'IPv4' || info.internal || info.address.startsWith('169.254.')) continue
      if (!out.includes(info.address)) out.push(info.address)
    }
  }
  return out
}
