import { ApiError } from '../../../shared/errors'
import type { MqttMessage } from '../../../shared/mqtt-message'
import { ourTopics, parseOurTopic } from '../../../shared/topics'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import type { ConnectionManager } from './connection-manager'

export interface CommandServiceOptions {
  connections: Pick<ConnectionManager, 'publish' | 'connectedIds'>
  /** Which connection last heard a topic (to reach a device through its own broker). */
  sourceOf: (topic: string) => string | undefined
  prefix: () => string
  clock: Clock
  logger: Logger
}

export interface CommandResult {
  ok: boolean
  error: string | null
  ack: Record<string, unknown>
  latencyMs: number
}

interface Pending {
  resolve: (ack: Record<string, unknown> | null) => void
  timer: Timer
}

/**
 * Commands to our devices: JSON on `<prefix>/<id>/cmd` at QoS 1 with an added "id"; the
 * firmware answers on `<prefix>/<id>/event` with {"event":"ack","cmd",…,"ok","ref":<id>}
 * (firmware/lib/iotfw/commands.py), which settles the waiting call.
 */
export class CommandService {
  private readonly pending = new Map<string, Pending>()
  // Starts somewhere random so an ack to a previous run's command can't be taken for ours.
  private nextId = 1 + Math.floor(Math.random() * 1_000_000)

  constructor(private readonly options: CommandServiceOptions) {}

  /** Feed every received message; acks are picked out here. */
  handleMessage(message: MqttMessage): void {
    if (this.pending.size === 0) return
    const parsed = parseOurTopic(this.options.prefix(), message.topic)
    if (!parsed || parsed.kind !== 'event') return
    let body: unknown
    try {
      body = JSON.parse(Buffer.from(message.payload).toString('utf8'))
    } catch {
      return
    }
    if (typeof body !== 'object' || body === null) return
    const ack = body as Record<string, unknown>
    if (ack.event !== 'ack' || (typeof ack.ref !== 'number' && typeof ack.ref !== 'string')) return
    const key = `${parsed.id}#${String(ack.ref)}`
    const waiting = this.pending.get(key)
    if (!waiting) return
    this.pending.delete(key)
    this.options.clock.clearTimeout(waiting.timer)
    waiting.resolve(ack)
  }

  async send(
    deviceId: string,
    command: { cmd: string } & Record<string, unknown>,
    timeoutMs: number,
  ): Promise<CommandResult> {
    const { clock, prefix } = this.options
    const topics = ourTopics(prefix(), deviceId)
    const id = this.nextId++
    const key = `${deviceId}#${id}`
    const started = clock.now()
    const acked = new Promise<Record<string, unknown> | null>((resolve) => {
      const timer = clock.setTimeout(() => {
        this.pending.delete(key)
        resolve(null)
      }, timeoutMs)
      this.pending.set(key, { resolve, timer })
    })
    try {
      const payload = Buffer.from(JSON.stringify({ ...command, id }))
      await this.options.connections.publish(this.connectionFor(topics), topics.cmd, payload, {
        qos: 1,
      })
    } catch (error) {
      const waiting = this.pending.get(key)
      if (waiting) clock.clearTimeout(waiting.timer)
      this.pending.delete(key)
      throw error
    }
    const ack = await acked
    if (!ack) {
      throw new ApiError(
        'TIMEOUT',
        `${deviceId} did not acknowledge "${command.cmd}" within ${Math.round(timeoutMs / 1000)} s — is it online?`,
      )
    }
    const error = typeof ack.error === 'string' ? ack.error : null
    return { ok: ack.ok === true, error, ack, latencyMs: clock.now() - started }
  }

  close(): void {
    for (const waiting of this.pending.values()) {
      this.options.clock.clearTimeout(waiting.timer)
      waiting.resolve(null)
    }
    this.pending.clear()
  }

  private connectionFor(topics: ReturnType<typeof ourTopics>): string {
    const connected = this.options.connections.connectedIds()
    for (const topic of [topics.status, topics.telemetry, topics.info, topics.event]) {
      const source = this.options.sourceOf(topic)
      if (source && connected.includes(source)) return source
    }
    const first = connected[0]
    if (!first)
      throw new ApiError('UNAVAILABLE', 'No MQTT connection is up to send the command through.')
    return first
  }
}
