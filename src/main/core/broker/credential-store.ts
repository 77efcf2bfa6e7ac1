import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { z } from 'zod'
import type { DeviceCredential, IssuedCredential } from '../../../shared/contract/broker'
import { ApiError } from '../../../shared/errors'
import { DEFAULT_PREFIX, isValidDeviceId } from '../../../shared/topics'
import type { Clock } from '../base/clock'
import { JsonStore } from '../base/json-store'
import type { Logger } from '../base/logger'
import { checkExtraTopics, ExtraTopics } from './extra-topics'

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
  /** Extra topic filters (`broker.credentials.issue/update`); absent in files before them. */
  allow: z.array(z.string()).optional(),
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
      /** The login's extra topics, shared with the store: an update applies at once. */
      extra?: ExtraTopics
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
  /** username → its extra topics, one object per login for as long as the app runs. */
  private readonly extras = new Map<string, ExtraTopics>()

  constructor(
    dataDir: string,
    private readonly clock: Clock,
    logger: Logger,
    /** Topic prefix of our devices (settings.devices.prefix): extra topics stay out of it. */
    private readonly prefix: () => string = () => DEFAULT_PREFIX,
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
    return this.store.data.devices.map(listed)
  }

  /**
   * Creates or replaces a device's account; the plain password is returned only here.
   * `allow`: extra topics (checked by extra-topics); left out, a replaced account keeps its own.
   */
  async issue(
    deviceId: string,
    options: { legacyTopic?: string | null; allow?: readonly string[] } = {},
  ): Promise<IssuedCredential> {
    if (!isValidDeviceId(deviceId) || deviceId === APP_USERNAME) {
      throw new ApiError('BAD_INPUT', `"${deviceId}" can't be used as a device id.`)
    }
    const previous = this.store.data.devices.find((d) => d.deviceId === deviceId)
    const allow =
      options.allow !== undefined
        ? checkExtraTopics(options.allow, this.prefix(), deviceId)
        : (previous?.allow ?? [])
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
      ...(allow.length > 0 ? { allow } : {}),
    }
    const others = this.store.data.devices.filter((d) => d.deviceId !== deviceId)
    await this.store.replace({ devices: [...others, entry] })
    this.extraTopicsOf(entry.username).set(allow)
    return { ...listed(entry), password }
  }

  /** Replaces a login's extra topics; clients already connected with it get them at once. */
  async update(username: string, allow: readonly string[]): Promise<DeviceCredential> {
    const devices = this.store.data.devices
    const entry = devices.find((d) => d.username === username)
    if (!entry) throw new ApiError('NOT_FOUND', `No broker login "${username}".`)
    const checked = checkExtraTopics(allow, this.prefix(), entry.deviceId)
    const next: StoredCredential = { ...entry }
    if (checked.length > 0) next.allow = checked
    else delete next.allow
    await this.store.replace({ devices: devices.map((d) => (d === entry ? next : d)) })
    this.extraTopicsOf(username).set(checked)
    return listed(next)
  }

  async revoke(deviceId: string): Promise<void> {
    const devices = this.store.data.devices
    if (!devices.some((d) => d.deviceId === deviceId)) {
      throw new ApiError('NOT_FOUND', `No broker account for device "${deviceId}".`)
    }
    await this.store.replace({ devices: devices.filter((d) => d.deviceId !== deviceId) })
    for (const d of devices) if (d.deviceId === deviceId) this.extraTopicsOf(d.username).set([])
  }

  /** Whether a login's extra topics now cover this topic or filter. */
  allowsExtra(username: string, topicOrFilter: string): boolean {
    const entry = this.store.data.devices.find((d) => d.username === username)
    if (!entry) return false
    return this.extraTopicsOf(username).allowsFilter(topicOrFilter, this.prefix(), entry.deviceId)
  }

  /** The one live ExtraTopics object of a login (what connected clients check against). */
  private extraTopicsOf(username: string): ExtraTopics {
    let extra = this.extras.get(username)
    if (!extra) {
      const stored = this.store.data.devices.find((d) => d.username === username)
      extra = new ExtraTopics(stored?.allow ?? [])
      this.extras.set(username, extra)
    }
    return extra
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
          extra: this.extraTopicsOf(entry.username),
        }
      : null
  }
}

function listed(entry: StoredCredential): DeviceCredential {
  return {
    deviceId: entry.deviceId,
    username: entry.username,
    createdAt: entry.createdAt,
    allow: entry.allow ?? [],
    ...(entry.legacyTopic ? { legacyTopic: entry.legacyTopic } : {}),
  }
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
