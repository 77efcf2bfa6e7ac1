import type { InstallBroker } from '../../../shared/contract/installer'
import type { ProvisionInput } from '../../../shared/contract/provision-input'
import { ApiError } from '../../../shared/errors'

/** The embedded broker as the installer needs it. */
export interface BrokerAccess {
  /**
   * Where devices reach the embedded broker: host = this computer's LAN address (or an
   * override, e.g. 127.0.0.1 in tests), port = its plain TCP listener. null when it is off.
   */
  endpoint(): { host: string; port: number } | null
  /** Creates (or replaces) the device's broker account; the password is returned only now. */
  issueDeviceCredentials(
    deviceId: string,
    options?: { legacyTopic?: string | null },
  ): Promise<{ username: string; password: string }>
}

/** config.json's `mqtt` section plus the credentials that go into secrets.py. */
export async function resolveBroker(
  broker: InstallBroker,
  deviceId: string,
  access: BrokerAccess,
  legacyTopic: string | null = null,
): Promise<{ mqtt: ProvisionInput['mqtt'] & { host: string; port: number } }> {
  if (broker.kind === 'external') {
    return {
      mqtt: {
        host: broker.host,
        port: broker.port,
        tls: broker.tls,
        ...(broker.username !== undefined ? { username: broker.username } : {}),
        ...(broker.password !== undefined ? { password: broker.password } : {}),
        ...(broker.ca !== undefined ? { ca: broker.ca } : {}),
      },
    }
  }
  const endpoint = access.endpoint()
  if (!endpoint) {
    throw new ApiError(
      'UNAVAILABLE',
      'The built-in broker is not running (see Broker). Turn it on, or install with your own broker.',
    )
  }
  // The broker ACL lets the account publish its legacy topic too, and nothing else outside iot/<id>/.
  const { username, password } = await access.issueDeviceCredentials(deviceId, { legacyTopic })
  return { mqtt: { host: endpoint.host, port: endpoint.port, tls: false, username, password } }
}
