/**
 * Messages accepted by `ReadingsStore.add` and not yet written, as parallel typed arrays
 * (struct of arrays) that grow by doubling and are reused after every flush: queueing a
 * message allocates nothing once the arrays have reached the burst size.
 */
export class MessageQueue {
  /** Messages queued. */
  messages = 0
  /** Readings queued, over all messages. */
  readings = 0
  device = new Int32Array(256)
  ts = new Float64Array(256)
  /** NaN when the message had no seq. */
  seq = new Float64Array(256)
  /** Pair offset of message m is start[m]; its pairs end at start[m + 1]. */
  start = new Int32Array(257)
  metric = new Int32Array(1024)
  series = new Int32Array(1024)
  value = new Float64Array(1024)

  /** Opens a message; add its readings with `reading`, then call `end`. */
  begin(device: number, ts: number, seq: number | undefined): void {
    if (this.messages + 1 >= this.device.length) this.growMessages()
    const m = this.messages
    this.device[m] = device
    this.ts[m] = ts
    this.seq[m] = seq ?? Number.NaN
    this.start[m] = this.readings
  }

  reading(metric: number, series: number, value: number): void {
    if (this.readings === this.metric.length) this.growReadings()
    const i = this.readings++
    this.metric[i] = metric
    this.series[i] = series
    this.value[i] = value
  }

  /** Closes the message opened by `begin`; a message without readings is dropped. */
  end(): void {
    if (this.readings > this.start[this.messages]!) this.start[++this.messages] = this.readings
  }

  /** Forgets everything queued (after a flush wrote it, or failed to). */
  reset(): void {
    this.messages = 0
    this.readings = 0
    this.start[0] = 0
  }

  private growMessages(): void {
    const size = this.device.length * 2
    this.device = copy(new Int32Array(size), this.device)
    this.ts = copy(new Float64Array(size), this.ts)
    this.seq = copy(new Float64Array(size), this.seq)
    this.start = copy(new Int32Array(size + 1), this.start)
  }

  private growReadings(): void {
    const size = this.metric.length * 2
    this.metric = copy(new Int32Array(size), this.metric)
    this.series = copy(new Int32Array(size), this.series)
    this.value = copy(new Float64Array(size), this.value)
  }
}

function copy<T extends Int32Array | Float64Array>(into: T, from: T): T {
  into.set(from)
  return into
}
