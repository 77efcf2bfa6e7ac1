/**
 * The app's half of docs/ota.md against what the firmware really does (firmware/lib/**):
 * every reason the board can give is one the app knows and explains, the manifests the app
 * builds pass the board's own limits, and a board's failure events end a run the way the
 * firmware means them (refused before the swap, or rolled back to the previous version).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reasonText } from '../../../src/main/core/ota/ota-messages'
import {
  OTA_FAILURE_REASONS,
  OTA_MAX_FILES,
  OTA_MAX_MANIFEST_BYTES,
  OTA_MAX_PATH_LENGTH,
  buildManifest,
  packageFiles,
  parseOtaEvent,
  signManifest,
} from '../../../src/shared/ota/node'

const FW = join(__dirname, '../../../firmware/lib')
const source = (rel: string): string => readFileSync(join(FW, rel), 'utf8')
const KEY = '5a'.repeat(32)

/** Every reason string the firmware puts in a `failed` status or an `update_failed` event. */
function firmwareReasons(): string[] {
  const text = ['iotfw/ota.py', 'iotfw/ota_manifest.py', 'iotfw/ota_trial.py', 'otaguard.py']
    .map(source)
    .join('\n')
  const found = new Set<string>()
  const patterns = [
    /Refused\("(\w+)"/g,
    /_fail\("(\w+)"/g,
    /rollback\("(\w+)"/g,
    /\("rollback", "(\w+)"\)/g,
  ]
  for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[1]!)
  return [...found].sort()
}

/** A Python module-level constant `NAME = <int>` from the firmware. */
function pyConst(rel: string, name: string): number {
  const m = new RegExp(`^${name} = (\\d+)`, 'm').exec(source(rel))
  if (!m) throw new Error(`${name} not found in ${rel}`)
  return Number(m[1])
}

const file = (path: string, size = 10) => ({ path, bytes: Buffer.alloc(size, 0x61) })

describe('the app knows every reason the firmware gives', () => {
  it('each is in OTA_FAILURE_REASONS and has its own sentence', () => {
    const reasons = firmwareReasons()
    expect(reasons.length).toBeGreaterThanOrEqual(10)
    for (const r of reasons) {
      expect(OTA_FAILURE_REASONS, r).toContain(r)
      expect(reasonText(r), r).not.toMatch(/The update failed \(/)
    }
  })
})

describe('manifests the app builds pass the firmware limits', () => {
  it('uses the firmware figures: files, manifest bytes, path length', () => {
    expect(OTA_MAX_FILES).toBe(pyConst('iotfw/ota_manifest.py', 'MAX_FILES'))
    expect(OTA_MAX_MANIFEST_BYTES).toBe(pyConst('iotfw/ota_manifest.py', 'MAX_BYTES'))
    expect(/len\(p\) > (\d+)/.exec(source('iotfw/ota_manifest.py'))?.[1]).toBe(
      String(OTA_MAX_PATH_LENGTH),
    )
  })

  it('refuses a package without main.py (the board would have nothing to boot)', () => {
    expect(() => packageFiles('1.0.0', [file('lib/iotfw/__init__.py')])).toThrow(/main\.py/)
  })

  it('refuses more than 64 files, a duplicate path and a path longer than the board takes', () => {
    const many = Array.from({ length: OTA_MAX_FILES }, (_, i) => file(`lib/iotfw/m${i}.py`))
    expect(() => packageFiles('1', [file('main.py'), ...many])).toThrow(/64 files/)
    expect(() => packageFiles('1', [file('main.py'), file('main.py')])).toThrow(/twice/)
    const long = `lib/iotfw/${'x'.repeat(OTA_MAX_PATH_LENGTH)}.py`
    expect(() => packageFiles('1', [file('main.py'), file(long)])).toThrow(/path/)
  })

  it('refuses a manifest whose signed payload is over 8 KiB, and accepts one just under', () => {
    // Each file costs its path, size and 64-hex hash in the manifest JSON, escaped once more
    // inside the signed envelope.
    const files = (n: number, len: number) =>
      Array.from({ length: n }, (_, i) => file(`lib/iotfw/${String(i).padStart(len, 'p')}.py`))
    expect(() => packageFiles('1', [file('main.py'), ...files(60, 80)])).toThrow(/8192/)
    const ok = packageFiles('1', [file('main.py'), ...files(40, 20)])
    const payload = JSON.stringify(signManifest(buildManifest(ok, 'u'.repeat(32), 256), KEY))
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(OTA_MAX_MANIFEST_BYTES)
    expect(Buffer.byteLength(payload)).toBeGreaterThan(OTA_MAX_MANIFEST_BYTES / 2)
  })
})

describe('update events as the firmware sends them', () => {
  it('a rollback is update_failed with rolled_back true; update_rolled_back is not an update event', () => {
    const back = parseOtaEvent(
      '{"event":"update_failed","version":"0.3.0","previous":"0.2.0","reason":"crashed","rolled_back":true,"update":"u-1"}',
    )
    expect(back).toMatchObject({ previous: '0.2.0', rolled_back: true })
    expect(parseOtaEvent('{"event":"update_rolled_back","version":"0.2.0"}')).toBeNull()
  })
})
