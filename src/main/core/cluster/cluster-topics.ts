import {
  DEFAULT_SESSION_EXPIRY_S,
  type ConnectionInput,
} from '../../../shared/contract/connections'
import type { MqttMessage } from '../../../shared/mqtt-message'
import { appSubscriptions, clusterRoot } from '../../../shared/topics'
import type { IngestRoute } from '../ingest/ingest-options'
import type { ClusterConfig } from './cluster-config'

/**
 * Topics and connections of a deployment with several instances on one broker (cluster).
 * Everything the instances tell each other lives under `<prefix>/cluster/`: no instance talks
 * to another directly, so the broker (or broker cluster) is the only thing they share.
 */

/** Retained: the current alert leader's claim; a zero-byte message (its Will) = no leader. */
export function leaderTopic(prefix: string): string {
  return `${clusterRoot(prefix)}leader`
}

/** Retained per rule × device: the last alert transition the leader delivered (hand-over ledger). */
export function ledgerTopic(prefix: string, ruleId: string, deviceId: string): string {
  return `${clusterRoot(prefix)}alerts/${ruleId}/${deviceId}`
}

/**
 * Not retained, QoS 1: what one ingest instance stored durably, as message fingerprints (the
 * instances of its group count what nobody acknowledges as lost; loss-counter.ts). Per
 * group: another group on the same broker stores the same messages in its own store, and
 * its acks must not hide this group's loss.
 */
export function storedTopic(prefix: string, group: string, instanceId: string): string {
  return `${storedPrefix(prefix, group)}${instanceId}`
}

export function storedPrefix(prefix: string, group: string): string {
  return `${clusterRoot(prefix)}stored/${group}/`
}

export function clusterFilter(prefix: string): string {
  return `${clusterRoot(prefix)}#`
}

/**
 * A shared subscription (MQTT 5 §4.8.2; Mosquitto also takes it over MQTT 3.1.1): the broker
 * hands each matching message to one member of the group, so N ingest instances store N
 * disjoint shares. Retained messages are never sent to a shared subscription (§4.8.2).
 */
export function sharedFilter(group: string, filter: string): string {
  return `$share/${group}/${filter}`
}

/** Connection ids as MqttMessage.source says them. */
export const WATCH_CONNECTION_ID = 'cluster-watch'
export const STORE_CONNECTION_ID = 'cluster-store'

/**
 * The app's connections to the external broker for a role:
 * - `all`: one persistent `#` connection, as before roles existed;
 * - `ingest`: a *store* connection on the shared subscription, plus a *watch* connection on
 *   plain `#`: every retained birth/LWT/info message and every reading, for the device
 *   registry, live values and alert evaluation (never stored);
 * - `view`: the watch connection only.
 */
export function clusterConnections(
  url: string,
  cluster: ClusterConfig,
): { id: string; input: ConnectionInput }[] {
  const all = appSubscriptions().map((topic) => ({ topic, qos: 1 as const }))
  const base = {
    url,
    protocolVersion: 4 as const,
    sessionExpiryS: DEFAULT_SESSION_EXPIRY_S,
    rejectUnauthorized: true,
    enabled: true,
  }
  if (cluster.role === 'all') {
    return [
      { id: 'cli', input: { ...base, name: 'Command line', clean: false, subscriptions: all } },
    ]
  }
  const watch = {
    id: WATCH_CONNECTION_ID,
    input: {
      ...base,
      name: 'Cluster: watch (registry, live values)',
      // A fresh session each time: the retained messages on subscribe are the registry.
      clean: true,
      clientId: `iotcc-${cluster.runId}-watch`,
      subscriptions: all,
    },
  }
  if (cluster.role === 'view') return [watch]
  const store = {
    id: STORE_CONNECTION_ID,
    input: {
      ...base,
      name: `Cluster: store (shared group ${cluster.group})`,
      // A clean session on purpose: Mosquitto keeps handing a persistent member its share of
      // the group's messages while it is away (queued for it, not for the others), so one
      // dead instance would take half the readings with it. With a clean session the broker
      // drops the member when its connection dies and the others get everything from then
      // on; what is lost is what was in flight to it (README "Scaling out").
      clean: true,
      clientId: `iotcc-${cluster.group}-${cluster.runId}`,
      subscriptions: appSubscriptions().map((topic) => ({
        topic: sharedFilter(cluster.group, topic),
        qos: 1 as const,
      })),
    },
  }
  return [store, watch]
}

const BOTH: IngestRoute = { store: true, observe: true }
const STORE_ONLY: IngestRoute = { store: true, observe: false }
const OBSERVE_ONLY: IngestRoute = { store: false, observe: true }
const NEITHER: IngestRoute = { store: false, observe: false }

/**
 * The ingest route for a role: in a cluster, readings are stored only from the shared
 * subscription (each message once across the group), everything else comes from the watch
 * connection (each instance sees every message); the instances' own `<prefix>/cluster/`
 * traffic is never data.
 */
export function ingestRoute(
  cluster: ClusterConfig,
  prefix: () => string,
): (message: MqttMessage) => IngestRoute {
  if (cluster.role === 'all') return () => BOTH
  return (message) => {
    if (message.topic.startsWith(`${prefix()}/cluster/`)) return NEITHER
    if (message.source === STORE_CONNECTION_ID)
      return cluster.role === 'ingest' ? STORE_ONLY : NEITHER
    if (message.source === WATCH_CONNECTION_ID) return OBSERVE_ONLY
    // A connection added in the UI: shown, not stored (it is not part of the group's split).
    return OBSERVE_ONLY
  }
}
