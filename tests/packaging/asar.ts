/**
 * Reads an app.asar's file list from its header, enough for the packaging checks: the format
 * is a Chromium Pickle (uint32 size 4, uint32 header size, then uint32 payload size, uint32
 * string length, and the JSON directory tree). The same layout @electron/asar writes.
 */
import { closeSync, openSync, readSync } from 'node:fs'

export interface AsarEntry {
  /** Path inside the archive with forward slashes, e.g. `out/main/index.js`. */
  path: string
  size: number
  /** Stored in app.asar.unpacked beside the archive (native code, asarUnpack). */
  unpacked: boolean
}

interface AsarNode {
  files?: Record<string, AsarNode>
  size?: number
  unpacked?: boolean
}

export function listAsar(file: string): AsarEntry[] {
  const fd = openSync(file, 'r')
  try {
    const prefix = Buffer.alloc(16)
    readSync(fd, prefix, 0, 16, 0)
    const jsonLength = prefix.readUInt32LE(12)
    const json = Buffer.alloc(jsonLength)
    readSync(fd, json, 0, jsonLength, 16)
    const root = JSON.parse(json.toString('utf8')) as AsarNode
    const out: AsarEntry[] = []
    const walk = (node: AsarNode, prefixPath: string): void => {
      for (const [name, child] of Object.entries(node.files ?? {})) {
        const path = prefixPath ? `${prefixPath}/${name}` : name
        if (child.files) walk(child, path)
        else out.push({ path, size: child.size ?? 0, unpacked: child.unpacked === true })
      }
    }
    walk(root, '')
    return out
  } finally {
    closeSync(fd)
  }
}
