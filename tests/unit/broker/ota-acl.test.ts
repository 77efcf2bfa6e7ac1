import { describe, expect, it } from 'vitest'
import { mayPublish, maySubscribe } from '../../../src/main/core/broker/broker-acl'
import { isAppOnlyOtaTopic } from '../../../src/main/core/broker/ota-acl'

const device = { kind: 'device', deviceId: 'b1' } as const

describe('OTA topics on the built-in broker', () => {
  it('a device login may not publish a manifest, chunk or cancel, even to itself', () => {
    for (const kind of ['manifest', 'chunk', 'cancel']) {
      expect(mayPublish(device, `iot/b1/ota/${kind}`, 'iot')).toBe(false)
      expect(mayPublish(device, `iot/b2/ota/${kind}`, 'iot')).toBe(false)
    }
  })

  it('a device login still publishes its status and events, and subscribes to ota/+', () => {
    expect(mayPublish(device, 'iot/b1/ota/status', 'iot')).toBe(true)
    expect(mayPublish(device, 'iot/b1/event', 'iot')).toBe(true)
    expect(maySubscribe(device, 'iot/b1/ota/+', 'iot')).toBe(true)
  })

  it('the app publishes to every board update topic', () => {
    expect(mayPublish({ kind: 'app' }, 'iot/b1/ota/manifest', 'iot')).toBe(true)
    expect(mayPublish({ kind: 'app' }, 'iot/b1/ota/chunk', 'iot')).toBe(true)
  })

  it('matches only <prefix>/<id>/ota/<app-only kind>', () => {
    expect(isAppOnlyOtaTopic('home/iot/b1/ota/chunk', 'home/iot')).toBe(true)
    expect(isAppOnlyOtaTopic('iot/b1/ota/chunk/x', 'iot')).toBe(false)
    expect(isAppOnlyOtaTopic('iot/b1/ota/status', 'iot')).toBe(false)
    expect(isAppOnlyOtaTopic('other/b1/ota/chunk', 'iot')).toBe(false)
  })
})
