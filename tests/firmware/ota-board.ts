/**
 * Over-the-air update helpers for the firmware tests: update packages built from the real
 * firmware/ folder with the app's one encoder (src/shared/ota), an "app" that feeds a board
 * its chunks the way docs/ota.md says (pull: the board's `next` drives the window), and
 * resets / power cuts that keep the board's filesystem and start a fresh interpreter on it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildManifest,
  chunkPayload,
  otaTopics,
  packageFiles,
  signManifest,
  type FirmwareFile,
  type FirmwarePackage,
  type Manifest,
} from '../../src/shared/ota/node'
import {
  DEVICE_ID,
  FIRMWARE_DIR,
  FirmwareSim,
  firmwareSources,
  SECRETS,
  type FirmwareOptions,
} from './harness'

export const OTA_KEY = '3f'.repeat(32)
export const SECRETS_WITH_KEY = `${SECRETS}OTA_KEY = "${OTA_KEY}"\n`
export const OTA = otaTopics('iot', DEVICE_ID)

export interface Update {
  pkg: FirmwarePackage
  manifest: Manifest
  /** The ota/manifest payload. */
  payload: string
}

/** The application files (main.py, lib/iotfw/**) of this repo's firmware/ folder. */
export function appFiles(): FirmwareFile[] {
  return firmwareSources()
    .filter((p) => p === 'main.py' || p.startsWith('lib/iotfw/'))
    .map((path) => ({ path, bytes: readFileSync(join(FIRMWARE_DIR, path)) }))
}

/** This firmware as version `version`, optionally with files changed (path → new text). */
export function makeUpdate(
  version: string,
  opts: { update?: string; key?: string; chunk?: number; edit?: Record<string, string> } = {},
): Update {
  const files = appFiles().map((f) => {
    let text = opts.edit?.[f.path] ?? f.bytes.toString()
    if (f.path === 'lib/iotfw/__init__.py')
      text = text.replace(/^VERSION = .*$/m, `VERSION = "${version}"`)
    return { path: f.path, bytes: Buffer.from(text) }
  })
  const pkg = packageFiles(version, files)
  const manifest = buildManifest(pkg, opts.update ?? 'u-test', opts.chunk ?? 1024)
  return { pkg, manifest, payload: JSON.stringify(signManifest(manifest, opts.key ?? OTA_KEY)) }
}

/** Sends a binary message to the board as if the broker delivered it. */
export function injectBytes(fw: FirmwareSim, topic: string, data: Uint8Array): void {
  const b64 = Buffer.from(data).toString('base64')
  fw.exec(
    `umqtt.simple.inject_raw(${JSON.stringify(topic)}, __import__('binascii').a2b_base64(b${JSON.stringify(b64)}))`,
  )
}

export type OtaStatus = {
  update: string | null
  state: string
  next?: number
  total?: number
  retry?: boolean
  reason?: string
} & Record<string, unknown>

export function statuses(fw: FirmwareSim): OtaStatus[] {
  return fw.publishes(OTA.status).map((p) => JSON.parse(p.msg) as OtaStatus)
}

/** The board's filesystem now: what survives a reset or a power cut. */
export function snapshot(fw: FirmwareSim): Map<string, Uint8Array> {
  const fs = fw.fs
  const out = new Map<string, Uint8Array>()
  const walk = (dir: string): void => {
    for (const name of fs.readdir(dir)) {
      const path = `${dir === '/' ? '' : dir}/${name}`
      if (name === '.' || name === '..' || /^\/(fakes|tmp|dev|proc|home)$/.test(path)) continue
      if (fs.isDir(fs.stat(path).mode)) walk(path)
      else out.set(path, fs.readFile(path))
    }
  }
  walk('/')
  return out
}

/** Ends of a Python run that are a reset of the board, not a test failure. */
export function isReset(error: unknown): boolean {
  return /\b(Reset|PowerLoss)\b/.test(error instanceof Error ? error.message : String(error))
}

/**
 * Powers the board up again on the same flash: a new interpreter, boot.py (the update guard),
 * then the app as main.py builds it. A reset during boot (a rollback) boots once more.
 * -> the new board and the outcomes of each boot.py run.
 */
export async function reboot(
  image: Map<string, Uint8Array>,
  opts: FirmwareOptions = {},
): Promise<{ fw: FirmwareSim; boots: string[] }> {
  const boots: string[] = []
  for (;;) {
    const fw = await FirmwareSim.start({ ...opts, image })
    const r = fw.runFile('/boot.py', 5_000)
    boots.push(r)
    if (r === 'returned') {
      fw.startApp()
      return { fw, boots }
    }
    if (boots.length > 6) throw new Error(`boot loop: ${boots.join(', ')}`)
    image = snapshot(fw)
  }
}

/**
 * The app side of docs/ota.md step 2, as the sender does it: after the manifest, send the
 * window from the board's latest `next`; resend from `next` after 10 s without news.
 * -> 'reset' when the board reset (swap done, power cut), else the last status' state.
 * `mangle` may change a chunk payload before it is delivered (corruption tests).
 */
export function feed(
  fw: FirmwareSim,
  u: Update,
  opts: { mangle?: (n: number, payload: Buffer) => Buffer; maxRounds?: number } = {},
): string {
  try {
    let seen = statuses(fw).length
    let sentFrom = -1
    let quietMs = 0
    for (let round = 0; round < (opts.maxRounds ?? 400); round++) {
      const all = statuses(fw)
      const last = all.at(-1)
      if (last && last.update === u.manifest.update && last.state !== 'receiving') {
        if (last.state !== 'verifying' && last.state !== 'applying') return last.state
      }
      const fresh = all.length > seen
      seen = all.length
      if (last?.state === 'receiving' && last.next !== undefined) {
        if (fresh || quietMs >= 10_000 || sentFrom !== last.next) {
          const from = last.next
          for (let n = from; n < Math.min(from + 8, u.manifest.total); n++) {
            const payload = chunkPayload(u.pkg, u.manifest, n)
            injectBytes(fw, OTA.chunk, opts.mangle ? opts.mangle(n, payload) : payload)
          }
          sentFrom = from
          quietMs = 0
        }
      }
      fw.runFor(200)
      quietMs += 200
    }
    return 'stalled'
  } catch (error) {
    if (isReset(error)) return 'reset'
    throw error
  }
}
