import { describe, expect, it } from 'vitest'
import { baseConfig, FirmwareSim, TOPICS } from './harness'

/** Runs boot.py, then main.py for budgetMs of fake time, like a board after reset. */
async function boot(fw: FirmwareSim, budgetMs: number): Promise<string> {
  expect(fw.runFile('/boot.py', 10_000)).toBe('returned')
  return fw.runFile('/main.py', budgetMs)
}

describe('boot.py and main.py', () => {
  it('start the app: it connects and publishes, and the watchdog is armed and fed', async () => {
    const fw = await FirmwareSim.start()
    expect(await boot(fw, 60_000)).toBe('budget') // still running when the budget ran out
    expect(fw.elapsed()).toBeGreaterThanOrEqual(61_000) // incl. the 1 s safe-mode window
    expect(fw.publishes(TOPICS.status)[0]?.msg).toBe('online')
    expect(fw.publishes(TOPICS.telemetry).length).toBeGreaterThan(0)
    expect(fw.eval('machine.wdt')).toMatchObject({ timeout: 60_000, inits: 1 })
    expect(fw.eval<number>('machine.wdt["feeds"]')).toBeGreaterThan(50)
  })

  it('safe mode: BOOT held at reset skips the app and returns to the REPL', async () => {
    const fw = await FirmwareSim.start()
    fw.exec('machine.levels[0] = 0')
    expect(await boot(fw, 60_000)).toBe('returned')
    expect(fw.output.join('\n')).toContain('SAFE MODE')
    expect(fw.eval<unknown[]>('network.calls')).toEqual([])
    expect(fw.connects()).toEqual([])
    expect(fw.eval('machine.wdt["timeout"]')).toBeNull()
  })

  it('safe mode: pressing BOOT within the first second after reset counts too', async () => {
    const fw = await FirmwareSim.start()
    fw.exec('fake_time.at(600, lambda: machine.levels.__setitem__(0, 0))')
    expect(await boot(fw, 60_000)).toBe('returned')
    expect(fw.connects()).toEqual([])
  })

  it('a missing config.json is explained on the REPL and retried, then picked up', async () => {
    const fw = await FirmwareSim.start({ config: null })
    const good = JSON.stringify(JSON.stringify(baseConfig()))
    fw.exec(`fake_time.at(35_000, lambda: open('config.json', 'w').write(${good}))`)
    expect(await boot(fw, 80_000)).toBe('budget')
    const errors = fw.output.filter((l) => l.startsWith('CONFIG ERROR'))
    expect(errors.length).toBe(4) // at 1, 11, 21 and 31 s: every 10 s, no crash loop
    expect(errors[0]).toContain('config.json not found')
    expect(fw.eval<unknown[]>('machine.resets')).toEqual([])
    expect(fw.publishes(TOPICS.status)[0]?.msg).toBe('online')
  })

  it.each([
    ['config.json truncated', '{"device_id": "x", ', 'config.json is not valid JSON', undefined],
    ['config.json not an object', '[1, 2]', 'must hold a JSON object', undefined],
    [
      'no broker',
      JSON.stringify({ device_id: 'x', mqtt: { port: 1883 } }),
      'mqtt.host is missing',
      undefined,
    ],
    ['no secrets.py', undefined, 'secrets.py not found', null],
    ['no SSID', undefined, 'WIFI_SSID is missing', 'WIFI_PASSWORD = "wifi-pass-123"\n'],
    ['broken secrets.py', undefined, 'secrets.py has a syntax error', 'WIFI_SSID = "lab\n'],
  ])('reports a fatal config problem (%s) and waits', async (_case, config, message, secrets) => {
    const fw = await FirmwareSim.start({
      ...(config === undefined ? {} : { config }),
      ...(secrets === undefined ? {} : { secrets }),
    })
    expect(await boot(fw, 25_000)).toBe('budget')
    const out = fw.output.join('\n')
    expect(out).toContain(message)
    expect(out).not.toContain('wifi-pass-123')
    expect(out).not.toContain('s3cret')
    expect(fw.connects()).toEqual([])
    expect(fw.eval('machine.wdt["timeout"]')).toBeNull() // the REPL stays usable
  })

  it('bad values: warns on the REPL and as config_warning events, runs with defaults', async () => {
    const fw = await FirmwareSim.start({
      config: baseConfig({
        mqtt: { host: 'broker', qos: 2 },
        sensor: { type: 'BME280', pin: 4 },
        report: { delta_t: 'big' },
        future_option: true,
      }),
    })
    expect(await boot(fw, 30_000)).toBe('budget')
    const warnings = fw
      .events()
      .filter((e) => e.event === 'config_warning')
      .map((e) => e.message)
    expect(warnings).toEqual([
      expect.stringContaining('mqtt.qos'),
      expect.stringContaining('sensor.type'),
      expect.stringContaining('report.delta_t'),
    ])
    expect(fw.output.filter((l) => l.includes('config: ')).length).toBe(3)
    expect(fw.publishes(TOPICS.telemetry)[0]?.qos).toBe(1)
    expect(JSON.parse(fw.publishes(TOPICS.info)[0]?.msg ?? '{}')).toMatchObject({ sensor: 'DHT22' })
  })

  it('an exception escaping the loop is logged, saved to error.log, then the board resets', async () => {
    const fw = await FirmwareSim.start()
    fw.exec(
      [
        'def _boom(self):',
        '    raise RuntimeError("kaboom")',
        'def _arm():',
        '    from iotfw.app import App',
        '    App.loop_once = _boom',
        'fake_time.at(20_000, _arm)',
      ].join('\n'),
    )
    expect(await boot(fw, 120_000)).toBe('reset: machine.reset()')
    const out = fw.output.join('\n')
    expect(out).toMatch(/fatal: RuntimeError\('kaboom',?\); resetting in 5 s/)
    expect(out).toContain('Traceback')
    const [[at]] = fw.eval<Array<[number, string]>>('machine.resets') as [[number, string]]
    expect(at - 20_000).toBeGreaterThanOrEqual(5000)
    expect(at - 20_000).toBeLessThan(6500)
    expect(fw.readFile('/error.log')).toContain('RuntimeError: kaboom')
    expect(fw.publishes(TOPICS.status).at(-1)?.msg).toBe('offline')
  })

  it('a task that keeps failing stops the watchdog feeding, so the hardware resets the board', async () => {
    const fw = await FirmwareSim.start({ config: baseConfig({ wdt_s: 30 }) })
    fw.exec('def _boom(now):\n    raise ValueError("stuck")')
    fw.startApp()
    fw.runFor(20_000)
    fw.exec('[t for t in sim.app.sched.tasks if t.name == "led"][0].fn = _boom')
    expect(() => fw.runFor(60_000)).toThrow(/watchdog/)
    const [[at, why]] = fw.eval<Array<[number, string]>>('machine.resets') as [[number, string]]
    expect(why).toBe('wdt')
    // 5 failures in a row (1 s) make it unhealthy; 30 s later the watchdog bites.
    expect(at - 20_000).toBeGreaterThanOrEqual(30_000)
    expect(at - 20_000).toBeLessThanOrEqual(37_000)
    expect(fw.output.join('\n')).toContain('unhealthy (a task keeps failing)')
    expect(fw.eval<boolean>('sim.app.saved')).toBe(true)
  })

  it('Ctrl-C stops the app and stretches the watchdog so the REPL can be used', async () => {
    const fw = await FirmwareSim.start()
    fw.exec(
      ['def _ctrl_c():', '    raise KeyboardInterrupt', 'fake_time.at(30_000, _ctrl_c)'].join('\n'),
    )
    expect(await boot(fw, 120_000)).toBe('returned')
    expect(fw.output.join('\n')).toContain('stopped by Ctrl-C')
    expect(fw.eval('machine.wdt')).toMatchObject({ timeout: 3_600_000, inits: 2 })
  })
})
