/**
 * The packaging check (issue 15.3): electron-builder packs the app for Linux into a folder
 * (`--linux dir`) with this repo's electron-builder.yml, offline, with a stand-in Electron in
 * place of the real one, and the result holds what the app needs at run time and nothing else.
 * Installers (AppImage, deb, NSIS, dmg) come from the same folder contents; what differs per
 * OS is the Electron binary and the prebuilt serialport binary kept for that OS.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shellPaths } from '../../src/main/shell/data-paths'
import { trayImageFile } from '../../src/main/shell/tray-image'
import type { AsarEntry } from './asar'
import { filesUnder, packUnpacked, ROOT, type PackedApp } from './pack-unpacked'

let packed: PackedApp | undefined
let appDir: string
let resourcesDir: string
let asar: AsarEntry[]
let asarPaths: Set<string>
let builderLog: string

beforeAll(async () => {
  packed = await packUnpacked()
  ;({ appDir, resourcesDir, asar, asarPaths, builderLog } = packed)
  expect(packed.downloaded, 'electron-builder downloaded something').toEqual([])
}, 180_000)

afterAll(async () => {
  await packed?.cleanup()
})

describe('electron-builder --linux dir (stand-in Electron, no network)', () => {
  it('packs without rebuilding native modules and names the executable', () => {
    expect(builderLog).toContain('skipped dependencies rebuild')
    expect(statSync(join(appDir, 'esp32-iot-control-center')).mode & 0o111).not.toBe(0)
  })

  it('holds every built main, preload and renderer file in app.asar', () => {
    const built = ['out/main', 'out/preload', 'out/renderer'].flatMap((dir) =>
      filesUnder(join(ROOT, dir)).map((file) => `${dir}/${file}`),
    )
    expect(built).toContain('out/main/index.js')
    expect(built).toContain('out/renderer/index.html')
    expect(built.some((file) => file.startsWith('out/preload/'))).toBe(true)
    const missing = built.filter((file) => !file.endsWith('.map') && !asarPaths.has(file))
    expect(missing).toEqual([])
    expect(asarPaths.has('package.json')).toBe(true)
  })

  it('holds every package the main and preload bundles import', () => {
    const builtins = new Set(['electron'])
    const bundles = ['out/main', 'out/preload'].flatMap((dir) =>
      filesUnder(join(ROOT, dir))
        .filter((file) => /\.(c|m)?js$/.test(file))
        .map((file) => readFileSync(join(ROOT, dir, file), 'utf8')),
    )
    const specifiers = new Set<string>()
    const patterns = [
      /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm,
      /^\s*import\s*['"]([^'"]+)['"]/gm,
      /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g,
    ]
    for (const code of bundles) {
      for (const pattern of patterns) {
        for (const match of code.matchAll(pattern)) specifiers.add(match[1]!)
      }
    }
    const packages = [...specifiers]
      .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:'))
      .map((s) =>
        s
          .split('/')
          .slice(0, s.startsWith('@') ? 2 : 1)
          .join('/'),
      )
      .filter((name) => !builtins.has(name))
    expect(packages).toContain('serialport')
    const absent = [...new Set(packages)].filter(
      (name) => !asarPaths.has(`node_modules/${name}/package.json`),
    )
    expect(absent).toEqual([])
  })

  it('keeps serialport’s native binary outside the archive, for Linux only', () => {
    const nativeFiles = asar.filter((entry) => entry.path.endsWith('.node'))
    expect(nativeFiles.length).toBeGreaterThan(0)
    expect(nativeFiles.filter((entry) => !entry.unpacked)).toEqual([])

    const unpacked = join(resourcesDir, 'app.asar.unpacked/node_modules/@serialport/bindings-cpp')
    const prebuilds = readdirSync(join(unpacked, 'prebuilds')).sort()
    expect(prebuilds).toContain('linux-x64')
    expect(prebuilds).toContain('linux-arm64')
    expect(prebuilds.filter((dir) => !dir.startsWith('linux-'))).toEqual([])
    const binary = readFileSync(
      join(unpacked, 'prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node'),
    )
    expect(binary.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) // ELF
    // Node-API only, so Electron's Node loads it without a rebuild (why npmRebuild is off):
    // it registers through napi_register_module_v1 and links no V8 or Node C++ symbol, whose
    // ABI changes with every Node and Electron version.
    expect(binary.includes('napi_register_module_v1')).toBe(true)
    expect(binary.includes('_ZN2v8')).toBe(false)
    expect(binary.includes('_ZN4node')).toBe(false)
    // A locally compiled build/ would be loaded instead of the prebuilt binary.
    expect(existsSync(join(unpacked, 'build'))).toBe(false)
  })

  it('ships the firmware as plain files next to app.asar, without secrets', () => {
    const firmware = join(resourcesDir, 'firmware')
    const expected = filesUnder(join(ROOT, 'firmware')).filter(
      (file) =>
        file !== 'secrets.py' &&
        file !== '.gitignore' &&
        !file.includes('__pycache__/') &&
        !file.startsWith('tests/'),
    )
    expect(expected).toContain('main.py')
    expect(filesUnder(firmware)).toEqual(expected)
    for (const file of expected) {
      expect(readFileSync(join(firmware, file)), file).toEqual(
        readFileSync(join(ROOT, 'firmware', file)),
      )
    }
    expect([...asarPaths].filter((path) => path.startsWith('firmware/'))).toEqual([])
  })

  it('ships the udev rule for the .deb’s install script', () => {
    const rule = '99-esp32-iot-control-center.rules'
    expect(readFileSync(join(resourcesDir, 'udev', rule), 'utf8')).toBe(
      readFileSync(join(ROOT, 'resources/udev', rule), 'utf8'),
    )
    expect(readFileSync(join(ROOT, 'resources/linux/after-install.sh'), 'utf8')).toContain(
      `/resources/udev/${rule}`,
    )
  })

  it('holds the main script package.json names, and the preload and page where the shell looks', () => {
    const appAsar = join(resourcesDir, 'app.asar')
    const main = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string })
      .main
    expect(asarPaths.has(main.replace(/^\.\//, ''))).toBe(true)
    const { preloadFile, indexFile } = shellPaths({
      mainDir: join(appAsar, main.replace(/^\.\//, ''), '..'),
      isPackaged: true,
      resourcesPath: resourcesDir,
      appPath: appAsar,
    })
    for (const file of [preloadFile, indexFile])
      expect(asarPaths.has(relative(appAsar, file).split(sep).join('/')), file).toBe(true)
    // A sandboxed preload is loaded as CommonJS: an ES module there would not run.
    const preload = readFileSync(join(ROOT, relative(appAsar, preloadFile)), 'utf8')
    expect(preload).toMatch(/require\(["']electron["']\)/)
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
  })

  it('ships the tray images where the packaged app looks for them, for every OS', () => {
    const committed = filesUnder(join(ROOT, 'resources/tray'))
    expect(filesUnder(join(resourcesDir, 'tray'))).toEqual(committed)
    for (const file of committed) {
      expect(readFileSync(join(resourcesDir, 'tray', file)), file).toEqual(
        readFileSync(join(ROOT, 'resources/tray', file)),
      )
    }
    // The path the shell computes in the packaged app, as src/main/index.ts does.
    const { trayDir } = shellPaths({
      mainDir: join(resourcesDir, 'app.asar/out/main'),
      isPackaged: true,
      resourcesPath: resourcesDir,
      appPath: join(resourcesDir, 'app.asar'),
    })
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const file = trayImageFile(platform, trayDir)
      expect(existsSync(file), `${platform}: ${file}`).toBe(true)
    }
    expect(existsSync(join(trayDir, 'trayTemplate@2x.png'))).toBe(true)
  })

  it('leaves out sources, tests, benchmarks, secrets, source maps and the toolchain', () => {
    // Patterns for paths inside app.asar (the repo's layout) and for every file of the app.
    const inAsar: [string, RegExp][] = [
      ['our sources', /^(src|scripts|resources|firmware)\//],
      ['our tests and benchmarks', /^(tests|bench|test-results|docs)\//],
      ['a web build or an earlier dist', /^(out\/(?!main\/|preload\/|renderer\/)|dist\/)/],
      [
        'build tools and renderer-only packages',
        new RegExp(
          '^node_modules/(electron|electron-builder|electron-vite|vite|vitest|typescript|' +
            'eslint|prettier|@playwright|@micropython|react|react-dom|chart\\.js|' +
            'react-chartjs-2|node-addon-api)/',
        ),
      ],
    ]
    const anywhere: [string, RegExp][] = [
      ['secrets', /(^|\/)(secrets\.py|\.env(\..*)?|[^/]*\.(pem|key|p12|pfx))$/],
      ['source maps', /\.map$/],
      ['type declarations', /\.d\.(ts|cts|mts)$/],
    ]
    const asarFiles = asar.map((entry) => entry.path)
    const appFiles = filesUnder(appDir).filter((file) => file !== 'resources/app.asar')
    const found = [
      ...inAsar.flatMap(([what, pattern]) =>
        asarFiles.filter((path) => pattern.test(path)).map((path) => `${what}: app.asar/${path}`),
      ),
      ...anywhere.flatMap(([what, pattern]) =>
        [...asarFiles.map((path) => `app.asar/${path}`), ...appFiles]
          .filter((path) => pattern.test(path))
          .map((path) => `${what}: ${path}`),
      ),
    ]
    expect(found).toEqual([])
  })
})
