import type { Socket } from 'node:net'
import type { AedesOptions, AuthenticateError, Client } from 'aedes'
import type { Logger } from '../base/logger'
import { isLoopbackAddress, mayPublish, maySubscribe } from './broker-acl'
import { clientIdRefusal, emptyClientIdRefusal } from './client-id-policy'
import type { CredentialStore, Identity } from './credential-store'
import { PacketSizeGate } from './packet-size-gate'
import { type RefusalLog, refusedLogin } from './refusal-log'

export interface BrokerAuthOptions {
  credentials: CredentialStore
  /** Topic prefix of our devices (settings.devices.prefix), read on every check. */
  prefix: () => string
  /** Whether clients on 127.0.0.1/::1 may connect without a username. */
  allowAnonymousLoopback: boolean
  logger: Logger
  /** Where refused publishes/subscriptions are counted. */
  refusals: RefusalLog
}

/** The aedes hooks that decide who connects and what each client may publish and receive. */
export type AuthHooks = Required<
  Pick<
    AedesOptions,
    'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'
  >
>

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes. */
const BAD_CREDENTIALS = 4
const NOT_AUTHORIZED = 5

/**
 * The built-in broker's gatekeeper: every client authenticated (anonymous only from loopback,
 * when allowed), one client id per login, devices confined to their own topics, and every
 * refusal logged and counted. Knows nothing of listeners or statistics.
 */
export class BrokerAuth {
  private readonly identities = new WeakMap<Client, Identity>()
  /** The client id as sent: aedes replaces an empty one with `aedes_<uuid>` before auth. */
  private readonly wireClientIds = new WeakMap<Client, string>()

  constructor(private readonly options: BrokerAuthOptions) {}

  /** Who a connected client authenticated as. */
  identityOf(client: Client): Identity | undefined {
    return this.identities.get(client)
  }

  /** The hooks to create aedes with; `onForward` counts each message delivered to a client. */
  hooks(onForward: () => void): AuthHooks {
    const { logger, prefix, refusals } = this.options
    return {
      preConnect: (client, packet, done) => {
        this.wireClientIds.set(client, packet.clientId)
        done(null, true)
      },
      authenticate: (client, username, password, done) =>
        void this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => done(this.publishRefusal(client, packet.topic)),
      authorizeSubscribe: (client, sub, done) => {
        const identity = this.identities.get(client)
        const allowed = identity !== undefined && maySubscribe(identity, sub.topic, prefix())
        if (!allowed) {
          logger.warn('subscription refused', { clientId: client.id, topic: sub.topic })
          refusals.record(refusedLogin(identity), client.id, 'subscribe', sub.topic)
        }
        // A null subscription is answered with SUBACK 0x80 (failure), §3.9.3.
        done(null, allowed ? sub : null)
      },
      // Also what a restored session delivers (queued QoS 1/2 messages): re-checked here, as
      // its subscriptions are by authorizeSubscribe, in case the ACL changed since (prefix).
      authorizeForward: (client, packet) => {
        const identity = this.identities.get(client)
        if (identity?.kind === 'device' && !maySubscribe(identity, packet.topic, prefix()))
          return null
        onForward()
        return packet
      },
    }
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): Promise<void> {
    const { allowAnonymousLoopback, credentials, logger } = this.options
    const address = remoteAddress(client)
    const wireClientId = this.wireClientIds.get(client) ?? client.id
    const emptyId = emptyClientIdRefusal(wireClientId, client.clean, client.version)
    if (emptyId) {
      logger.info('client id refused', { reason: emptyId.reason, username, address })
      return done(refusal(emptyId.returnCode, emptyId.reason), false)
    }
    const admit = (identity: Identity): void => {
      const taken = clientIdRefusal(identity, wireClientId, (id) => credentials.clientIdOwner(id))
      if (taken) {
        logger.warn('client id refused', {
          clientId: wireClientId,
          username,
          address,
          reason: taken.reason,
        })
        return done(refusal(taken.returnCode, taken.reason), false)
      }
      this.identities.set(client, identity)
      if (client.conn instanceof PacketSizeGate) client.conn.admit()
      done(null, true)
    }
    if (!username) {
      if (allowAnonymousLoopback && isLoopbackAddress(address)) return admit({ kind: 'anonymous' })
      logger.info('anonymous client refused', { clientId: client.id, address })
      return done(
        refusal(NOT_AUTHORIZED, 'Not authorized: this broker needs a username and password'),
        false,
      )
    }
    const identity = await credentials
      .verify(username, password ?? Buffer.alloc(0))
      .catch(() => null)
    if (!identity) {
      logger.info('bad username or password', { clientId: client.id, username, address })
      return done(refusal(BAD_CREDENTIALS, 'Bad username or password'), false)
    }
    admit(identity)
  }

  /** null = allowed; an Error makes aedes drop the client (MQTT 3.1.1 has no PUBLISH refusal code). */
  private publishRefusal(client: Client | null, topic: string): Error | null {
    if (!client) return topic.startsWith('$SYS/') ? new Error('$SYS topics are reserved') : null
    const identity = this.identities.get(client)
    // aedes' own default: nobody publishes into the broker's $SYS tree (§4.7.2).
    const reserved = topic.startsWith('$SYS/')
    if (!reserved && identity && mayPublish(identity, topic, this.options.prefix())) return null
    this.options.logger.warn('publish refused', { clientId: client.id, topic })
    this.options.refusals.record(refusedLogin(identity), client.id, 'publish', topic)
    return new Error(`not authorized to publish to ${topic}`)
  }
}

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError
}

/** The peer's address, over TCP/TLS (the socket) or WebSocket (the upgrade request). */
export function remoteAddress(client: Client): string | undefined {
  return client.req?.socket.remoteAddress ?? (client.conn as Socket).remoteAddress
}
