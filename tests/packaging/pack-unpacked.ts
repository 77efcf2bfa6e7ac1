/**
 * Packs the app as the packaging check needs it: electron-builder `--linux dir` with this
 * repo's electron-builder.yml, offline, with a stand-in Electron (see unpacked-app.test.ts).
 */
import { execFile, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { promisify } from 'node:util'
import { tempDir } from '../helpers/temp-dir'
import { listAsar, type AsarEntry } from './asar'

export const ROOT = resolve(__dirname, '../..')
const run = promisify(execFile)

/** The packed folder and what electron-builder said; cleanup() removes it. */
export interface PackedApp {
  appDir: string
  resourcesDir: string
  asar: AsarEntry[]
  asarPaths: Set<string>
  builderLog: string
  /** What electron-builder or @electron/get downloaded (the check wants none). */
  downloaded: string[]
  cleanup: () => Promise<void>
}

/** Files under `dir`, relative, with forward slashes. */
export function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name)
      if (entry.isDirectory()) walk(full)
      else out.push(relative(dir, full).split(sep).join('/'))
    }
  }
  if (existsSync(dir)) walk(dir)
  return out.sort()
}

/** Builds out/ when it is missing (`npm test` and `npm run package:check` build it first). */
async function ensureBuild(): Promise<void> {
  const needed = ['out/main/index.js', 'out/main/serve.js', 'out/renderer/index.html']
  if (needed.every((file) => existsSync(join(ROOT, file)))) return
  await run('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: ROOT })
}

/**
 * What Electron's release zip would give electron-builder, minus Electron: an executable named
 * `electron` (renamed to the app's executableName), `resources/`, `locales/` and the licence.
 */
function makeStandInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true })
  mkdirSync(join(dir, 'locales'), { recursive: true })
  writeFileSync(
    join(dir, 'electron'),
    '#!/bin/sh\necho "stand-in Electron for the packaging check: not runnable" >&2\nexit 1\n',
  )
  chmodSync(join(dir, 'electron'), 0o755)
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n')
  writeFileSync(join(dir, 'version'), '0.0.0-stand-in')
}

/**
 * Runs `command` with no network at all where the kernel lets us (a new network namespace:
 * only a down loopback inside), so a download attempt fails the check instead of passing on a
 * connected machine. Elsewhere proxies to a closed local port make HTTP clients fail fast.
 */
function offline(command: string[]): string[] {
  const probe = spawnSync('unshare', ['--net', '--map-root-user', 'true'], { stdio: 'ignore' })
  const isolated =
    probe.status === 0 ? ['unshare', '--net', '--map-root-user', ...command] : command
  // At low priority: the suites beside it time serial links and brokers on two cores.
  return ['nice', '-n', '10', ...isolated]
}

/** Builds out/ if needed and packs it into a temporary folder. */
export async function packUnpacked(): Promise<PackedApp> {
  await ensureBuild()
  const work = await tempDir('iotcc-pack-')
  // A failed pack leaves no temporary folder behind.
  try {
    const electronDist = join(work.path, 'electron-dist')
    const output = join(work.path, 'dist')
    const cache = join(work.path, 'cache')
    makeStandInElectron(electronDist)
    mkdirSync(cache)
    const [file, ...args] = offline([
      process.execPath,
      join(ROOT, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
    ])
    const { stdout, stderr } = await run(file!, args, {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        // As a person runs it: under VITEST electron-builder goes quiet and hard-links files.
        ...Object.fromEntries(
          Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')),
        ),
        // Anything electron-builder or @electron/get would download lands here (checked empty).
        ELECTRON_BUILDER_CACHE: cache,
        ELECTRON_CACHE: cache,
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: '',
        CSC_IDENTITY_AUTO_DISCOVERY: 'false',
      },
    })
    const appDir = join(output, 'linux-unpacked')
    const resourcesDir = join(appDir, 'resources')
    const asar = listAsar(join(resourcesDir, 'app.asar'))
    return {
      appDir,
      resourcesDir,
      asar,
      asarPaths: new Set(asar.map((entry) => entry.path)),
      builderLog: stdout + stderr,
      downloaded: readdirSync(cache),
      cleanup: work.cleanup,
    }
  } catch (error) {
    await work.cleanup()
    throw error
  }
}
