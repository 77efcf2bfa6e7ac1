/**
 * A fleet of up to 10,000 boards on raw TCP MQTT 3.1.1 connections, publishing our firmware's
 * telemetry either as fast as TCP takes it (burst) or at a set total rate (paced). It runs in
 * its own process (load-child.ts, driven by load-process.ts) so its CPU is never counted as
 * the app's. Backpressure is felt the way a board feels it: when `socket.write()` returns
 * false the device waits for 'drain' (burst) or skips its turn and counts it (paced).
 */
import { connect as netConnect, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'
import {
  connectFrame,
  DISCONNECT,
  maxTelemetryFrame,
  PINGREQ,
  retainedFrame,
  subscribeFrame,
  telemetryPayload,
  writePublish,
} from './mqtt-frames'
import { openFilesLimit } from './proc-stats'

export interface FleetOptions {
  host: string
  port: number
  count: number
  /** Device ids are `<idPrefix><n>`, n zero-padded from 1. */
  idPrefix: string
  /** Topic prefix (settings.devices.prefix), default `iot`. */
  prefix?: string
  /** Keep-alive in s; the fleet sends PINGREQ every half of it. Default 60. */
  keepaliveS?: number
  /** Like the firmware after connecting: subscribe to `cmd` (QoS 1) and wait for SUBACK. */
  subscribe?: boolean
  /** Like the firmware after connecting: retained `online` on `status`. */
  announce?: boolean
  /** Connections opened at once (default 100). */
  concurrency?: number
}

export interface ConnectResult {
  connected: number
  ms: number
  /** Median time from TCP connect to CONNACK (and SUBACK when subscribing), ms. */
  medianConnectMs: number
}

export interface PublishResult {
  /** Telemetry messages handed to TCP. */
  sent: number
  /** Paced turns skipped because that device's socket was still waiting for 'drain'. */
  skipped: number
  /** How often a write returned false (the broker pushed back). */
  drainWaits: number
  startedAt: number
  endedAt: number
  /** Connections the broker closed since connect(). */
  lost: number
}

export interface PacedOptions {
  /** Messages per second over the whole fleet, round-robin (N devices at H Hz: rate = N × H). */
  rate: number
  /** Stop after this many messages… */
  messages?: number
  /** …or after this long, whichever comes first. */
  durationMs?: number
}

interface Device {
  id: string
  socket: Socket
  topic: Buffer
  seq: number
  /** Waiting for 'drain' (paced turns are skipped meanwhile). */
  blocked: boolean
  closed: boolean
}

/** Paced mode wakes every 5 ms and sends what is due since the start (so a late tick catches up). */
const TICK_MS = 5
/** Burst mode writes this many messages per device per write (~12 KB). */
const BURST_CHUNK = 100

export class Fleet {
  private readonly options: Required<FleetOptions>
  private devices: Device[] = []
  private pingTimer: NodeJS.Timeout | undefined
  private scratch: Buffer
  private sent = 0
  private skipped = 0
  private drainWaits = 0
  private lost = 0

  constructor(options: FleetOptions) {
    this.options = {
      prefix: 'iot',
      keepaliveS: 60,
      subscribe: false,
      announce: false,
      concurrency: 100,
      ...options,
    }
    this.scratch = Buffer.allocUnsafe(BURST_CHUNK * maxTelemetryFrame(256))
  }

  /** Messages handed to TCP and paced turns skipped so far in the current publish. */
  progress(): { sent: number; skipped: number } {
    return { sent: this.sent, skipped: this.skipped }
  }

  /** Opens every connection; rejects (closing those already open) if any is refused. */
  async connect(): Promise<ConnectResult> {
    const { count, concurrency, idPrefix } = this.options
    const limit = openFilesLimit()
    if (limit < count + 64) {
      throw new Error(
        `the open-files limit is ${limit} (ulimit -n); ${count} connections need at least ${count + 64}: raise it (e.g. ulimit -n 20000) or use fewer devices`,
      )
    }
    const ids = fleetIds(idPrefix, count)
    const started = performance.now()
    const times: number[] = []
    const devices: Device[] = new Array(count)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < count) {
        const index = next++
        const t0 = performance.now()
        devices[index] = await this.open(ids[index]!)
        times.push(performance.now() - t0)
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
    } catch (error) {
      for (const d of devices) d?.socket.destroy()
      throw error
    }
    this.devices = devices
    const half = (this.options.keepaliveS * 1000) / 2
    if (half > 0) this.pingTimer = setInterval(() => this.ping(), half)
    times.sort((a, b) => a - b)
    return {
      connected: count,
      ms: performance.now() - started,
      medianConnectMs: times[times.length >> 1] ?? 0,
    }
  }

  /** Every device sends `messages / count` (the first few one more) as fast as TCP takes them. */
  async burst(messages: number): Promise<PublishResult> {
    this.resetCounters()
    const startedAt = Date.now()
    const n = this.devices.length
    await Promise.all(
      this.devices.map((d, i) =>
        this.sendAll(d, Math.floor(messages / n) + (i < messages % n ? 1 : 0)),
      ),
    )
    return this.result(startedAt)
  }

  /** Round-robin over the fleet at `rate` messages per second in total. */
  async paced(options: PacedOptions): Promise<PublishResult> {
    this.resetCounters()
    const { rate, messages = Infinity, durationMs = Infinity } = options
    if (!(rate > 0) || (messages === Infinity && durationMs === Infinity))
      throw new Error('paced: give a positive rate and messages or durationMs')
    const startedAt = Date.now()
    const t0 = performance.now()
    const n = this.devices.length
    const due = new Uint32Array(n)
    const touched: number[] = []
    let generated = 0
    let cursor = 0
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const elapsed = performance.now() - t0
        const target = Math.min(messages, Math.floor((rate * Math.min(elapsed, durationMs)) / 1000))
        for (; generated < target; generated++) {
          const d = this.devices[cursor]!
          if (d.blocked || d.closed) this.skipped++
          else {
            const before = due[cursor]!
            if (before === 0) touched.push(cursor)
            due[cursor] = before + 1
          }
          cursor = cursor + 1 === n ? 0 : cursor + 1
        }
        const now = Date.now()
        for (const i of touched) {
          this.write(this.devices[i]!, due[i]!, now)
          due[i] = 0
        }
        touched.length = 0
        if (generated >= messages || elapsed >= durationMs) {
          clearInterval(timer)
          resolve()
        }
      }
      const timer = setInterval(tick, TICK_MS)
    })
    await Promise.all(this.devices.map((d) => (d.blocked ? waitDrain(d) : undefined)))
    return this.result(startedAt)
  }

  /** DISCONNECT (no Last Will) and close every connection; resolves when all are closed. */
  async disconnect(): Promise<{ ms: number }> {
    clearInterval(this.pingTimer)
    const started = performance.now()
    await Promise.all(
      this.devices.map(
        (d) =>
          new Promise<void>((resolve) => {
            if (d.closed || d.socket.destroyed) return resolve()
            d.socket.once('close', () => resolve())
            d.socket.end(DISCONNECT)
            setTimeout(() => d.socket.destroy(), 10_000).unref()
          }),
      ),
    )
    this.devices = []
    return { ms: performance.now() - started }
  }

  private async open(id: string): Promise<Device> {
    const { host, port, prefix, keepaliveS, subscribe, announce } = this.options
    const socket = netConnect({ host, port, noDelay: true })
    const device: Device = {
      id,
      socket,
      topic: Buffer.from(`${prefix}/${id}/telemetry`),
      seq: 0,
      blocked: false,
      closed: false,
    }
    const parser = mqttPacket.parser({ protocolVersion: 4 })
    socket.on('data', (chunk) => parser.parse(chunk))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${id}: no CONNACK within 30 s`)), 30_000)
      const fail = (error: Error): void => {
        clearTimeout(timer)
        socket.destroy()
        reject(error)
      }
      const done = (): void => {
        clearTimeout(timer)
        socket.off('error', fail)
        resolve()
      }
      socket.once('error', fail)
      socket.once('connect', () => {
        socket.write(
          connectFrame({ clientId: id, keepaliveS, willTopic: `${prefix}/${id}/status` }),
        )
        if (subscribe) socket.write(subscribeFrame(1, `${prefix}/${id}/cmd`))
        if (announce) socket.write(retainedFrame(`${prefix}/${id}/status`, 'online'))
      })
      parser.on('packet', (packet) => {
        if (packet.cmd === 'connack') {
          if (packet.returnCode !== 0)
            return fail(
              new Error(
                `${id}: CONNACK return code ${packet.returnCode}` +
                  (packet.returnCode === 5 ? ' (not authorized: is --anonymous-loopback on?)' : ''),
              ),
            )
          if (!subscribe) done()
        } else if (packet.cmd === 'suback') done()
      })
      parser.on('error', (error) => fail(error))
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      if (!device.closed) this.lost++
      device.closed = true
      device.blocked = false
      socket.emit('drain')
    })
    return device
  }

  private async sendAll(d: Device, count: number): Promise<void> {
    let left = count
    while (left > 0 && !d.closed) {
      const k = Math.min(left, BURST_CHUNK)
      left -= k
      if (!this.write(d, k, Date.now())) await waitDrain(d)
      else await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  /** Frames `k` telemetry messages for one device into one TCP write; false = wait for 'drain'. */
  private write(d: Device, k: number, now: number): boolean {
    const frame = maxTelemetryFrame(d.topic.length)
    if (this.scratch.length < k * frame) this.scratch = Buffer.allocUnsafe(k * frame)
    let offset = 0
    for (let i = 0; i < k; i++)
      offset = writePublish(this.scratch, offset, d.topic, telemetryPayload(++d.seq, now))
    this.sent += k
    // Copied: the socket may keep the chunk queued while the scratch buffer is reused.
    const ok = d.socket.write(Buffer.from(this.scratch.subarray(0, offset)))
    if (!ok) {
      this.drainWaits++
      d.blocked = true
      d.socket.once('drain', () => (d.blocked = false))
    }
    return ok
  }

  private ping(): void {
    for (const d of this.devices) if (!d.closed && !d.blocked) d.socket.write(PINGREQ)
  }

  private resetCounters(): void {
    this.sent = 0
    this.skipped = 0
    this.drainWaits = 0
  }

  private result(startedAt: number): PublishResult {
    return {
      sent: this.sent,
      skipped: this.skipped,
      drainWaits: this.drainWaits,
      startedAt,
      endedAt: Date.now(),
      lost: this.lost,
    }
  }
}

/** The ids a fleet of `count` uses: `<idPrefix>0001`, … (at least four digits). */
export function fleetIds(idPrefix: string, count: number): string[] {
  const digits = Math.max(4, String(count).length)
  return Array.from({ length: count }, (_, i) => idPrefix + String(i + 1).padStart(digits, '0'))
}

function waitDrain(d: Device): Promise<void> {
  if (!d.blocked || d.closed) return Promise.resolve()
  return new Promise((resolve) => d.socket.once('drain', () => resolve()))
}
