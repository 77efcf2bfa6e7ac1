/**
 * What the installers are made of, checked without building them (issue 15.2, 15.6): icons
 * generated from resources/icon.svg in every size each OS needs, every file
 * electron-builder.yml names exists, the .deb scripts are valid bash templates, the macOS
 * entitlements parse, and the systemd unit runs serve as the Raspberry Pi guide says.
 */
import { execFile, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ICNS_TYPES, pngSize, readIcns, readIco } from '../../scripts/icons/containers'
import { APP_ID } from '../../src/main/shell/app-id'
import { tempDir } from '../helpers/temp-dir'

const ROOT = resolve(__dirname, '../..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')
const run = promisify(execFile)

describe('icons', () => {
  it('were generated from the current resources/icon.svg (npm run icons)', () => {
    const sha = createHash('sha256').update(readFileSync(join(ROOT, 'resources/icon.svg')))
    expect(read('resources/icon.svg.sha256')).toBe(`${sha.digest('hex')}  icon.svg\n`)
  })

  it('has a PNG per Linux size, each as large as its name says', () => {
    const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
    expect(readdirSync(join(ROOT, 'resources/icons')).sort()).toEqual(
      sizes.map((n) => `${n}x${n}.png`).sort(),
    )
    for (const n of sizes) {
      expect(pngSize(readFileSync(join(ROOT, `resources/icons/${n}x${n}.png`)))).toEqual({
        width: n,
        height: n,
      })
    }
    expect(pngSize(readFileSync(join(ROOT, 'resources/icon.png')))).toEqual({
      width: 1024,
      height: 1024,
    })
  })

  it('has a Windows .ico from 16 to 256 px (256 as PNG, the rest as bitmaps)', () => {
    const entries = readIco(readFileSync(join(ROOT, 'resources/icon.ico')))
    expect(entries.map((e) => [e.width, e.height, e.format])).toEqual([
      [16, 16, 'bmp'],
      [24, 24, 'bmp'],
      [32, 32, 'bmp'],
      [48, 48, 'bmp'],
      [64, 64, 'bmp'],
      [128, 128, 'bmp'],
      [256, 256, 'png'],
    ])
  })

  it('has a macOS .icns with every size from 16 pt to 512 pt @2x', () => {
    const entries = readIcns(readFileSync(join(ROOT, 'resources/icon.icns')))
    expect(entries.map((e) => [e.type, e.width])).toEqual(ICNS_TYPES.map(([t, n]) => [t, n]))
    for (const e of entries) expect(e.height).toBe(e.width)
  })

  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  it.skipIf(!existsSync(chromium))(
    'npm run icons makes the same set of files (rendered with Chromium)',
    async () => {
      const out = await tempDir('iotcc-icons-')
      try {
        await run(
          process.execPath,
          [
            '--disable-warning=ExperimentalWarning',
            '--import',
            './tests/simulators/ts-register.mjs',
            'scripts/generate-icons.ts',
            '--out',
            out.path,
          ],
          { cwd: ROOT },
        )
        const made = (rel: string): Buffer => readFileSync(join(out.path, rel))
        const committed = (rel: string): Buffer => readFileSync(join(ROOT, 'resources', rel))
        expect(readdirSync(join(out.path, 'icons')).sort()).toEqual(
          readdirSync(join(ROOT, 'resources/icons')).sort(),
        )
        for (const name of readdirSync(join(out.path, 'icons'))) {
          expect(pngSize(made(`icons/${name}`))).toEqual(pngSize(committed(`icons/${name}`)))
        }
        expect(made('icon.svg.sha256')).toEqual(committed('icon.svg.sha256'))
        expect(readIco(made('icon.ico'))).toEqual(readIco(committed('icon.ico')))
        expect(readIcns(made('icon.icns'))).toEqual(readIcns(committed('icon.icns')))
        // The tray images (PNG bytes are deterministic: same pixels, same encoder).
        expect(readdirSync(join(out.path, 'tray')).sort()).toEqual(
          readdirSync(join(ROOT, 'resources/tray')).sort(),
        )
        for (const name of readdirSync(join(out.path, 'tray')).filter((n) => n.endsWith('.png')))
          expect(made(`tray/${name}`), name).toEqual(committed(`tray/${name}`))
        expect(readIco(made('tray/tray.ico'))).toEqual(readIco(committed('tray/tray.ico')))
      } finally {
        await out.cleanup()
      }
    },
    60_000,
  )
})

describe('electron-builder.yml', () => {
  const config = read('electron-builder.yml')

  it('names only files that exist', () => {
    const paths = [...config.matchAll(/(?:^|\s)(resources\/[\w./-]+)/g)].map((m) => m[1]!)
    expect(paths).toEqual(
      expect.arrayContaining([
        'resources/icons',
        'resources/icon.ico',
        'resources/icon.icns',
        'resources/mac/entitlements.mac.plist',
        'resources/linux/after-install.sh',
        'resources/linux/after-remove.sh',
        'resources/udev',
        'resources/tray',
      ]),
    )
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([])
  })

  it('gives the app the ID the shell declares on Windows (notifications match the shortcut)', () => {
    expect(/^appId: (\S+)$/m.exec(config)?.[1]).toBe(APP_ID)
  })

  it('builds every installer the issue asks for', () => {
    for (const target of ['AppImage', 'deb', 'nsis', 'portable', 'dmg']) {
      expect(config).toMatch(new RegExp(`target: ${target}\\b`))
    }
    expect(config).toMatch(/perMachine: false/)
    expect(config).toMatch(/allowElevation: false/)
    expect(config).toMatch(/hardenedRuntime: true/)
  })
})

describe('.deb install scripts', () => {
  // electron-builder fills ${NAME} macros in these files and fails on a name it does not know.
  const knownMacros = new Set(['executable', 'sanitizedProductName', 'productFilename'])

  for (const script of ['resources/linux/after-install.sh', 'resources/linux/after-remove.sh']) {
    it(`${script} is valid bash using only macros electron-builder fills`, () => {
      const text = read(script)
      const macros = [...text.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]!)
      expect(macros.filter((name) => !knownMacros.has(name))).toEqual([])
      const check = spawnSync('bash', ['-n', join(ROOT, script)], { encoding: 'utf8' })
      expect(check.stderr).toBe('')
      expect(check.status).toBe(0)
    })
  }

  it('after-install keeps electron-builder’s steps, installs the udev rule and tells about dialout', () => {
    const text = read('resources/linux/after-install.sh')
    expect(text).toContain("update-alternatives --install '/usr/bin/${executable}'")
    expect(text).toContain('chrome-sandbox')
    expect(text).toContain('/etc/udev/rules.d/99-esp32-iot-control-center.rules')
    expect(text).toContain('udevadm control --reload-rules')
    expect(text).toContain('usermod -aG dialout')
  })

  it('after-remove drops the udev rule on remove or purge, not on upgrade', () => {
    const text = read('resources/linux/after-remove.sh')
    expect(text).toMatch(/remove \| purge\)\s+rm -f \/etc\/udev\/rules\.d\/99-esp32/)
  })
})

describe('macOS entitlements', () => {
  it('are a plist granting what Electron and USB serial need under the hardened runtime', () => {
    const plist = read('resources/mac/entitlements.mac.plist')
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1])
    expect(keys).toEqual(
      expect.arrayContaining([
        'com.apple.security.cs.allow-jit',
        'com.apple.security.cs.allow-unsigned-executable-memory',
        'com.apple.security.cs.disable-library-validation',
        'com.apple.security.device.usb',
        'com.apple.security.device.serial',
      ]),
    )
    const xmllint = spawnSync('xmllint', [
      '--noout',
      join(ROOT, 'resources/mac/entitlements.mac.plist'),
    ])
    if (!xmllint.error) expect(xmllint.status).toBe(0)
  })
})

describe('systemd unit', () => {
  const file = 'resources/systemd/esp32-iot-control-center.service'

  /** `[Section] Key=value` lines, keys repeated as systemd allows. */
  function parseUnit(text: string): Map<string, string[]> {
    const out = new Map<string, string[]>()
    let section = ''
    for (const raw of text.split('\n')) {
      const line = raw.trim()
      if (!line || line.startsWith('#') || line.startsWith(';')) continue
      const header = /^\[(\w+)\]$/.exec(line)
      if (header) {
        section = header[1]!
        continue
      }
      const eq = line.indexOf('=')
      expect(eq, `not Key=value: ${line}`).toBeGreaterThan(0)
      const key = `${section}.${line.slice(0, eq)}`
      out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)])
    }
    return out
  }
  const unit = parseUnit(read(file))
  const one = (key: string): string => {
    const values = unit.get(key)
    expect(values, key).toHaveLength(1)
    return values![0]!
  }

  it('runs the built serve on every interface with its data under /var/lib', () => {
    const exec = one('Service.ExecStart')
    expect(exec).toMatch(/ \/opt\/esp32-iot-control-center\/out\/main\/serve\.js /)
    expect(exec).toMatch(/ --host 0\.0\.0\.0( |$)/)
    expect(exec).toMatch(/ --data-dir \/var\/lib\/esp32-iot-control-center( |$)/)
    expect(one('Service.WorkingDirectory')).toBe('/opt/esp32-iot-control-center')
    expect(one('Service.StateDirectory')).toBe('esp32-iot-control-center')
    // The path in ExecStart is what `npm run build:app` makes in a checkout.
    expect(existsSync(join(ROOT, 'src/main/serve.ts'))).toBe(true)
    expect(read('electron.vite.config.ts')).toMatch(/serve: resolve\('src\/main\/serve\.ts'\)/)
  })

  it('runs as a dedicated user in dialout, restarts on failure, starts at boot', () => {
    expect(one('Service.User')).toBe('iotcc')
    expect(one('Service.User')).not.toBe('root')
    expect(one('Service.SupplementaryGroups').split(/\s+/)).toContain('dialout')
    expect(one('Service.Restart')).toBe('on-failure')
    expect(one('Install.WantedBy')).toBe('multi-user.target')
    expect(unit.get('Unit.After')).toContain('network-online.target')
  })

  it('is hardened: no new privileges, read-only system but for its data folder', () => {
    expect(one('Service.NoNewPrivileges')).toBe('yes')
    expect(one('Service.ProtectSystem')).toBe('strict')
    expect(one('Service.ReadWritePaths')).toBe('/var/lib/esp32-iot-control-center')
    expect(one('Service.ProtectHome')).toBe('yes')
    expect(one('Service.PrivateTmp')).toBe('yes')
    expect(one('Service.CapabilityBoundingSet')).toBe('')
    // Serial adapters stay reachable: PrivateDevices would hide /dev/ttyUSB*.
    expect(unit.has('Service.PrivateDevices')).toBe(false)
    expect(unit.get('Service.DeviceAllow')).toEqual(['char-ttyUSB rw', 'char-ttyACM rw'])
    // V8's JIT needs W+X memory.
    expect(unit.has('Service.MemoryDenyWriteExecute')).toBe(false)
  })

  it('passes systemd-analyze verify (where systemd is installed)', () => {
    const probe = spawnSync('systemd-analyze', ['--version'])
    if (probe.error || probe.status !== 0) return
    // verify also checks that ExecStart's program exists: /usr/bin/env, present everywhere.
    const result = spawnSync('systemd-analyze', ['verify', join(ROOT, file)], { encoding: 'utf8' })
    const complaints = result.stderr
      .split('\n')
      .filter((line) => line.includes('esp32-iot-control-center.service'))
    expect(complaints).toEqual([])
    expect(result.status).toBe(0)
    // And the hardening registers: systemd's own score (0 = locked down, 10 = exposed) stays low.
    const security = spawnSync('systemd-analyze', ['security', '--offline=yes', join(ROOT, file)], {
      encoding: 'utf8',
    })
    const exposure = /Overall exposure level for [^:]+: ([\d.]+)/.exec(security.stdout)
    // systemd < 250 has no --offline: nothing to read then.
    if (exposure) expect(Number(exposure[1])).toBeLessThan(3)
  })
})

describe('docs', () => {
  it('the Raspberry Pi guide installs the unit this repo ships', () => {
    const guide = read('docs/raspberry-pi.md')
    expect(guide).toContain('resources/systemd/esp32-iot-control-center.service')
    expect(guide).toContain('--host 0.0.0.0')
    expect(guide).toMatch(/useradd[^\n]*dialout[^\n]*iotcc/)
  })
})
