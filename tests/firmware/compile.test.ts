import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { FIRMWARE_DIR, FirmwareSim, firmwareSources } from './harness'

/** Modules every official ESP32 MicroPython build (1.22+) ships; nothing else may be imported. */
const ESP32_BUILD = new Set([
  'binascii',
  'dht',
  'gc',
  'hashlib',
  'io',
  'json',
  'machine',
  'micropython',
  'network',
  'ntptime',
  'os',
  'random',
  'ssl',
  'sys',
  'time',
  'umqtt.simple',
  'umqtt.robust',
])

function importsOf(source: string): string[] {
  const found: string[] = []
  for (const line of source.split('\n')) {
    const m = /^\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.,\s]+?)\s*(?:#.*)?$)/.exec(line)
    if (m?.[1]) found.push(m[1])
    else if (m?.[2]) found.push(...m[2].split(',').map((s) => s.trim().split(/\s+as\s+/)[0] ?? ''))
  }
  return found
}

describe('firmware sources', () => {
  let fw: FirmwareSim
  const files = firmwareSources()

  beforeAll(async () => {
    fw = await FirmwareSim.start()
  })

  function compileErrors(paths: string[]): string[] {
    return fw.eval<string[]>(
      `[e for e in [__import__('sim').compile_error(p) for p in ${JSON.stringify(paths)}] if e]`,
    )
  }

  it('include boot.py, main.py and the app package', () => {
    expect(files).toContain('boot.py')
    expect(files).toContain('main.py')
    expect(files).toContain('lib/iotfw/app.py')
  })

  it('every .py file compiles with the MicroPython compiler', () => {
    expect(compileErrors(files.map((f) => `/${f}`))).toEqual([])
  })

  it('the compile check does report a broken file, with its line', () => {
    fw.writeFile('/broken.py', 'x = 1\ndef f(:\n    pass\n')
    const [err] = compileErrors(['/broken.py'])
    expect(err).toContain('/broken.py')
    expect(err).toContain('line 2')
    expect(err).toContain('SyntaxError')
  })

  it('imports only modules of the official ESP32 build, or its own', () => {
    const own = new Set(
      files
        .filter((f) => f.startsWith('lib/'))
        .map((f) =>
          f
            .slice(4, -3)
            .replace(/\/__init__$/, '')
            .replaceAll('/', '.'),
        ),
    )
    own.add('secrets') // the board's secrets.py (creds.py)
    const foreign: string[] = []
    for (const f of files) {
      for (const mod of importsOf(readFileSync(join(FIRMWARE_DIR, f), 'utf8'))) {
        if (!ESP32_BUILD.has(mod) && !own.has(mod)) foreign.push(`${f}: ${mod}`)
      }
    }
    expect(foreign).toEqual([])
  })

  it('never blocks in time.sleep(); only the loop idle, config retry and boot window sleep briefly', () => {
    const sleepers: string[] = []
    for (const f of files) {
      // Code only: comments may quote the anti-pattern they avoid.
      const src = readFileSync(join(FIRMWARE_DIR, f), 'utf8').replace(/^\s*#.*$/gm, '')
      expect(src, f).not.toMatch(/time\.sleep\(/)
      expect(src, f).not.toMatch(/while\s+not\s+[\w.]+\.isconnected\(\)/)
      if (/sleep_ms\(/.test(src)) sleepers.push(f)
    }
    expect(sleepers).toEqual(['lib/iotfw/app.py', 'lib/iotfw/safe_mode.py', 'lib/iotfw/startup.py'])
  })

  it('ships config.example.json and secrets.example.py that the firmware accepts as they are', async () => {
    const example = await FirmwareSim.start({
      config: readFileSync(join(FIRMWARE_DIR, 'config.example.json'), 'utf8'),
      secrets: readFileSync(join(FIRMWARE_DIR, 'secrets.example.py'), 'utf8'),
    })
    example.exec('from iotfw import startup\n_setup = startup.wait_for_config(1)')
    expect(example.eval('_setup[2]')).toEqual([]) // no warnings
    expect(example.eval('_setup[0]["report"]')).toEqual({
      interval_s: 10,
      delta_t: 0.5,
      delta_h: 1.0,
      max_silence_s: 3600,
      min_interval_s: 5,
    })
    expect(example.eval('[_setup[3].ssid, _setup[3].mqtt_user]')).toEqual(['your-ssid', null])
  })

  it('keeps every file small (house style: < 300 lines)', () => {
    for (const f of files) {
      expect(readFileSync(join(FIRMWARE_DIR, f), 'utf8').split('\n').length, f).toBeLessThan(300)
    }
  })
})
