import { connect } from 'mqtt'
import { describeMqttError } from './describe-mqtt-error'
import { clientOptions, type MqttConnectionConfig } from './mqtt-connection'

/**
 * Connects once (clean session, no retries) and reports why it failed, in words.
 * Used by "Test connection" before a person saves an external broker.
 */
export function testConnection(
  config: MqttConnectionConfig,
  timeoutMs = 8000,
): Promise<{ ok: boolean; error: string | null; latencyMs: number | null }> {
  const started = performance.now()
  return new Promise((resolve) => {
    const client = connect(config.url, clientOptions(config, { connectTimeout: timeoutMs }))
    let settled = false
    const finish = (error: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      const latencyMs = Math.round(performance.now() - started)
      client.end(true)
      resolve(
        error === null
          ? { ok: true, error: null, latencyMs }
          : { ok: false, error: describeMqttError(error, config.url), latencyMs: null },
      )
    }
    const timer = setTimeout(() => finish(new Error('connect timeout')), timeoutMs)
    client.on('connect', () => finish(null))
    client.on('error', (error) => finish(error))
    client.on('close', () => finish(Object.assign(new Error('closed'), { code: 'ECONNRESET' })))
  })
}
