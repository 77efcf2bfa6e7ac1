import { pyBytes, pyStr } from './python-literals'

/**
 * The Python the file tools run on the board through the raw REPL. Names that live
 * across execs start with `_up` and are deleted afterwards, so the user's REPL
 * namespace is left as it was.
 */

/** How the board can check a file: best available of sha256, crc32, or plain Python. */
export type HashKind = 'sha256' | 'crc32' | 'adler32'

export interface DeviceCapabilities {
  hash: HashKind
  /** binascii.a2b_base64 present: chunks travel as base64, else as bytes literals. */
  base64: boolean
  /** binascii.crc32 present: every chunk is checked on arrival. */
  crc32: boolean
}

export const PROBE = `
try:
    import hashlib
    _h = hasattr(hashlib, 'sha256')
except ImportError:
    _h = False
try:
    import binascii
    _b = hasattr(binascii, 'a2b_base64')
    _c = hasattr(binascii, 'crc32')
except ImportError:
    _b = _c = False
print('sha256' if _h else 'crc32' if _c else 'adler32', 'b64' if _b else 'lit', 'crc' if _c else '-')
del _h, _b, _c
`

export function parseProbe(stdout: string): DeviceCapabilities {
  const [hash, transfer, crc] = stdout.trim().split(/\s+/)
  const kinds: HashKind[] = ['sha256', 'crc32', 'adler32']
  return {
    hash: kinds.includes(hash as HashKind) ? (hash as HashKind) : 'adler32',
    base64: transfer === 'b64',
    crc32: crc === 'crc',
  }
}

/** mkdir -p for the parents of `path`, then open it for writing; defines _upw(). */
export function openForWrite(path: string, caps: DeviceCapabilities): string {
  const check = caps.crc32 ? ' or binascii.crc32(b) != c' : ''
  return `
import os
${caps.base64 || caps.crc32 ? 'import binascii' : ''}
def _upmk(p):
    d = ''
    for s in p.split('/')[:-1]:
        if s:
            d += '/' + s
            try:
                os.stat(d)
            except OSError:
                os.mkdir(d)
_upmk(${pyStr(path)})
del _upmk
_upf = open(${pyStr(path)}, 'wb')
def _upw(o, s, n, c):
    b = ${caps.base64 ? 'binascii.a2b_base64(s)' : 's'}
    if len(b) != n${check}:
        raise ValueError('chunk at %d damaged in transit' % o)
    _upf.seek(o)
    _upf.write(b)
`
}

/** One exec's worth of chunk writes; each carries its offset, so a retry is idempotent. */
export function writeChunks(
  chunks: Array<{ offset: number; data: Uint8Array; crc: number }>,
  caps: DeviceCapabilities,
): string {
  return chunks
    .map(({ offset, data, crc }) => {
      // bytes, not str: micropython-lib's pure-Python binascii (some builds) rejects str.
      const payload = caps.base64 ? `b'${Buffer.from(data).toString('base64')}'` : pyBytes(data)
      return `_upw(${offset}, ${payload}, ${data.length}, ${crc})`
    })
    .join('\n')
}

export const CLOSE_WRITE = `
try:
    _upf.close()
finally:
    del _upf, _upw
`

/** After a failed upload: close the file if open and delete what was written. */
export function abandonWrite(path: string): string {
  return `
import os
try:
    _upf.close()
except Exception:
    pass
for _upn in ('_upf', '_upw'):
    globals().pop(_upn, None)
del _upn
try:
    os.remove(${pyStr(path)})
except OSError:
    pass
`
}

/** Prints "<digest> <size>" for a file, with the board's best hash. */
export function fileDigest(path: string, hash: HashKind): string {
  const [imports, init, step, result] = {
    sha256: [
      'import binascii, hashlib',
      'h = hashlib.sha256()',
      'h.update(d)',
      'binascii.hexlify(h.digest()).decode()',
    ],
    crc32: ['import binascii', 'h = 0', 'h = binascii.crc32(d, h)', "'%08x' % (h & 0xffffffff)"],
    // zlib's Adler-32 in plain Python: slow, but only for boards without binascii.
    adler32: [
      '',
      'a, b = 1, 0',
      'for x in d:\n                a = (a + x) % 65521\n                b = (b + a) % 65521',
      "'%08x' % ((b << 16) | a)",
    ],
  }[hash]
  return `
import os
${imports}
def _upd(p):
    ${init}
    f = open(p, 'rb')
    try:
        while True:
            d = f.read(512)
            if not d:
                break
            ${step}
    finally:
        f.close()
    return ${result}
print(_upd(${pyStr(path)}), os.stat(${pyStr(path)})[6])
del _upd
`
}

/** JSON list of [name, isDir, size] for a directory. */
export function listDir(path: string): string {
  return `
import os, json
def _upl(p):
    r = []
    for n in sorted(os.listdir(p)):
        s = os.stat(p.rstrip('/') + '/' + n)
        r.append([n, s[0] & 0x4000 != 0, s[6]])
    return r
print(json.dumps(_upl(${pyStr(path)})))
del _upl
`
}

/** The file as base64 lines (binascii.b2a_base64 adds the newline). */
export function readFile(path: string): string {
  return `
import binascii
def _upr(p):
    f = open(p, 'rb')
    try:
        while True:
            d = f.read(384)
            if not d:
                break
            print(binascii.b2a_base64(d).decode(), end='')
    finally:
        f.close()
_upr(${pyStr(path)})
del _upr
`
}

/** rm -r: files, or directories with everything in them. */
export function removePath(path: string): string {
  return `
import os
def _uprm(p):
    if os.stat(p)[0] & 0x4000:
        for n in os.listdir(p):
            _uprm(p.rstrip('/') + '/' + n)
        os.rmdir(p)
    else:
        os.remove(p)
_uprm(${pyStr(path)})
del _uprm
`
}

/** Base MAC (machine.unique_id() on ESP32) and the MicroPython version. */
export const DEVICE_INFO = `
import sys
try:
    import machine, binascii
    _m = binascii.hexlify(machine.unique_id()).decode()
except Exception:
    _m = ''
print(_m, sys.platform, '.'.join(str(x) for x in sys.implementation.version[:3]))
del _m
`
