import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { DEFAULT_SESSION_EXPIRY_S } from '../../../shared/contract/connections'
import type { Logger } from '../base/logger'
import { JsonStore, type JsonDocument } from '../base/json-store'

const Qos = z.union([z.literal(0), z.literal(1), z.literal(2)])

/** An external connection as stored: secrets included (the file stays in the data dir). */
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

/** A client id that fits MQTT 3.1.1's guaranteed 23 characters (§3.1.3.1). */
export function newClientId(): string {
  return `iotcc-${randomBytes(6).toString('hex')}`
}

/** External broker connections in `<dataDir>/connections.json`. */
export class ConnectionStore {
  private readonly store: JsonStore<typeof ConnectionsFile>

  constructor(dataDir: string, logger: Logger) {
    this.store = new JsonStore({
      ...CONNECTIONS_DOCUMENT,
      file: join(dataDir, CONNECTIONS_DOCUMENT.name),
      defaults: () => ({ appClientId: newClientId(), connections: [] }),
      logger,
    })
  }

  get warnings(): readonly string[] {
    return this.store.warnings
  }

  async load(): Promise<void> {
    await this.store.load()
  }

  get appClientId(): string {
    return this.store.data.appClientId
  }

  list(): StoredConnection[] {
    return this.store.data.connections
  }

  async put(connection: StoredConnection): Promise<void> {
    const others = this.store.data.connections.filter((c) => c.id !== connection.id)
    const index = this.store.data.connections.findIndex((c) => c.id === connection.id)
    const connections = [...others]
    connections.splice(index < 0 ? connections.length : index, 0, connection)
    await this.store.replace({ ...this.store.data, connections })
  }

  async remove(id: string): Promise<void> {
    await this.store.replace({
      ...this.store.data,
      connections: this.store.data.connections.filter((c) => c.id !== id),
    })
  }
}
