import { lanAddresses } from '../core/broker/lan-addresses'

/**
 * The Web UI address as another computer types it: when serve binds every interface
 * (`--host 0.0.0.0` or `::`), the printed `http://0.0.0.0:PORT/?token=…` with each LAN address
 * in place of the wildcard. Empty for any other host (that address is already the one to use).
 */
export function lanUrls(url: string, host: string, addresses: string[] = lanAddresses()): string[] {
  if (host !== '0.0.0.0' && host !== '::') return []
  return addresses.map((ip) => {
    const lan = new URL(url)
    lan.hostname = ip
    return lan.toString()
  })
}
