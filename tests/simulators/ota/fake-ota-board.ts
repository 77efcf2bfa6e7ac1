/**
 * A board's side of docs/ota.md in TypeScript, over a real MQTT connection: checks the
 * signed manifest, receives chunks (tag, sequence, CRC), reports `next` every 8 chunks,
 * verifies SHA-256, "swaps" by restarting its connection with the new version and confirms
 * with `update_ok` after a short trial. Faults are switches, so the app's handling of lost
 * and damaged chunks, silence, offline boards, refusals and rollbacks can be tested without
 * MicroPython. The real firmware runs through tests/simulators/board.
 */
import { createHash } from 'node:crypto'
import { connectAsync, type MqttClient } from 'mqtt'
import {
  OTA_SPACE_MARGIN,
  decodeChunk,
  otaTopics,
  updateTag,
  verifySignedManifest,
  type Manifest,
} from '../../../src/shared/ota/node'

export interface FakeOtaBoardOptions {
  url: string
  id: string
  /** The board's OTA_KEY; null = a board installed before updates existed. */
  key: string | null
  version: string
  prefix?: string
  /** Free bytes on the board's filesystem. */
  free?: number
  /** How long the new version runs before it confirms (ms). */
  trialMs?: number
  /** A device login on the built-in broker. */
  username?: string
  password?: string
}

interface Transfer {
  manifest: Manifest
  tag: number
  next: number
  data: Buffer[]
  badCrc: Map<number, number>
  /** The board asked for `next` again since the last chunk it took. */
  asked: boolean
}

export class FakeOtaBoard {
  readonly id: string
  version: string
  /** Files of the version it runs (path → bytes), after an update. */
  files = new Map<string, Buffer>()
  /** Every chunk sequence number it accepted, in order (resume and resend checks). */
  readonly accepted: number[] = []
  readonly statuses: Record<string, unknown>[] = []
  readonly events: Record<string, unknown>[] = []
  /** Fault switches. */
  faults = {
    /** Sequence numbers to drop once (as if lost): the next chunk makes the board ask again. */
    drop: new Set<number>(),
    /** Chunks from this sequence number on never arrive (-1: off); holds a transfer there. */
    hold: -1,
    /** Sequence numbers to flip a byte of, once. */
    corrupt: new Set<number>(),
    /** Stop answering at all (a hung board that stays connected). */
    mute: false,
    /** Go offline after accepting this chunk. */
    offlineAfter: -1,
    /** The new version "crashes": roll back and report update_failed. */
    crash: false,
    /** An earlier update is still on trial: every manifest is refused with `busy`. */
    onTrial: false,
    /** The board resets before its `verifying`/`applying` statuses leave: the app never sees them. */
    quietSwap: false,
    /** Cancel requests received. */
    cancels: 0,
  }
  private client: MqttClient | null = null
  /** A new version is on trial: manifests are refused with `busy`, as the firmware does. */
  private trial = false
  private transfer: Transfer | null = null
  private readonly prefix: string
  private readonly topics: ReturnType<typeof otaTopics>

  constructor(private readonly options: FakeOtaBoardOptions) {
    this.id = options.id
    this.version = options.version
    this.prefix = options.prefix ?? 'iot'
    this.topics = otaTopics(this.prefix, this.id)
  }

  get online(): boolean {
    return this.client?.connected ?? false
  }

  /** Connects like the firmware: Last Will offline, retained online and info, ota/+ subscribed. */
  async connect(): Promise<void> {
    const base = `${this.prefix}/${this.id}`
    const client = await connectAsync(this.options.url, {
      clientId: this.id,
      clean: true,
      ...(this.options.username
        ? { username: this.options.username, password: this.options.password }
        : {}),
      reconnectPeriod: 0,
      will: { topic: `${base}/status`, payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    this.client = client
    client.on('message', (topic, payload) => this.onMessage(topic, payload))
    await client.subscribeAsync(this.topics.filter, { qos: 1 })
    await client.publishAsync(`${base}/status`, 'online', { qos: 1, retain: true })
    await client.publishAsync(`${base}/info`, JSON.stringify({ id: this.id, fw: this.version }), {
      qos: 1,
      retain: true,
    })
    // Resume (docs/ota.md flow step 3): say where the transfer stands.
    if (this.transfer) this.status('receiving', { next: this.transfer.next })
  }

  /** Drops the connection without DISCONNECT: the broker publishes the Will (offline). */
  async drop(): Promise<void> {
    const client = this.client
    this.client = null
    client?.stream.destroy()
    await client?.endAsync(true).catch(() => undefined)
  }

  async close(): Promise<void> {
    await this.client?.endAsync().catch(() => undefined)
    this.client = null
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.faults.mute) return
    if (topic === this.topics.manifest) this.onManifest(payload)
    else if (topic === this.topics.chunk) this.onChunk(payload)
    else if (topic === this.topics.cancel) this.onCancel(payload)
  }

  private onManifest(payload: Buffer): void {
    const check = verifySignedManifest(payload, this.options.key)
    if (this.faults.onTrial || this.trial)
      return this.refuse(tryUpdateId(payload), 'busy', { error: 'a new version is still on trial' })
    if (!check.ok) return this.refuse(tryUpdateId(payload), check.reason, {})
    const m = check.manifest
    if (this.transfer?.manifest.update === m.update) {
      this.status('receiving', { next: this.transfer.next, total: m.total })
      return
    }
    const size = m.files.reduce((n, f) => n + f.size, 0)
    const free = this.options.free ?? 1_000_000
    if (free < size + OTA_SPACE_MARGIN)
      return this.refuse(m.update, 'no_space', { need: size + OTA_SPACE_MARGIN, free })
    this.transfer = {
      manifest: m,
      tag: updateTag(m.update),
      next: 0,
      data: [],
      badCrc: new Map(),
      asked: false,
    }
    this.status('receiving', { next: 0, total: m.total })
  }

  private onChunk(payload: Buffer): void {
    const t = this.transfer
    const chunk = decodeChunk(payload)
    if (!t || !chunk || chunk.tag !== t.tag) return
    if (this.faults.hold >= 0 && chunk.seq >= this.faults.hold) return
    if (this.faults.drop.delete(chunk.seq)) return
    if (chunk.seq !== t.next) {
      // As the firmware: a chunk ahead of `next` (one was lost) asks again, once per gap.
      if (chunk.seq > t.next && !t.asked) {
        t.asked = true
        this.status('receiving', { next: t.next, total: t.manifest.total })
      }
      return
    }
    let ok = chunk.crcOk
    if (this.faults.corrupt.delete(chunk.seq)) ok = false
    if (!ok) {
      const bad = (t.badCrc.get(chunk.seq) ?? 0) + 1
      t.badCrc.set(chunk.seq, bad)
      if (bad >= 3) {
        this.transfer = null
        this.status('failed', { reason: 'corrupt_chunk' }, t.manifest.update)
        return
      }
      this.status('receiving', { next: t.next, retry: true })
      return
    }
    t.data.push(Buffer.from(chunk.data))
    this.accepted.push(chunk.seq)
    t.next++
    t.asked = false
    if (t.next === this.faults.offlineAfter) {
      this.faults.offlineAfter = -1
      void this.drop()
      return
    }
    if (t.next % 8 === 0 || t.next === t.manifest.total)
      this.status('receiving', { next: t.next, total: t.manifest.total })
    if (t.next === t.manifest.total) void this.finish(t)
  }

  private onCancel(payload: Buffer): void {
    this.faults.cancels++
    const update = tryJson(payload)?.update
    if (!this.transfer || update !== this.transfer.manifest.update) return
    this.transfer = null
    this.status('cancelled', {}, update as string)
  }

  /** Verify, swap (restart with the new version), trial, confirm or roll back. */
  private async finish(t: Transfer): Promise<void> {
    const update = t.manifest.update
    const quiet = this.faults.quietSwap
    if (!quiet) this.status('verifying', {}, update)
    const stream = Buffer.concat(t.data)
    const files = new Map<string, Buffer>()
    let at = 0
    for (const f of t.manifest.files) {
      const bytes = stream.subarray(at, at + f.size)
      at += f.size
      if (createHash('sha256').update(bytes).digest('hex') !== f.sha256) {
        this.transfer = null
        this.status('failed', { reason: 'hash_mismatch', path: f.path }, update)
        return
      }
      files.set(f.path, Buffer.from(bytes))
    }
    if (!quiet) this.status('applying', {}, update)
    this.transfer = null
    const previous = this.version
    await sleep(20)
    await this.drop()
    if (!this.faults.crash) {
      this.version = t.manifest.version
      this.files = files
    }
    this.trial = true
    await sleep(20)
    await this.connect()
    await sleep(this.options.trialMs ?? 50)
    this.trial = false
    // A rollback as otaguard reports it: `version` the one tried, `previous` the one running.
    if (this.faults.crash)
      this.event({
        event: 'update_failed',
        update,
        version: t.manifest.version,
        previous,
        reason: 'crashed',
        rolled_back: true,
      })
    else this.event({ event: 'update_ok', version: this.version, previous })
  }

  /** A refusal before the swap: `failed` status and update_failed (docs/ota.md). */
  private refuse(update: string | null, reason: string, extra: Record<string, unknown>): void {
    this.status('failed', { reason, ...extra }, update)
    this.event({
      event: 'update_failed',
      update,
      version: this.version,
      reason,
      rolled_back: false,
      ...extra,
    })
  }

  private status(state: string, extra: Record<string, unknown>, update?: string | null): void {
    const body = { update: update ?? this.transfer?.manifest.update ?? null, state, ...extra }
    this.statuses.push(body)
    this.client?.publish(this.topics.status, JSON.stringify(body), { qos: 1 }, () => undefined)
  }

  private event(body: Record<string, unknown>): void {
    this.events.push(body)
    const topic = `${this.prefix}/${this.id}/event`
    this.client?.publish(topic, JSON.stringify(body), { qos: 1 }, () => undefined)
  }
}

function tryJson(payload: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(payload.toString())
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function tryUpdateId(payload: Buffer): string | null {
  const m = tryJson(payload)?.m
  if (typeof m !== 'string') return null
  const update = tryJson(Buffer.from(m))?.update
  return typeof update === 'string' ? update : null
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
