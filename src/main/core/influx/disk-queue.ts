import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'

export interface Segment {
  name: string
  body: string
  lines: number
}

interface SegmentInfo {
  name: string
  seq: number
  lines: number
  bytes: number
}

const SEGMENT = /^(\d{12})-(\d+)\.lp$/

/**
 * Batches waiting for InfluxDB, one file per batch (`<seq>-<lines>.lp`), oldest first.
 * Every batch goes through here before it is sent, so a crash or an outage loses nothing;
 * a batch file is deleted only after InfluxDB accepted it. Bounded: past `maxBytes` the
 * oldest batches are dropped (and counted) so a months-long outage cannot fill the disk.
 */
export class DiskQueue {
  private readonly segments: SegmentInfo[] = []
  private nextSeq = 1
  private totalBytes = 0
  private totalLines = 0

  constructor(
    private readonly dir: string,
    private readonly maxBytes: () => number,
  ) {
    mkdirSync(dir, { recursive: true })
    for (const name of readdirSync(dir)) {
      const match = SEGMENT.exec(name)
      if (!match) {
        // A `.tmp` left by a crash mid-write: never acknowledged, never complete.
        if (name.endsWith('.tmp')) rmSync(join(dir, name), { force: true })
        continue
      }
      const bytes = statSync(join(dir, name)).size
      this.segments.push({ name, seq: Number(match[1]), lines: Number(match[2]), bytes })
    }
    this.segments.sort((a, b) => a.seq - b.seq)
    for (const s of this.segments) {
      this.totalBytes += s.bytes
      this.totalLines += s.lines
    }
    this.nextSeq = (this.segments.at(-1)?.seq ?? 0) + 1
  }

  get bytes(): number {
    return this.totalBytes
  }

  get lines(): number {
    return this.totalLines
  }

  get length(): number {
    return this.segments.length
  }

  /** Appends a batch (atomically: temp file + rename). Returns lines dropped to stay in bounds. */
  push(lines: readonly string[]): number {
    if (lines.length === 0) return 0
    const body = `${lines.join('\n')}\n`
    const seq = this.nextSeq++
    const name = `${String(seq).padStart(12, '0')}-${lines.length}.lp`
    const tmp = join(this.dir, `${name}.tmp`)
    writeFileSync(tmp, body)
    renameSync(tmp, join(this.dir, name))
    const bytes = Buffer.byteLength(body)
    this.segments.push({ name, seq, lines: lines.length, bytes })
    this.totalBytes += bytes
    this.totalLines += lines.length
    let dropped = 0
    while (this.totalBytes > this.maxBytes() && this.segments.length > 1) {
      const oldest = this.segments[0] as SegmentInfo
      dropped += oldest.lines
      this.remove(oldest.name)
    }
    return dropped
  }

  /** The oldest batch, or null when empty. */
  peek(): Segment | null {
    const first = this.segments[0]
    if (!first) return null
    return {
      name: first.name,
      lines: first.lines,
      body: readFileSync(join(this.dir, first.name), 'utf8'),
    }
  }

  remove(name: string): void {
    const index = this.segments.findIndex((s) => s.name === name)
    if (index < 0) return
    const [gone] = this.segments.splice(index, 1) as [SegmentInfo]
    this.totalBytes -= gone.bytes
    this.totalLines -= gone.lines
    rmSync(join(this.dir, name), { force: true })
  }
}
