import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { DEFAULT_SESSION_EXPIRY_S } from '../../../shared/contract/connections'
import type { Logger } from '../base/logger'
import { JsonStore, type JsonDocument } from '../base/json-store'
import type { SecretCodec, SecretFields } from '../base/secret-box'
import { SecretVault } from '../base/secret-vault'

const Qos = z.union([z.literal(0), z.literal(1), z.literal(2)])

/**
 * An external connection as the app uses it, secrets included. On disk the secret fields
 * (SECRET_FIELDS) live in the secret file, not in connections.json: a file written before
 * that still has them in plain text, and they are moved on load.
 */
export const StoredConnection = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  username: z.string().optional(),
  password: z.string().optional(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]),
  clientId: z.string(),
  clean: z.boolean(),
  // Files written before MQTT 5 sessions were kept have none: the default applies.
  sessionExpiryS: z.number().int().min(0).default(DEFAULT_SESSION_EXPIRY_S),
  subscriptions: z.array(z.object({ topic: z.string(), qos: Qos })),
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  rejectUnauthorized: z.boolean(),
  enabled: z.boolean(),
})
export type StoredConnection = z.infer<typeof StoredConnection>

const ConnectionsFile = z.object({
  /** Stable client id of the app's own client on the embedded broker (persistent session). */
  appClientId: z.string(),
  connections: z.array(StoredConnection),
})

/** `connections.json` (also checked by the backup before a restore). */
export const CONNECTIONS_DOCUMENT: JsonDocument<typeof ConnectionsFile> = {
  name: 'connections.json',
  schema: ConnectionsFile,
  version: 1,
}

/** The fields of a connection kept in the secret file. */
export const SECRET_FIELDS = ['password', 'key'] as const
function withoutSecrets(connection: StoredConnection): StoredConnection {
  const copy = { ...connection }
  for (const field of SECRET_FIELDS) delete copy[field]
  return copy
}

function secretsOf(connection: StoredConnection): SecretFields {
  const fields: SecretFields = {}
  for (const field of SECRET_FIELDS) {
    const value = connection[field]
    if (value) fields[field] = value
  }
  return fields
}

/** A client id that fits MQTT 3.1.1's guaranteed 23 characters (§3.1.3.1). */
export function newClientId(): string {
  return `iotcc-${randomBytes(6).toString('hex')}`
}

/**
 * External broker connections in `<dataDir>/connections.json`, their secrets in the
 * `connection` secret file (see base/secret-box.ts). A secret file that cannot be read is set aside with a warning:
 * the connections stay, without their passwords, and nothing is overwritten.
 */
export class ConnectionStore {
  private readonly store: JsonStore<typeof ConnectionsFile>
  private readonly vault: SecretVault

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    codec?: SecretCodec,
    now: () => number = Date.now,
  ) {
    this.vault = new SecretVault({
      dataDir,
      domain: 'connection',
      logger,
      codec,
      now,
      lostHint: 'The external connections are kept; enter their passwords (and TLS keys) again.',
    })
    this.store = new JsonStore({
      ...CONNECTIONS_DOCUMENT,
      file: join(dataDir, CONNECTIONS_DOCUMENT.name),
      defaults: () => ({ appClientId: newClientId(), connections: [] }),
      logger,
    })
  }

  get warnings(): readonly string[] {
    return [...this.store.warnings, ...this.vault.warnings]
  }

  async load(): Promise<void> {
    await this.store.load()
    await this.vault.load()
    await this.migratePlainSecrets()
  }

  /** Secrets still in connections.json (older versions) move to the secret file. */
  private async migratePlainSecrets(): Promise<void> {
    const plain = this.store.data.connections.filter((c) => Object.keys(secretsOf(c)).length > 0)
    if (plain.length === 0) return
    await this.vault.migrate('External connection passwords in connections.json', async () => {
      for (const connection of plain)
        this.vault.set(connection.id, {
          ...this.vault.get(connection.id),
          ...secretsOf(connection),
        })
      // Secret file first: a crash in between leaves the secrets in both, never in neither.
      await this.vault.save()
      await this.store.replace({
        ...this.store.data,
        connections: this.store.data.connections.map(withoutSecrets),
      })
      this.logger.info('connection secrets moved out of connections.json', {
        connections: plain.length,
        to: this.vault.codecName,
      })
    })
  }

  get appClientId(): string {
    return this.store.data.appClientId
  }

  /** The connections with their secrets. */
  list(): StoredConnection[] {
    return this.store.data.connections.map((c) => ({ ...c, ...this.vault.get(c.id) }))
  }

  async put(connection: StoredConnection): Promise<void> {
    const others = this.store.data.connections.filter((c) => c.id !== connection.id)
    const index = this.store.data.connections.findIndex((c) => c.id === connection.id)
    const connections = [...others]
    connections.splice(index < 0 ? connections.length : index, 0, withoutSecrets(connection))
    this.vault.set(connection.id, secretsOf(connection))
    await this.vault.save()
    await this.store.replace({ ...this.store.data, connections })
  }

  async remove(id: string): Promise<void> {
    await this.store.replace({
      ...this.store.data,
      connections: this.store.data.connections.filter((c) => c.id !== id),
    })
    if (this.vault.has(id)) {
      this.vault.set(id, {})
      await this.vault.save()
    }
  }
}
