/**
 * Bridges the fake umqtt.simple (tests/firmware/fakes/umqtt/simple.py) to a real MQTT broker:
 * each MQTTClient.connect() in the firmware opens a real mqtt.js connection with the same
 * client id, credentials, keepalive, clean-session flag and Last Will, and every publish and
 * subscribe goes over it in the firmware's order. kill() destroys the socket without a
 * DISCONNECT, so the broker fires the Will exactly as it would for a board losing power.
 * Python calls these functions synchronously; mqtt.js does the I/O when the test awaits.
 */
import { once } from 'node:events'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'

interface ConnectInfo {
  client_id: string
  server: string
  port: number
  user: string | null
  password: string | null
  keepalive: number
  clean: boolean
  will: { topic: string; msg: string; retain: boolean; qos: 0 | 1 | 2 } | null
}

type Op = (c: MqttClient) => void

export class MqttBridge {
  private client: MqttClient | null = null
  private up = false
  private pending: Op[] = []
  private readonly inbox: string[] = []
  private readonly upWaiters: Array<() => void> = []
  private readonly inboxWaiters: Array<() => void> = []
  private inFlight: Array<Promise<void>> = []
  /** Connections opened so far (one per firmware connect). */
  connections = 0

  /** The functions the fake calls, registered as the JS module `mqttbridge`. */
  readonly module = {
    connect: (json: string): void => this.connect(JSON.parse(json) as ConnectInfo),
    publish: (topic: string, msg: string, retain: boolean, qos: number): void =>
      this.run((c) =>
        this.track((done) => c.publish(topic, msg, { retain, qos: qos as 0 | 1 }, done)),
      ),
    subscribe: (topic: string, qos: number): void =>
      this.run((c) => this.track((done) => c.subscribe(topic, { qos: qos as 0 | 1 }, done))),
    poll: (): string | null => this.inbox.shift() ?? null,
    alive: (): boolean => this.client !== null,
    kill: (): void => this.kill(),
    disconnect: (): void => {
      this.client?.end()
      this.client = null
    },
  }

  private connect(o: ConnectInfo): void {
    this.kill()
    const opts: IClientOptions = {
      host: o.server,
      port: o.port,
      protocol: 'mqtt',
      protocolVersion: 4,
      clientId: o.client_id,
      keepalive: o.keepalive,
      clean: o.clean,
      reconnectPeriod: 0, // the firmware reconnects, not mqtt.js
      ...(o.user === null ? {} : { username: o.user, password: o.password ?? '' }),
      ...(o.will === null
        ? {}
        : {
            will: {
              topic: o.will.topic,
              payload: Buffer.from(o.will.msg),
              retain: o.will.retain,
              qos: o.will.qos,
            },
          }),
    }
    const c = mqtt.connect(opts)
    this.client = c
    this.up = false
    this.connections++
    c.on('connect', () => {
      this.up = true
      for (const op of this.pending.splice(0)) op(c)
      for (const w of this.upWaiters.splice(0)) w()
    })
    c.on('message', (topic, payload) => {
      this.inbox.push(JSON.stringify([topic, payload.toString('base64')]))
      for (const w of this.inboxWaiters.splice(0)) w()
    })
    c.on('close', () => {
      if (this.client === c) this.client = null
    })
    c.on('error', () => undefined) // surfaces as close → alive() false → the firmware reconnects
  }

  private run(op: Op): void {
    if (this.client === null) return
    if (this.up) op(this.client)
    else this.pending.push(op)
  }

  private kill(): void {
    const c = this.client
    this.client = null
    this.up = false
    this.pending = []
    c?.stream.destroy()
  }

  /** Resolves once the current connection is established on the broker. */
  whenUp(): Promise<void> {
    if (this.up) return Promise.resolve()
    return new Promise((resolve) => this.upWaiters.push(resolve))
  }

  /** Resolves once every publish and subscribe sent so far has been acknowledged by the broker. */
  async settled(): Promise<void> {
    await this.whenUp()
    await Promise.all(this.inFlight.splice(0))
  }

  /** Resolves once a message for the firmware (e.g. a command) is waiting for check_msg(). */
  incoming(): Promise<void> {
    if (this.inbox.length > 0) return Promise.resolve()
    return new Promise((resolve) => this.inboxWaiters.push(resolve))
  }

  private track(send: (done: () => void) => void): void {
    this.inFlight.push(new Promise<void>((resolve) => send(() => resolve())))
  }

  close(): void {
    this.client?.end(true)
    this.client = null
  }
}

/** An aedes broker on 127.0.0.1 (random port). */
export async function startBroker(): Promise<{ port: number; close: () => Promise<void> }> {
  const broker = await Aedes.createBroker()
  const server: Server = createServer(broker.handle)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface Received {
  topic: string
  payload: string
  retain: boolean
}

/** A real MQTT client recording what reaches it; waits are event-driven, never sleeps. */
export class Observer {
  readonly messages: Received[] = []
  private waiters: Array<() => void> = []

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString(), retain: packet.retain })
      for (const w of this.waiters.splice(0)) w()
    })
  }

  static async connect(port: number, filter: string): Promise<Observer> {
    const client = await mqtt.connectAsync({ host: '127.0.0.1', port, reconnectPeriod: 0 })
    const obs = new Observer(client)
    await client.subscribeAsync(filter, { qos: 1 })
    return obs
  }

  /** The first message (from index `from`) matching pred; rejects after timeoutMs. */
  async next(pred: (m: Received) => boolean, from = 0, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.messages.slice(from).find(pred)
      if (hit) return hit
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('no matching MQTT message arrived')
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync()
  }
}
