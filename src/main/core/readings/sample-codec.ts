/**
 * The `samples.data` BLOB: one message's readings as (uint32 metric id, float64 value) pairs,
 * little-endian, 12 bytes each. Fixed width, so a row holds `length(data) / 12` readings and
 * SQL can count readings without decoding. Encoding and decoding reuse one scratch buffer and
 * cache one view per pair count, so the write path allocates nothing per message.
 */
export const PAIR_BYTES = 12

export class SampleEncoder {
  private bytes = new Uint8Array(PAIR_BYTES * 16)
  private view = new DataView(this.bytes.buffer)
  /** views[n]: the first n pairs of `bytes` (SQLite copies a bound blob, so reuse is safe). */
  private views: Uint8Array[] = []

  /**
   * Packs pairs `start … start + count - 1` of the parallel arrays; the returned view is valid
   * until the next call.
   */
  encode(metrics: Int32Array, values: Float64Array, start: number, count: number): Uint8Array {
    if (count * PAIR_BYTES > this.bytes.length) {
      this.bytes = new Uint8Array(count * PAIR_BYTES * 2)
      this.view = new DataView(this.bytes.buffer)
      this.views = []
    }
    const view = this.view
    for (let i = 0; i < count; i++) {
      view.setUint32(i * PAIR_BYTES, metrics[start + i]!, true)
      view.setFloat64(i * PAIR_BYTES + 4, values[start + i]!, true)
    }
    return (this.views[count] ??= this.bytes.subarray(0, count * PAIR_BYTES))
  }
}

/**
 * Reads a stored BLOB: `load` copies it into a scratch buffer (rows arrive as Uint8Arrays at
 * any byte offset), then `metric(i)` / `value(i)` read pair i without allocating.
 */
export class SampleDecoder {
  private bytes = new Uint8Array(PAIR_BYTES * 16)
  private view = new DataView(this.bytes.buffer)
  /** Pairs in the loaded blob. */
  count = 0

  load(blob: Uint8Array): this {
    if (blob.length > this.bytes.length) {
      this.bytes = new Uint8Array(blob.length * 2)
      this.view = new DataView(this.bytes.buffer)
    }
    this.bytes.set(blob)
    this.count = Math.floor(blob.length / PAIR_BYTES)
    return this
  }

  metric(i: number): number {
    return this.view.getUint32(i * PAIR_BYTES, true)
  }

  value(i: number): number {
    return this.view.getFloat64(i * PAIR_BYTES + 4, true)
  }
}
