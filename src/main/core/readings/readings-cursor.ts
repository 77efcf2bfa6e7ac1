import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { ReadingPoint } from '../../../shared/contract/readings'
import { SampleDecoder } from './sample-codec'
import { compare, type SeriesDictionary } from './series-dictionary'

export type IterateOrder = 'series' | 'time'

const DEVICE_RANGE =
  'SELECT ts, data FROM samples WHERE device = ? AND ts >= ? AND ts < ? ORDER BY ts, seq'

/**
 * Streams readings in [from, to) without loading them all (export). 'series' yields device,
 * then metric (both by name), then ts; 'time' yields ts, then device, then metric, by merging
 * one index-ordered cursor per device, so nothing is sorted in a temp b-tree however long the
 * range. `deviceIds` undefined = every device.
 */
export function* iterateReadings(
  db: DatabaseSync,
  dictionary: SeriesDictionary,
  range: { from: number; to: number },
  deviceIds: readonly string[] | undefined,
  order: IterateOrder,
): Generator<ReadingPoint> {
  const devices = (
    deviceIds === undefined
      ? dictionary.devicesByName()
      : [...new Set(deviceIds)].sort(compare).map((name) => dictionary.findDevice(name))
  ).filter((id): id is number => id !== undefined)
  const from = Math.floor(range.from)
  const to = Math.ceil(range.to)
  if (order === 'series') yield* bySeries(db, dictionary, devices, from, to)
  else yield* byTime(db, dictionary, devices, from, to)
}

function* bySeries(
  db: DatabaseSync,
  dictionary: SeriesDictionary,
  devices: number[],
  from: number,
  to: number,
): Generator<ReadingPoint> {
  const statement = db.prepare(DEVICE_RANGE)
  statement.setReturnArrays(true)
  const decoder = new SampleDecoder()
  for (const device of devices) {
    const deviceId = dictionary.deviceName(device)
    // One pass per metric: rows hold every metric of a message, the order wants one at a time.
    for (const metric of dictionary.metricsOfDevice(device)) {
      const name = dictionary.metricName(metric)
      for (const row of statement.iterate(device, from, to) as Iterable<[number, Uint8Array]>) {
        decoder.load(row[1])
        for (let p = 0; p < decoder.count; p++) {
          if (decoder.metric(p) === metric)
            yield { deviceId, metric: name, ts: row[0], value: decoder.value(p) }
        }
      }
    }
  }
}

interface Head {
  rank: number
  deviceId: string
  rows: Iterator<[number, Uint8Array]>
  ts: number
  data: Uint8Array
}

function* byTime(
  db: DatabaseSync,
  dictionary: SeriesDictionary,
  devices: number[],
  from: number,
  to: number,
): Generator<ReadingPoint> {
  // devices are in name order, so the rank breaks ts ties by device name.
  const heap: Head[] = []
  devices.forEach((device, rank) => {
    const statement: StatementSync = db.prepare(DEVICE_RANGE)
    statement.setReturnArrays(true)
    const rows = (statement.iterate(device, from, to) as Iterable<[number, Uint8Array]>)[
      Symbol.iterator
    ]()
    const head = { rank, deviceId: dictionary.deviceName(device), rows, ts: 0, data: EMPTY }
    if (advance(head)) push(heap, head)
  })
  try {
    yield* mergeHeads(heap, dictionary)
  } finally {
    // A consumer that stops early (export cancelled) must not leave statements holding a
    // read snapshot open, which would keep the WAL from being checkpointed.
    for (const head of heap) head.rows.return?.()
  }
}

function* mergeHeads(heap: Head[], dictionary: SeriesDictionary): Generator<ReadingPoint> {
  const decoder = new SampleDecoder()
  while (heap.length > 0) {
    const head = heap[0]!
    decoder.load(head.data)
    const readings: ReadingPoint[] = []
    for (let p = 0; p < decoder.count; p++) {
      const metric = dictionary.metricName(decoder.metric(p))
      readings.push({ deviceId: head.deviceId, metric, ts: head.ts, value: decoder.value(p) })
    }
    yield* readings.sort((a, b) => compare(a.metric, b.metric))
    if (advance(head)) siftDown(heap, 0)
    else {
      const last = heap.pop()!
      if (heap.length > 0) {
        heap[0] = last
        siftDown(heap, 0)
      }
    }
  }
}

const EMPTY = new Uint8Array(0)

function advance(head: Head): boolean {
  const next = head.rows.next()
  if (next.done === true) return false
  head.ts = next.value[0]
  head.data = next.value[1]
  return true
}

const before = (a: Head, b: Head): boolean => a.ts < b.ts || (a.ts === b.ts && a.rank < b.rank)

function push(heap: Head[], head: Head): void {
  heap.push(head)
  let i = heap.length - 1
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (!before(heap[i]!, heap[parent]!)) break
    ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
    i = parent
  }
}

function siftDown(heap: Head[], i: number): void {
  for (;;) {
    const left = 2 * i + 1
    const right = left + 1
    let first = i
    if (left < heap.length && before(heap[left]!, heap[first]!)) first = left
    if (right < heap.length && before(heap[right]!, heap[first]!)) first = right
    if (first === i) return
    ;[heap[i], heap[first]] = [heap[first]!, heap[i]!]
    i = first
  }
}

/**
 * The same stream from a schema-1 file (one row per reading), for read-only tools that meet a
 * database the upgraded app has not opened yet.
 */
export function* iterateV1Readings(
  db: DatabaseSync,
  range: { from: number; to: number },
  deviceIds: readonly string[] | undefined,
  order: IterateOrder,
): Generator<ReadingPoint> {
  const ids = deviceIds ?? []
  const filter =
    deviceIds === undefined ? '' : `AND device IN (${ids.map(() => '?').join(', ') || 'NULL'})`
  const orderBy = order === 'time' ? 'ts, device, metric' : 'device, metric, ts'
  const statement = db.prepare(
    `SELECT device AS deviceId, metric, ts, value FROM readings
     WHERE ts >= ? AND ts < ? ${filter} ORDER BY ${orderBy}`,
  )
  for (const row of statement.iterate(Math.floor(range.from), Math.ceil(range.to), ...ids)) {
    yield row as unknown as ReadingPoint
  }
}
