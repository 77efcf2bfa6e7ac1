import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { z } from 'zod'
import type { DeviceCredential, IssuedCredential } from '../../../shared/contract/broker'
import { ApiError } from '../../../shared/errors'
import { isValidDeviceId } from '../../../shared/topics'
import type { Clock } from '../base/clock'
import { JsonStore } from '../base/json-store'
import type { Logger } from '../base/logger'

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>

/** scrypt cost (RFC 7914 §2): N=2^14, r=8, p=1 — about 50 ms per check, 16 MiB. */
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEY_LENGTH = 32

const StoredCredential = z.object({
  deviceId: z.string(),
  username: z.string(),
  createdAt: z.number(),
  salt: z.string(),
  hash: z.string(),
  /** The seed-format topic the firmware also publishes to (config `legacy_topic`), if any. */
  legacyTopic: z.string().optional(),
})
export const CredentialFile = z.object({ devices: z.array(StoredCredential) })
type StoredCredential = z.infer<typeof StoredCredential>

/** Username of the app's own client; device ids can never take it. */
export const APP_USERNAME = 'iotcc-app'

export type Identity =
  | { kind: 'app' }
  | {
      kind: 'device'
      deviceId: string
      /** The login's username: the device id, or `<id>~virtual` for a virtual device. */
      username?: string
      legacyTopic?: string
    }
  | { kind: 'anonymous' }

/**
 * Broker accounts. Devices get a random password once (shown at issue, used by
 * provisioning) and only its scrypt hash is kept in `<dataDir>/broker-credentials.json`.
 * The app's own client uses a password made fresh at every start, held in memory only.
 */
export class CredentialStore {
  private readonly store: JsonStore<typeof CredentialFile>
  readonly appPassword = randomBytes(24).toString('base64url')
  /** Accounts of virtual devices: in memory only, gone at restart (username → password). */
  private readonly ephemeral = new Map<string, { deviceId: string; password: string }>()

  constructor(
    dataDir: string,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    this.store = new JsonStore({
      file: join(dataDir, 'broker-credentials.json'),
      schema: CredentialFile,
      version: 1,
      defaults: () => ({ devices: [] }),
      logger,
    })
  }

  get warnings(): readonly string[] {
    return this.store.warnings
  }

  async load(): Promise<void> {
    await this.store.load()
  }

  list(): DeviceCredential[] {
    return this.store.data.devices.map(({ deviceId, username, createdAt }) => ({
      deviceId,
      username,
      createdAt,
    }))
  }

  /** Creates or replaces a device's account; the plain password is returned only here. */
  async issue(
    deviceId: string,
    options: { legacyTopic?: string | null } = {},
  ): Promise<IssuedCredential> {
    if (!isValidDeviceId(deviceId) || deviceId === APP_USERNAME) {
      throw new ApiError('BAD_INPUT', `"${deviceId}" can't be used as a device id.`)
    }
    const password = randomBytes(18).toString('base64url')
    const salt = randomBytes(16)
    const hash = await scrypt(password, salt, KEY_LENGTH, SCRYPT)
    const entry: StoredCredential = {
      deviceId,
      username: deviceId,
      createdAt: this.clock.now(),
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      ...(options.legacyTopic ? { legacyTopic: options.legacyTopic } : {}),
    }
    const others = this.store.data.devices.filter((d) => d.deviceId !== deviceId)
    await this.store.replace({ devices: [...others, entry] })
    return { deviceId, username: entry.username, createdAt: entry.createdAt, password }
  }

  async revoke(deviceId: string): Promise<void> {
    const devices = this.store.data.devices
    if (!devices.some((d) => d.deviceId === deviceId)) {
      throw new ApiError('NOT_FOUND', `No broker account for device "${deviceId}".`)
    }
    await this.store.replace({ devices: devices.filter((d) => d.deviceId !== deviceId) })
  }

  /** A device account that is never saved (the simulator's virtual devices). */
  issueEphemeral(deviceId: string): { username: string; password: string } {
    const username = `${deviceId}~virtual`
    const password = randomBytes(18).toString('base64url')
    this.ephemeral.set(username, { deviceId, password })
    return { username, password }
  }

  revokeEphemeral(username: string): void {
    this.ephemeral.delete(username)
  }

  /**
   * The device a client id belongs to (its device id or its login's username), if any:
   * only that device's login may connect with it (client-id-policy).
   */
  clientIdOwner(clientId: string): string | undefined {
    const stored = this.store.data.devices.find(
      (d) => d.deviceId === clientId || d.username === clientId,
    )
    if (stored) return stored.deviceId
    const virtual = this.ephemeral.get(clientId)
    if (virtual) return virtual.deviceId
    for (const { deviceId } of this.ephemeral.values()) if (deviceId === clientId) return deviceId
    return undefined
  }

  /** Who these credentials belong to, or null when they are wrong. Constant-time compares. */
  async verify(username: string, password: Buffer): Promise<Identity | null> {
    if (username === APP_USERNAME) {
      return equal(password, Buffer.from(this.appPassword)) ? { kind: 'app' } : null
    }
    const virtual = this.ephemeral.get(username)
    if (virtual) {
      return equal(password, Buffer.from(virtual.password))
        ? { kind: 'device', deviceId: virtual.deviceId, username }
        : null
    }
    const entry = this.store.data.devices.find((d) => d.username === username)
    // Hash anyway when the user is unknown, so timing does not reveal which names exist.
    const salt = entry ? Buffer.from(entry.salt, 'base64') : Buffer.alloc(16)
    const hash = await scrypt(password.toString('utf8'), salt, KEY_LENGTH, SCRYPT)
    if (!entry) return null
    return equal(hash, Buffer.from(entry.hash, 'base64'))
      ? {
          kind: 'device',
          deviceId: entry.deviceId,
          username: entry.username,
          ...(entry.legacyTopic ? { legacyTopic: entry.legacyTopic } : {}),
        }
      : null
  }
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
