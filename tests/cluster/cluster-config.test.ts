/** `serve --role …` flags and what each role subscribes to, stores and refuses. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { createCore } from '../../src/main/core/create-core'
import { parseClusterFlags } from '../../src/main/core/cluster/cluster-config'
import {
  clusterConnections,
  ingestRoute,
  STORE_CONNECTION_ID,
  WATCH_CONNECTION_ID,
} from '../../src/main/core/cluster/cluster-topics'
import { parseServeOptions } from '../../src/main/server/serve-options'
import type { MqttMessage } from '../../src/shared/mqtt-message'

const URL = 'mqtt://127.0.0.1:1883'
const msg = (topic: string, source: string): MqttMessage => ({
  topic,
  payload: new Uint8Array(),
  qos: 1,
  retain: false,
  receivedAt: 0,
  source,
})

describe('serve --role', () => {
  it('defaults to all, today’s single-process behaviour, with the embedded broker', () => {
    const options = parseServeOptions([], {})
    expect(options).not.toBe('help')
    if (options === 'help') return
    expect(options.cluster.role).toBe('all')
    expect(options.mqtt.brokerEnabled).toBeUndefined()
  })

  it('ingest and view need the shared broker and run no embedded one', () => {
    expect(() => parseServeOptions(['--role', 'ingest'], {})).toThrow(/--mqtt-url/)
    const options = parseServeOptions(
      ['--role', 'view', '--mqtt-url', URL, '--instance-id', 'v1'],
      {},
    )
    if (options === 'help') throw new Error('help')
    expect(options.cluster).toMatchObject({ role: 'view', instanceId: 'v1', group: 'iotcc' })
    expect(options.mqtt.brokerEnabled).toBe(false)
    expect(() =>
      parseServeOptions(['--role', 'ingest', '--mqtt-url', URL, '--broker-port', '1884'], {}),
    ).toThrow(/contradict/)
  })

  it('refuses bad values with a message that says what is allowed', () => {
    expect(() => parseClusterFlags({ role: 'leader' }, {}, true)).toThrow(/all, ingest, view/)
    expect(() => parseClusterFlags({ role: 'ingest', 'share-group': 'a/b' }, {}, true)).toThrow(
      /one topic level/,
    )
    expect(() => parseClusterFlags({ role: 'ingest', 'instance-id': 'x#' }, {}, true)).toThrow(
      /--instance-id/,
    )
    expect(() => parseClusterFlags({ 'leader-keepalive': '0' }, {}, true)).toThrow(/1 to 3600/)
    for (const bad of ['0', '-1', 'soon', '601'])
      expect(() => parseClusterFlags({ 'loss-window': bad }, {}, true)).toThrow(/0.5 to 600/)
    expect(parseClusterFlags({ 'loss-window': '1.5' }, {}, true).lossWindowS).toBe(1.5)
    expect(parseClusterFlags({}, { IOTCC_LOSS_WINDOW_S: '9' }, true).lossWindowS).toBe(9)
    expect(parseClusterFlags({}, {}, true).lossWindowS).toBe(5)
  })

  it('takes its settings from the environment too; each process gets its own run id', () => {
    const env = { IOTCC_ROLE: 'ingest', IOTCC_SHARE_GROUP: 'farm', IOTCC_INSTANCE_ID: 'barn-1' }
    const one = parseClusterFlags({}, env, true)
    const two = parseClusterFlags({}, env, true)
    expect(one).toMatchObject({ role: 'ingest', group: 'farm', instanceId: 'barn-1' })
    expect(one.runId).toMatch(/^barn-1\./)
    expect(one.runId).not.toBe(two.runId)
  })
})

describe('connections and routes per role', () => {
  const config = (role: 'all' | 'ingest' | 'view') =>
    parseClusterFlags({ role, 'share-group': 'farm', 'instance-id': 'i1' }, {}, true)

  it('ingest: a shared-subscription store connection and a plain # watch connection', () => {
    const ingest = config('ingest')
    const connections = clusterConnections(URL, ingest)
    expect(connections.map((c) => c.id)).toEqual([STORE_CONNECTION_ID, WATCH_CONNECTION_ID])
    expect(connections[0]!.input.subscriptions).toEqual([{ topic: '$share/farm/#', qos: 1 }])
    expect(connections[1]!.input.subscriptions).toEqual([{ topic: '#', qos: 1 }])
    // Client ids carry the run id, so a restarted process never takes over its old session.
    expect(connections[1]!.input.clientId).toContain(ingest.runId)
  })

  it('view: only the watch connection; all: the one persistent # connection as before', () => {
    expect(clusterConnections(URL, config('view')).map((c) => c.id)).toEqual([WATCH_CONNECTION_ID])
    const [all] = clusterConnections(URL, config('all'))
    expect(all!.input).toMatchObject({ clean: false, subscriptions: [{ topic: '#', qos: 1 }] })
  })

  it('stores only the shared share, observes only the watch stream, never the cluster’s own topics', () => {
    const ingest = ingestRoute(config('ingest'), () => 'iot')
    expect(ingest(msg('iot/a/telemetry', STORE_CONNECTION_ID))).toEqual({
      store: true,
      observe: false,
    })
    expect(ingest(msg('iot/a/telemetry', WATCH_CONNECTION_ID))).toEqual({
      store: false,
      observe: true,
    })
    expect(ingest(msg('iot/cluster/leader', WATCH_CONNECTION_ID))).toEqual({
      store: false,
      observe: false,
    })
    const view = ingestRoute(config('view'), () => 'iot')
    expect(view(msg('iot/a/telemetry', WATCH_CONNECTION_ID)).store).toBe(false)
    expect(ingestRoute(config('all'), () => 'iot')(msg('iot/a/telemetry', 'cli'))).toEqual({
      store: true,
      observe: true,
    })
  })
})

describe('a view instance', () => {
  it('refuses to forget a device (that deletes shared history) and warns without the shared store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iotcc-view-'))
    // A broker nobody listens on: the view keeps retrying in the background, calls still work.
    const url = 'mqtt://127.0.0.1:9'
    const core = await createCore({
      dataDir: dir,
      shell: 'web',
      version: 'test',
      logger: silentLogger,
      mqtt: { brokerEnabled: false, externalUrl: url },
      cluster: parseClusterFlags({ role: 'view', 'instance-id': 'v1' }, {}, true),
    })
    try {
      const outcome = await core.call('devices.forget', { id: 'esp32-a1b2c3' })
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) expect(outcome.error.message).toMatch(/view instance.*ingest instance/)
      expect((await core.call('devices.list', {})).ok).toBe(true)
      // Without the shared history store it has nothing to show, and says so.
      const info = await core.call('app.info', {})
      if (!info.ok) throw new Error('app.info failed')
      expect((info.result as { warnings: string[] }).warnings.join('\n')).toMatch(
        /view instance reads history.*--history influx/,
      )
    } finally {
      await core.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
