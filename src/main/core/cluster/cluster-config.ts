import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

/**
 * What one `npm run serve` instance does in a deployment of several:
 * - `all`: everything in one process (default; today's behaviour);
 * - `ingest`: stores its share of the readings (shared subscription) and takes part in the
 *   alert-leader election; the web UI is optional;
 * - `view`: the web UI only: history from the shared store, live values and the device
 *   registry straight from the broker; never writes readings, never evaluates alerts.
 */
export type ClusterRole = 'all' | 'ingest' | 'view'

export const CLUSTER_ROLES: readonly ClusterRole[] = ['all', 'ingest', 'view']

export interface ClusterConfig {
  role: ClusterRole
  /** Shared-subscription group: ingest instances with the same group split the messages. */
  group: string
  /** Name of this instance (logs, client ids, leader claims). */
  instanceId: string
  /** Unique per process: tells a restarted instance from its previous run in leader claims. */
  runId: string
  /** Keepalive of the leader's connection (s): a hung leader is replaced after 1.5 × this. */
  keepaliveS: number
  /**
   * Loss count (ingest): a message the alert leader saw that no instance acknowledged as
   * stored within this many seconds counts as lost.
   */
  lossWindowS: number
}

export const DEFAULT_GROUP = 'iotcc'

/** One MQTT topic level without wildcards or separators (MQTT 3.1.1 §4.7.1). */
const LEVEL = /^[A-Za-z0-9_.-]{1,64}$/

export interface ClusterFlags {
  role?: string
  'share-group'?: string
  'instance-id'?: string
  'leader-keepalive'?: string
  'loss-window'?: string
}

/**
 * `--role`, `--share-group`, `--instance-id` (or $IOTCC_ROLE, $IOTCC_SHARE_GROUP,
 * $IOTCC_INSTANCE_ID). Throws an Error with a readable message on bad input. `hasExternal`
 * says whether an external broker was given: ingest and view instances only make sense
 * on a broker they share.
 */
export function parseClusterFlags(
  values: ClusterFlags,
  env: NodeJS.ProcessEnv,
  hasExternal: boolean,
): ClusterConfig {
  const role = (values.role ?? env.IOTCC_ROLE ?? 'all') as ClusterRole
  if (!CLUSTER_ROLES.includes(role)) {
    throw new Error(`--role must be one of ${CLUSTER_ROLES.join(', ')} (got "${String(role)}").`)
  }
  const group = values['share-group'] ?? env.IOTCC_SHARE_GROUP ?? DEFAULT_GROUP
  if (!LEVEL.test(group)) {
    throw new Error(
      `--share-group must be letters, digits, '.', '_' or '-' (one topic level), got "${group}".`,
    )
  }
  const instanceId =
    values['instance-id'] ?? env.IOTCC_INSTANCE_ID ?? `${safeLevel(hostname())}-${process.pid}`
  if (!LEVEL.test(instanceId)) {
    throw new Error(`--instance-id must be letters, digits, '.', '_' or '-', got "${instanceId}".`)
  }
  if (role !== 'all' && !hasExternal) {
    throw new Error(
      `--role ${role} needs the shared broker: pass --mqtt-url (or set IOTCC_MQTT_URL).`,
    )
  }
  const keepaliveS = Number(values['leader-keepalive'] ?? env.IOTCC_LEADER_KEEPALIVE_S ?? 30)
  if (!Number.isInteger(keepaliveS) || keepaliveS < 1 || keepaliveS > 3600) {
    throw new Error('--leader-keepalive must be a whole number of seconds from 1 to 3600.')
  }
  const lossWindowS = Number(values['loss-window'] ?? env.IOTCC_LOSS_WINDOW_S ?? 5)
  if (!Number.isFinite(lossWindowS) || lossWindowS < 0.5 || lossWindowS > 600) {
    throw new Error('--loss-window must be a number of seconds from 0.5 to 600.')
  }
  const runId = `${instanceId}.${randomBytes(4).toString('hex')}`
  return { role, group, instanceId, runId, keepaliveS, lossWindowS }
}

/** The single-process default (desktop app, tests). */
export function standaloneCluster(): ClusterConfig {
  return {
    role: 'all',
    group: DEFAULT_GROUP,
    instanceId: 'standalone',
    runId: 'standalone',
    keepaliveS: 30,
    lossWindowS: 5,
  }
}

function safeLevel(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40) || 'host'
}
