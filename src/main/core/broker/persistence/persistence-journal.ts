import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { deserialize, serialize } from 'node:v8'

/** A stored MQTT packet: whatever aedes keeps (payload and MQTT 5 properties are Buffers). */
export type StoredPacket = Record<string, unknown>

export interface JournalSnapshot {
  retained: StoredPacket[]
  subscriptions: Array<{ clientId: string; topic: string; record: Record<string, unknown> }>
  outgoing: Array<{ seq: number; clientId: string; packet: StoredPacket }>
  incoming: Array<{ clientId: string; messageId: number; packet: StoredPacket }>
  wills: Array<{ clientId: string; packet: StoredPacket }>
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS retained (topic TEXT PRIMARY KEY, packet BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS subscriptions (client_id TEXT NOT NULL, topic TEXT NOT NULL,
    record BLOB NOT NULL, PRIMARY KEY (client_id, topic));
  CREATE TABLE IF NOT EXISTS outgoing (seq INTEGER PRIMARY KEY, client_id TEXT NOT NULL, packet BLOB NOT NULL);
  CREATE INDEX IF NOT EXISTS outgoing_client ON outgoing (client_id);
  CREATE TABLE IF NOT EXISTS incoming (client_id TEXT NOT NULL, message_id INTEGER NOT NULL,
    packet BLOB NOT NULL, PRIMARY KEY (client_id, message_id));
  CREATE TABLE IF NOT EXISTS wills (client_id TEXT PRIMARY KEY, packet BLOB NOT NULL);
`

type Op = () => void

/**
 * Write-behind journal of the broker's session state in SQLite (node:sqlite, WAL).
 * The in-memory state in SqlitePersistence is authoritative while running; every change
 * is queued here and committed in one transaction per event-loop turn, so a flood of
 * QoS 1 messages costs one commit per batch rather than three per message. On start the
 * journal is read back into memory. A crash can lose at most the current turn's changes.
 */
export class PersistenceJournal {
  private readonly db: DatabaseSync
  private readonly stmt: Record<string, StatementSync>
  private queue: Op[] = []
  private scheduled = false
  private closed = false

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    this.db = new DatabaseSync(file)
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;')
    this.db.exec(SCHEMA)
    const p = (sql: string): StatementSync => this.db.prepare(sql)
    this.stmt = {
      putRetained: p('INSERT OR REPLACE INTO retained (topic, packet) VALUES (?, ?)'),
      delRetained: p('DELETE FROM retained WHERE topic = ?'),
      putSub: p('INSERT OR REPLACE INTO subscriptions (client_id, topic, record) VALUES (?, ?, ?)'),
      delSub: p('DELETE FROM subscriptions WHERE client_id = ? AND topic = ?'),
      delSubs: p('DELETE FROM subscriptions WHERE client_id = ?'),
      putOut: p('INSERT OR REPLACE INTO outgoing (seq, client_id, packet) VALUES (?, ?, ?)'),
      delOut: p('DELETE FROM outgoing WHERE seq = ?'),
      putIn: p('INSERT OR REPLACE INTO incoming (client_id, message_id, packet) VALUES (?, ?, ?)'),
      delIn: p('DELETE FROM incoming WHERE client_id = ? AND message_id = ?'),
      delIns: p('DELETE FROM incoming WHERE client_id = ?'),
      putWill: p('INSERT OR REPLACE INTO wills (client_id, packet) VALUES (?, ?)'),
      delWill: p('DELETE FROM wills WHERE client_id = ?'),
    }
  }

  /** Everything stored, in the order it was written (outgoing queues by sequence). */
  read(): JournalSnapshot {
    const rows = (sql: string): Array<Record<string, unknown>> =>
      this.db.prepare(sql).all() as Array<Record<string, unknown>>
    const blob = (value: unknown): StoredPacket => decode(value as Uint8Array)
    return {
      retained: rows('SELECT packet FROM retained').map((r) => blob(r.packet)),
      subscriptions: rows('SELECT client_id, topic, record FROM subscriptions').map((r) => ({
        clientId: String(r.client_id),
        topic: String(r.topic),
        record: blob(r.record),
      })),
      outgoing: rows('SELECT seq, client_id, packet FROM outgoing ORDER BY seq').map((r) => ({
        seq: Number(r.seq),
        clientId: String(r.client_id),
        packet: blob(r.packet),
      })),
      incoming: rows('SELECT client_id, message_id, packet FROM incoming').map((r) => ({
        clientId: String(r.client_id),
        messageId: Number(r.message_id),
        packet: blob(r.packet),
      })),
      wills: rows('SELECT client_id, packet FROM wills').map((r) => ({
        clientId: String(r.client_id),
        packet: blob(r.packet),
      })),
    }
  }

  putRetained(topic: string, packet: StoredPacket): void {
    const bytes = encode(packet)
    this.push(() => this.stmt.putRetained!.run(topic, bytes))
  }
  delRetained(topic: string): void {
    this.push(() => this.stmt.delRetained!.run(topic))
  }
  putSubscription(clientId: string, topic: string, record: Record<string, unknown>): void {
    const bytes = encode(record)
    this.push(() => this.stmt.putSub!.run(clientId, topic, bytes))
  }
  delSubscription(clientId: string, topic: string): void {
    this.push(() => this.stmt.delSub!.run(clientId, topic))
  }
  delSubscriptions(clientId: string): void {
    this.push(() => this.stmt.delSubs!.run(clientId))
  }
  putOutgoing(seq: number, clientId: string, packet: StoredPacket): void {
    const bytes = encode(packet)
    this.push(() => this.stmt.putOut!.run(seq, clientId, bytes))
  }
  delOutgoing(seq: number): void {
    this.push(() => this.stmt.delOut!.run(seq))
  }
  putIncoming(clientId: string, messageId: number, packet: StoredPacket): void {
    const bytes = encode(packet)
    this.push(() => this.stmt.putIn!.run(clientId, messageId, bytes))
  }
  delIncoming(clientId: string, messageId: number): void {
    this.push(() => this.stmt.delIn!.run(clientId, messageId))
  }
  delIncomingAll(clientId: string): void {
    this.push(() => this.stmt.delIns!.run(clientId))
  }
  putWill(clientId: string, packet: StoredPacket): void {
    const bytes = encode(packet)
    this.push(() => this.stmt.putWill!.run(clientId, bytes))
  }
  delWill(clientId: string): void {
    this.push(() => this.stmt.delWill!.run(clientId))
  }

  /** Commits everything queued so far. */
  flush(): void {
    this.scheduled = false
    if (this.queue.length === 0 || this.closed) return
    const ops = this.queue
    this.queue = []
    this.db.exec('BEGIN')
    try {
      for (const op of ops) op()
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  close(): void {
    if (this.closed) return
    this.flush()
    this.closed = true
    this.db.close()
  }

  private push(op: Op): void {
    if (this.closed) return
    this.queue.push(op)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }
}

/** Encoded when queued, not when flushed: aedes mutates packets (messageId) afterwards. */
function encode(value: object): Buffer {
  // QoSPacket carries a writeCallback; functions are runtime state, not data.
  const plain: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'function') plain[key] = item
  }
  return serialize(plain)
}

function decode(bytes: Uint8Array): StoredPacket {
  return deserialize(bytes) as StoredPacket
}
