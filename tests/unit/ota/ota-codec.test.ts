import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  buildManifest,
  chunkData,
  chunkPayload,
  compareVersions,
  crc32,
  decodeChunk,
  encodeChunk,
  generateOtaKey,
  hmacSha256Hex,
  isAllowedOtaPath,
  ManifestSchema,
  newUpdateId,
  otaTopics,
  packageFiles,
  parseFirmwareVersion,
  parseOtaEvent,
  parseOtaStatus,
  parseOtaTopic,
  readFirmwareFolder,
  signManifest,
  updateTag,
  verifySignedManifest,
} from '@shared/ota/node'
import { tempDir } from '../../helpers/temp-dir'

/** Runs a Python snippet with python3 (what MicroPython's hashlib/binascii follow). */
function python(code: string, input: string): string {
  return execFileSync('python3', ['-c', code], { input }).toString().trim()
}

const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'
const bytes = (n: number, seed = 1): Buffer => {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff
  return b
}

describe('OTA codec agrees with Python', () => {
  it('CRC-32 equals binascii.crc32 for empty, short and chunk-sized data', () => {
    const samples = [Buffer.alloc(0), Buffer.from('hello'), bytes(1024), bytes(4096, 3)]
    const py = python(
      'import sys,binascii,json\n' +
        'for h in json.load(sys.stdin): print(binascii.crc32(bytes.fromhex(h)))',
      JSON.stringify(samples.map((s) => s.toString('hex'))),
    )
    expect(py.split('\n').map(Number)).toEqual(samples.map((s) => crc32(s)))
  })

  it('HMAC-SHA256 equals Python hmac under the key bytes (not the hex text)', () => {
    const m = JSON.stringify({ v: 1, update: 'u-1', note: 'ünïcode' })
    const py = python(
      'import sys,hmac,hashlib,json\n' +
        'd=json.load(sys.stdin)\n' +
        "print(hmac.new(bytes.fromhex(d['k']), d['m'].encode('utf-8'), hashlib.sha256).hexdigest())",
      JSON.stringify({ k: KEY, m }),
    )
    expect(hmacSha256Hex(KEY, m)).toBe(py)
  })

  it('the update tag is the first 4 bytes of SHA-256 of the id, big-endian', () => {
    const py = python(
      "import sys,hashlib\nprint(int.from_bytes(hashlib.sha256(sys.stdin.read().encode()).digest()[:4],'big'))",
      'u-1a2b3c',
    )
    expect(updateTag('u-1a2b3c')).toBe(Number(py))
  })

  it('a chunk frame parses in Python with struct and checks with binascii.crc32', () => {
    const frame = encodeChunk(updateTag('u-x'), 7, bytes(300))
    const py = python(
      'import sys,struct,binascii\nb=bytes.fromhex(sys.stdin.read())\n' +
        "t,n,c=struct.unpack('>III',b[:12])\nprint(t,n,c==binascii.crc32(b[12:]),len(b)-12)",
      frame.toString('hex'),
    )
    expect(py).toBe(`${updateTag('u-x')} 7 True 300`)
  })
})

describe('OTA chunk framing', () => {
  it('round-trips tag, sequence number and data', () => {
    const frame = encodeChunk(0xdeadbeef, 41, bytes(256))
    const c = decodeChunk(frame)!
    expect(c).toMatchObject({ tag: 0xdeadbeef, seq: 41, crcOk: true })
    expect(Buffer.from(c.data)).toEqual(bytes(256))
  })

  it('flags a corrupted byte and refuses a frame shorter than its header', () => {
    const frame = encodeChunk(1, 0, bytes(100))
    frame[50] = frame[50]! ^ 0xff
    expect(decodeChunk(frame)!.crcOk).toBe(false)
    expect(decodeChunk(frame.subarray(0, 11))).toBeNull()
  })
})

describe('OTA manifests', () => {
  const pkg = packageFiles('0.2.0', [
    { path: 'lib/iotfw/__init__.py', bytes: Buffer.from('VERSION = "0.2.0"\n') },
    { path: 'lib/iotfw/app.py', bytes: bytes(2500) },
    { path: 'main.py', bytes: Buffer.from('import iotfw\n') },
  ])

  it('counts chunks as ceil(sum of sizes / chunk) and cuts the stream in manifest order', () => {
    const m = buildManifest(pkg, 'u-test', 1024)
    const size = 18 + 2500 + 13
    expect(m.total).toBe(Math.ceil(size / 1024))
    expect(ManifestSchema.parse(m)).toEqual(m)
    const joined = Buffer.concat(Array.from({ length: m.total }, (_, n) => chunkData(pkg, m, n)))
    expect(joined).toEqual(pkg.stream)
    expect(chunkData(pkg, m, m.total - 1).length).toBe(size - 2 * 1024)
    expect(decodeChunk(chunkPayload(pkg, m, 1))!.tag).toBe(updateTag('u-test'))
  })

  it('a signed manifest verifies with its key and not with another', () => {
    const signed = JSON.stringify(signManifest(buildManifest(pkg, 'u-a'), KEY))
    expect(verifySignedManifest(signed, KEY)).toMatchObject({ ok: true })
    expect(verifySignedManifest(signed, generateOtaKey())).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
    expect(verifySignedManifest(signed, null)).toEqual({ ok: false, reason: 'unsigned' })
    const noSig = JSON.stringify({ m: JSON.stringify(buildManifest(pkg, 'u-a')) })
    expect(verifySignedManifest(noSig, KEY)).toEqual({ ok: false, reason: 'unsigned' })
  })

  it('a manifest signed over tampered text fails the signature', () => {
    const s = signManifest(buildManifest(pkg, 'u-a'), KEY)
    const tampered = JSON.stringify({ m: s.m.replace('0.2.0', '0.2.1'), sig: s.sig })
    expect(verifySignedManifest(tampered, KEY)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses paths outside main.py and lib/iotfw/', () => {
    for (const p of ['main.py', 'lib/iotfw/a.py', 'lib/iotfw/sub/b.py'])
      expect(isAllowedOtaPath(p)).toBe(true)
    for (const p of ['boot.py', 'secrets.py', '/main.py', 'lib/iotfw/../x.py', 'lib/otaguard.py'])
      expect(isAllowedOtaPath(p)).toBe(false)
    expect(() => packageFiles('1', [{ path: 'boot.py', bytes: Buffer.alloc(1) }])).toThrow()
  })

  it('update ids and keys have the protocol shapes', () => {
    expect(newUpdateId()).toMatch(/^[A-Za-z0-9_-]{1,32}$/)
    expect(generateOtaKey()).toMatch(/^[0-9a-f]{64}$/)
    expect(() => buildManifest(pkg, 'bad id')).toThrow()
    expect(() => buildManifest(pkg, 'u-1', 100)).toThrow()
  })
})

describe('a firmware folder', () => {
  let cleanup: (() => Promise<void>) | undefined
  afterEach(async () => cleanup?.())

  it('gives main.py and lib/iotfw/** with the version of __init__.py, nothing else', async () => {
    const dir = await tempDir('ota-fw-')
    cleanup = dir.cleanup
    await mkdir(join(dir.path, 'lib/iotfw/sub'), { recursive: true })
    await mkdir(join(dir.path, 'lib/iotfw/__pycache__'), { recursive: true })
    await writeFile(join(dir.path, 'lib/iotfw/__init__.py'), '# x\nVERSION = "1.4.2"\n')
    await writeFile(join(dir.path, 'lib/iotfw/sub/z.py'), 'z')
    await writeFile(join(dir.path, 'lib/iotfw/__pycache__/a.mpy'), 'junk')
    await writeFile(join(dir.path, 'main.py'), 'm')
    await writeFile(join(dir.path, 'boot.py'), 'b')
    await writeFile(join(dir.path, 'secrets.py'), 's')
    const pkg = await readFirmwareFolder(dir.path)
    expect(pkg.version).toBe('1.4.2')
    expect(pkg.files.map((f) => f.path)).toEqual([
      'lib/iotfw/__init__.py',
      'lib/iotfw/sub/z.py',
      'main.py',
    ])
  })

  it('reads the firmware shipped with the app', async () => {
    const pkg = await readFirmwareFolder('firmware')
    expect(pkg.version).toBe(parseFirmwareVersion('VERSION = "' + pkg.version + '"'))
    expect(pkg.files.some((f) => f.path === 'lib/iotfw/app.py')).toBe(true)
    expect(pkg.files.every((f) => isAllowedOtaPath(f.path))).toBe(true)
  })
})

describe('OTA topics and payloads', () => {
  it('names the four topics and parses them back', () => {
    const t = otaTopics('iot', 'b1')
    expect(t).toMatchObject({ manifest: 'iot/b1/ota/manifest', filter: 'iot/b1/ota/+' })
    expect(parseOtaTopic('iot', t.status)).toEqual({ id: 'b1', kind: 'status' })
    expect(parseOtaTopic('iot', 'iot/b1/status')).toBeNull()
    expect(parseOtaTopic('home/iot', 'home/iot/b1/ota/chunk')).toEqual({ id: 'b1', kind: 'chunk' })
  })

  it('parses statuses and update events, and nothing else', () => {
    expect(parseOtaStatus('{"update":"u-1","state":"receiving","next":8,"total":40}')).toEqual({
      update: 'u-1',
      state: 'receiving',
      next: 8,
      total: 40,
    })
    expect(parseOtaStatus('{"update":null,"state":"idle"}')).toMatchObject({ state: 'idle' })
    expect(parseOtaStatus('{"state":"bogus"}')).toBeNull()
    expect(parseOtaStatus('not json')).toBeNull()
    expect(
      parseOtaEvent(
        '{"event":"update_failed","version":"0.2.0","reason":"crashed","rolled_back":true}',
      ),
    ).toMatchObject({ reason: 'crashed', rolled_back: true })
    expect(parseOtaEvent('{"event":"boot"}')).toBeNull()
  })

  it('compares versions numerically', () => {
    expect(compareVersions('0.10.0', '0.9.1')).toBe(1)
    expect(compareVersions('0.2.0', '0.2.0')).toBe(0)
    expect(compareVersions('0.2', '0.2.1')).toBe(-1)
  })
})
