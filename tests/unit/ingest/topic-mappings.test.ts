import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/main/core/base/logger'
import { TopicMappingStore } from '../../../src/main/core/ingest/topic-mappings'
import { TopicMapping } from '../../../src/shared/contract/ingest'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { parseMessage } from '../../../src/shared/parsers/parse-message'
import type { ParseOutcome } from '../../../src/shared/parsers/types'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

async function store(dir?: string): Promise<{ store: TopicMappingStore; dir: string }> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'iotcc-mappings-')))
  if (!dir) dirs.push(dataDir)
  const mappings = new TopicMappingStore(dataDir, silentLogger)
  await mappings.load()
  return { store: mappings, dir: dataDir }
}

function parseWith(
  map: ReadonlyMap<string, TopicMapping>,
  topic: string,
  payload: string,
): ParseOutcome {
  return parseMessage(
    { topic, payload: new TextEncoder().encode(payload), receivedAt: Date.UTC(2026, 0, 15) },
    { prefix: 'iot', ha: new HaRegistry(), mappings: map },
  )
}

describe('topic mappings made by hand', () => {
  it('are kept in the data folder and read back after a restart', async () => {
    const first = await store()
    await first.store.set({ topic: 'lab/probe/raw', deviceId: 'lab-probe', metric: 'temperature' })
    await first.store.set({
      topic: 'lab/meter',
      deviceId: 'lab-meter',
      metric: 'co2',
      field: 'ppm',
    })
    const again = await store(first.dir)
    expect(again.store.list().map((m) => m.topic)).toEqual(['lab/meter', 'lab/probe/raw'])
    const file = JSON.parse(await readFile(join(first.dir, 'topic-mappings.json'), 'utf8')) as {
      version: number
    }
    expect(file.version).toBe(1)
  })

  it('apply to the next message, before every built-in rule, and can be removed', async () => {
    const { store: mappings } = await store()
    // Without a mapping this Tasmota topic is "telemetry we do not read".
    expect(parseWith(mappings.byTopic, 'tele/probe/RAW', '21.5 °C').kind).toBe('ignored')
    await mappings.set({ topic: 'tele/probe/RAW', deviceId: 'probe', metric: 'temperature' })
    expect(parseWith(mappings.byTopic, 'tele/probe/RAW', '21.5 °C')).toEqual({
      kind: 'parsed',
      updates: [
        { deviceId: 'probe', format: 'mapped', readings: [{ metric: 'temperature', value: 21.5 }] },
      ],
    })
    await mappings.remove('tele/probe/RAW')
    expect(parseWith(mappings.byTopic, 'tele/probe/RAW', '21.5').kind).toBe('ignored')
    await expect(mappings.remove('tele/probe/RAW')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('read a JSON field, and say clearly what is wrong with a payload that has no number', async () => {
    const { store: mappings } = await store()
    await mappings.set({ topic: 'lab/meter', deviceId: 'lab-meter', metric: 'co2', field: 'ppm' })
    const ok = parseWith(mappings.byTopic, 'lab/meter', '{"ppm":"612","status":"ok"}')
    expect(ok).toMatchObject({
      kind: 'parsed',
      updates: [{ readings: [{ metric: 'co2', value: 612 }] }],
    })
    expect(parseWith(mappings.byTopic, 'lab/meter', '{"status":"warming up"}')).toMatchObject({
      kind: 'unparsed',
      reason: 'unrecognised',
      detail: 'mapped topic: field "ppm" is not a number',
    })
    expect(parseWith(mappings.byTopic, 'lab/meter', 'nan')).toMatchObject({ kind: 'unparsed' })
    await mappings.set({ topic: 'lab/probe7/out', deviceId: 'lab-probe', metric: 'temperature' })
    expect(parseWith(mappings.byTopic, 'lab/probe7/out', 'T:+023.4 degC')).toMatchObject({
      updates: [{ readings: [{ metric: 'temperature', value: 23.4 }] }],
    })
    expect(parseWith(mappings.byTopic, 'lab/probe7/out', 'T=23.4 RH=40')).toMatchObject({
      kind: 'unparsed',
      detail: 'mapped topic: payload has 2 numbers; map a JSON field instead',
    })
  })

  it('refuse wildcards, $ topics and odd names at the contract', () => {
    const base = { deviceId: 'd', metric: 'temperature' }
    expect(TopicMapping.safeParse({ ...base, topic: 'a/+/b' }).success).toBe(false)
    expect(TopicMapping.safeParse({ ...base, topic: '$SYS/x' }).success).toBe(false)
    expect(TopicMapping.safeParse({ ...base, topic: 'a', metric: 'Temp C' }).success).toBe(false)
    expect(TopicMapping.safeParse({ ...base, topic: 'a', deviceId: 'a/b' }).success).toBe(false)
    expect(TopicMapping.safeParse({ ...base, topic: 'a/b' }).success).toBe(true)
  })
})
