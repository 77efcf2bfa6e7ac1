import { describe, expect, it } from 'vitest'
import { diagnose, WifiFailureWatch } from '../../../src/main/core/installer/diagnose'

const at = { brokerHost: '192.168.1.50', brokerPort: 1883 }
/** Lines exactly as firmware/lib/iotfw/log.py prints them. */
const boot = [
  'MPY: soft reboot',
  '[I 1000] app esp32-a1b2c3 started',
  '[I 1000] wifi connecting (attempt 1)',
]

describe('diagnose: why a board never came online, from what it printed', () => {
  it('wrong Wi-Fi password (status 202), quoting the board', () => {
    const d = diagnose([...boot, '[W 2500] wifi attempt 1 failed (status 202)'].join('\r\n'), at)
    expect(d.message).toBe(
      'The board could not join Wi-Fi: the board printed “wifi attempt 1 failed (status 202)”, which means the Wi-Fi password is wrong.',
    )
    expect(d.hint).toMatch(/password/)
  })

  it('network not found (201) points at 2.4 GHz', () => {
    expect(
      diagnose([...boot, '[W 2500] wifi attempt 2 failed (status 201)'].join('\n'), at).hint,
    ).toMatch(/2\.4 GHz/)
  })

  it('broker refused (ECONNREFUSED) names the broker and the firewall', () => {
    const d = diagnose(
      [...boot, '[I 2600] wifi up, ip 192.168.1.77', '[W 2700] mqtt down: OSError(111,)'].join(
        '\n',
      ),
      at,
    )
    expect(d.message).toMatch(/not the broker at 192\.168\.1\.50:1883.*ECONNREFUSED/)
    expect(d.hint).toMatch(/firewall/)
  })

  it('a login refused by the broker (MQTTException 5)', () => {
    const d = diagnose(
      [...boot, '[I 2600] wifi up, ip 1.2.3.4', '[W 2700] mqtt down: MQTTException(5,)'].join('\n'),
      at,
    )
    expect(d.message).toMatch(/refused the username or password/)
  })

  it('config errors, safe mode and crashes', () => {
    expect(diagnose('CONFIG ERROR: config.json: mqtt.host is missing', at).message).toMatch(
      /rejected its settings.*mqtt\.host/,
    )
    expect(diagnose('SAFE MODE: BOOT held, the app will not start.', at).hint).toMatch(/BOOT/)
    expect(diagnose('[E 5] fatal: OSError(12,); resetting in 5 s', at).message).toMatch(
      /stopped with an error/,
    )
  })

  it('silence, and an online board the app did not hear', () => {
    expect(diagnose('', at).message).toBe('The board printed nothing after restarting.')
    expect(
      diagnose(
        [...boot, '[I 9] wifi up, ip 1.2.3.4', '[I 9] mqtt connected to 192.168.1.50:1883'].join(
          '\n',
        ),
        at,
      ).hint,
    ).toMatch(/Connections/)
  })
})

describe('WifiFailureWatch: when waiting longer for the board cannot help', () => {
  const feed = (lines: string[]): string | null => {
    const watch = new WifiFailureWatch()
    let found: string | null = null
    for (const line of lines) found = watch.feed(line) ?? found
    return found
  }

  it('a wrong password (202) reported on two attempts in a row is final', () => {
    expect(
      feed([
        ...boot,
        '[W 2500] wifi attempt 1 failed (status 202)',
        '[I 4500] wifi connecting (attempt 2)',
        '[W 6000] wifi attempt 2 failed (status 202)',
      ]),
    ).toBe('WIFI_WRONG_PASSWORD')
  })

  it('so is a network that is not there (201)', () => {
    expect(feed(['wifi attempt 1 failed (status 201)', 'wifi attempt 2 failed (status 201)'])).toBe(
      'WIFI_NOT_FOUND',
    )
  })

  it('one failure is not: real boards miss an access point now and then', () => {
    expect(feed([...boot, '[W 2500] wifi attempt 1 failed (status 202)'])).toBeNull()
    expect(
      feed(['wifi attempt 1 failed (status 201)', 'wifi attempt 2 failed (status 202)']),
    ).toBeNull()
  })

  it('statuses that may pass (beacon timeout, handshake timeout) and a join reset it', () => {
    expect(
      feed(['wifi attempt 1 failed (status 204)', 'wifi attempt 2 failed (status 204)']),
    ).toBeNull()
    expect(
      feed([
        'wifi attempt 1 failed (status 202)',
        'wifi up, ip 192.168.1.77',
        'wifi dropped',
        'wifi attempt 1 failed (status 202)',
      ]),
    ).toBeNull()
  })
})
