import { describe, expect, it } from 'vitest'
import { parseServeOptions } from '../../src/main/server/serve-options'

describe('web mode flags', () => {
  it('binds loopback on 5180 with a random token by default', () => {
    const a = parseServeOptions([], { HOME: '/home/u' })
    const b = parseServeOptions([], { HOME: '/home/u' })
    if (a === 'help' || b === 'help') throw new Error('unexpected help')
    expect(a.host).toBe('127.0.0.1')
    expect(a.port).toBe(5180)
    expect(a.token).toMatch(/^[\w-]{32}$/)
    expect(a.token).not.toBe(b.token)
  })

  it('takes the token from IOTCC_TOKEN and flags over defaults', () => {
    const options = parseServeOptions(['--port', '0', '--host', '0.0.0.0', '--data-dir', '/d'], {
      IOTCC_TOKEN: 'from-env-token',
    })
    expect(options).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/d',
      token: 'from-env-token',
    })
  })

  it('rejects bad ports, short tokens and unknown flags with readable errors', () => {
    expect(() => parseServeOptions(['--port', '70000'], {})).toThrow(
      /--port must be a whole number/,
    )
    expect(() => parseServeOptions(['--port', 'abc'], {})).toThrow(/--port/)
    expect(() => parseServeOptions(['--token', 'short'], {})).toThrow(/at least 8/)
    expect(() => parseServeOptions(['--bogus'], {})).toThrow(/bogus/)
  })
})

describe('external broker flags', () => {
  it('takes the broker URL from IOTCC_MQTT_URL when no flag is given, the flag winning', () => {
    const fromEnv = parseServeOptions([], { IOTCC_MQTT_URL: 'mqtt://u:secret@10.0.0.2:1883' })
    const fromFlag = parseServeOptions(['--mqtt-url', 'mqtts://broker:8883'], {
      IOTCC_MQTT_URL: 'mqtt://u:secret@10.0.0.2:1883',
    })
    if (fromEnv === 'help' || fromFlag === 'help') throw new Error('unexpected help')
    expect(fromEnv.mqtt.externalUrl).toBe('mqtt://u:secret@10.0.0.2:1883')
    expect(fromFlag.mqtt.externalUrl).toBe('mqtts://broker:8883')
  })

  it('never repeats a password when it refuses a malformed URL', () => {
    expect(() => parseServeOptions(['--mqtt-url', 'http://me:hunter2@host'], {})).toThrow(
      /got "http:\/\/\*\*\*@host"/,
    )
    expect(() => parseServeOptions(['--mqtt-url', 'http://me:hunter2@host'], {})).not.toThrow(
      /hunter2/,
    )
  })
})
