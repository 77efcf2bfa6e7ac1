/**
 * The Telegraf kit names the broker Telegraf can actually reach: the embedded broker's real
 * listener (a free port when 1883 was taken or `--broker-port 0`), this computer's LAN
 * address, and its TLS listener with the app's CA when TLS is on.
 */
import { connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { parse } from 'smol-toml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallOutcome } from '../../../src/shared/api'
import { silentLogger } from '../../../src/main/core/base/logger'
import { createCore, type Core } from '../../../src/main/core/create-core'
import { tempDir } from '../../helpers/temp-dir'

type Toml = Record<string, unknown>
type Kit = { files: { name: string; content: string }[] }

let dir: { path: string; cleanup: () => Promise<void> }
let core: Core

async function call<T>(method: string, params: unknown = {}): Promise<T> {
  const outcome: CallOutcome = await core.call(method, params)
  if (!outcome.ok) throw new Error(outcome.error.message)
  return outcome.result as T
}

async function telegrafInput(): Promise<{ input: Toml; files: Kit['files'] }> {
  const { files } = await call<Kit>('integrations.tigKit')
  const conf = parse(files.find((f) => f.name === 'telegraf.conf')?.content ?? '') as Toml
  const inputs = (conf.inputs as Toml).mqtt_consumer as Toml[]
  return { input: inputs[0] as Toml, files }
}

function serverOf(input: Toml): { scheme: string; host: string; port: number } {
  const url = new URL((input.servers as string[])[0] as string)
  return { scheme: url.protocol, host: url.hostname, port: Number(url.port) }
}

beforeAll(async () => {
  dir = await tempDir('tig-kit-broker-')
  core = await createCore({
    dataDir: dir.path,
    shell: 'web',
    version: 'test',
    logger: silentLogger,
    mqtt: { brokerPort: 0 },
  })
})
afterAll(async () => {
  await core.close()
  await dir.cleanup()
})

describe('Telegraf kit broker address', () => {
  it('uses the port the broker really listens on, at an address Telegraf can open', async () => {
    const real = core.mqtt.broker?.tcpPort
    expect(real).toBeGreaterThan(0)
    expect(core.settings.get().broker.port).not.toBe(real)
    const { input } = await telegrafInput()
    const server = serverOf(input)
    expect(server).toMatchObject({ scheme: 'tcp:', port: real })
    expect(server.host).not.toBe('0.0.0.0')
    await new Promise<void>((resolve, reject) => {
      const socket = netConnect(server.port, server.host, () => {
        socket.destroy()
        resolve()
      }).on('error', reject)
    })
  })

  it('names the TLS listener and ships the app’s CA when TLS is on', async () => {
    await call('settings.update', { broker: { tls: { enabled: true, port: 0 } } })
    await expect
      .poll(() => core.mqtt.broker?.status().listeners.some((l) => l.kind === 'tls'))
      .toBe(true)
    const tls = core.mqtt.broker?.status().listeners.find((l) => l.kind === 'tls')
    const { input, files } = await telegrafInput()
    const server = serverOf(input)
    expect(server).toMatchObject({ scheme: 'ssl:', port: tls?.port })
    const ca = files.find((f) => f.name === 'iotcc-ca.pem')?.content ?? ''
    expect(ca).toContain('BEGIN CERTIFICATE')
    expect(input.tls_ca).toMatch(/iotcc-ca\.pem$/)
    // Telegraf verifies the broker with that CA: so does this handshake.
    await new Promise<void>((resolve, reject) => {
      const socket = tlsConnect({ host: server.host, port: server.port, ca }, () => {
        socket.destroy()
        resolve()
      }).on('error', reject)
    })
  })
})
