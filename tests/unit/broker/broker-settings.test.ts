import { describe, expect, it } from 'vitest'
import { BrokerSettings, SettingsPatch } from '../../../src/shared/contract/settings'

describe('broker settings', () => {
  it('cap packets at 256 KiB unless told otherwise', () => {
    expect(BrokerSettings.parse({}).maxPacketBytes).toBe(256 * 1024)
  })

  it('refuse a packet limit below 16 KiB or beyond what MQTT can encode', () => {
    expect(() => BrokerSettings.parse({ maxPacketBytes: 1024 })).toThrow()
    expect(() => BrokerSettings.parse({ maxPacketBytes: 268_435_456 })).toThrow()
    expect(BrokerSettings.parse({ maxPacketBytes: 1_048_576 }).maxPacketBytes).toBe(1_048_576)
  })

  it('patch only the fields given: changing the port keeps the rest', () => {
    expect(SettingsPatch.parse({ broker: { port: 1884 } })).toEqual({ broker: { port: 1884 } })
    expect(SettingsPatch.parse({ broker: { maxPacketBytes: 65_536 } })).toEqual({
      broker: { maxPacketBytes: 65_536 },
    })
  })
})
