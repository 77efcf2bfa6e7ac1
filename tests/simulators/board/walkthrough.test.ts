/**
 * The simulator walkthrough in docs/installer.md must get through the Installer's settings
 * form: a Wi-Fi password the form refuses (WPA needs 8–63 characters) dead-ends it.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EMPTY_FORM, settingsProblems } from '../../../src/renderer/src/installer/install-form'
import { SIM_WIFI } from './board-simulator'

const docs = readFileSync(resolve(__dirname, '../../../docs/installer.md'), 'utf8')

function formAccepts(ssid: string, password: string): Record<string, string | undefined> {
  const problems = settingsProblems({ ...EMPTY_FORM, name: 'Lab', ssid, wifiPassword: password })
  return { ssid: problems.ssid, wifiPassword: problems.wifiPassword }
}

describe('the documented simulator walkthrough', () => {
  it('the simulated board’s default Wi-Fi is one the settings form accepts', () => {
    expect(formAccepts(SIM_WIFI.ssid, SIM_WIFI.password)).toEqual({
      ssid: undefined,
      wifiPassword: undefined,
    })
  })

  it('every Wi-Fi password the docs give for the simulator is one the form accepts', () => {
    const passwords = [
      ...docs.matchAll(/--wifi-password\s+'?([^\s']+)'?/g),
      ...docs.matchAll(/IOTCC_WIFI_PASSWORD=([^\s']+)/g),
    ].map((m) => m[1] ?? '')
    expect(passwords.length).toBeGreaterThan(0)
    for (const password of passwords) {
      expect(formAccepts(SIM_WIFI.ssid, password).wifiPassword, password).toBeUndefined()
    }
  })

  it('the docs name the simulator’s default Wi-Fi', () => {
    expect(docs).toContain(SIM_WIFI.ssid)
    expect(docs).toContain(SIM_WIFI.password)
  })
})
