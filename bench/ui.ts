/**
 * The UI under a big live fleet, in Debian's Chromium against the built web mode: frame time
 * (p95 of requestAnimationFrame deltas) while N devices report at 1 Hz and while scrolling
 * the Devices grid and table, sort and search latency (input → painted frame), heap growth,
 * and 500 devices under bursts of 5,000 msg/s. The fleet is a separate process
 * (bench/lib/ui-fleet.ts) publishing our firmware's MQTT payloads to the embedded broker.
 *
 * Baseline: the same measurement on a blank page in the same browser under the same load
 * (server ingesting, fleet publishing), so the ratio is the UI's own cost: on two shared
 * cores the server's ingest alone can double a blank page's frame time. Latencies are
 * compared with one such frame (the ratio is frames of delay).
 *
 * N = 5,000 (500 with --quick); BENCH_UI_DEVICES=<N> sets another.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type CDPSession, type Page } from '@playwright/test'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types.ts'
import { nodeArgs, stopChild } from './lib/child.ts'
import { startServe } from './lib/serve-process.ts'
import { formatLine, line, summarize } from './lib/stats.ts'
import { frameDeltas, inputLatency } from './lib/ui-page.ts'

const FLEET = fileURLToPath(new URL('./lib/ui-fleet.ts', import.meta.url))
const SMALL = 500
const BURST_PER_S = 5000
/** Debian's Chromium with the flags of playwright.config.ts. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'].concat([
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
])
/** Sorts that each put another device first, so the change shows in the first card. */
const SORTS = ['signal', 'newest', 'name']
/** A search that narrows 5,000 devices to about a hundred, then clearing it. */
const SEARCHES = ['Attic 1', '']
const SCROLL = { selector: 'main', step: 60 }

function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? NaN
}

/** The publisher process and its requests over IPC (see bench/lib/ui-fleet.ts). */
async function startFleet(brokerUrl: string) {
  const child = spawn(process.execPath, [...nodeArgs(FLEET), brokerUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const reply = (key: string): Promise<number> =>
    new Promise((done, fail) => {
      const onMessage = (message: Record<string, number>): void => {
        if (!(key in message)) return
        child.off('message', onMessage)
        done(message[key] as number)
      }
      child.on('message', onMessage)
      child.once('exit', (code) => fail(new Error(`fleet exited (${code})`)))
    })
  await reply('ready')
  return {
    grow: (count: number) => (child.send({ grow: count }), reply('grown')),
    burst: (ms: number) => (child.send({ burst: { perS: BURST_PER_S, ms } }), reply('burst')),
    stop: () => stopChild(child, 5000),
  }
}

async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  return Math.round((usedSize / 1024 / 1024) * 100) / 100
}

/** In-page measurements of one tab, each repeated `repetitions` times. */
function probe(page: Page, options: BenchOptions, ms: number) {
  const repeat = async (measure: () => Promise<number>): Promise<number[]> => {
    const values: number[] = []
    for (let i = 0; i < options.repetitions; i++) values.push(await measure())
    return values
  }
  const frames = async (scroll?: typeof SCROLL): Promise<number> =>
    p95(await page.evaluate(frameDeltas, { ms, ...(scroll ? { scroll } : {}) }))
  /** Each value in turn: ms from the input to the frame painted after the page reacted. */
  const inputs =
    (target: string, kind: 'select' | 'input', watch: string, by: 'text' | 'first-id') =>
    async (values: string[]): Promise<number[]> => {
      const times: number[] = []
      for (const value of values) {
        times.push(await page.evaluate(inputLatency, { target, value, kind, watch, by }))
        await page.waitForTimeout(300)
      }
      return times
    }
  return {
    repeat,
    frames,
    sort: inputs('select[aria-label="Sort devices"]', 'select', '[data-device-id]', 'first-id'),
    search: inputs('input[aria-label="Search devices"]', 'input', '.toolbar__count', 'text'),
  }
}

async function run(options: BenchOptions): Promise<BenchLine[]> {
  const n = options.quick ? SMALL : Number(process.env.BENCH_UI_DEVICES ?? 5000)
  const ms = options.quick ? 2000 : 5000
  const app = await startServe({ dataDir: join(options.workDir, 'data'), appDir: options.appDir })
  const webUrl = new URL(app.rpcUrl)
  webUrl.protocol = 'http:'
  webUrl.pathname = '/'
  const fleet = await startFleet(`mqtt://${app.brokerHost}:${app.brokerPort}`)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  const lines: BenchLine[] = []
  const add = (l: BenchLine): void => {
    options.log(formatLine(l))
    lines.push(l)
  }
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const cdp = await page.context().newCDPSession(page)
    const { repeat, frames, sort, search } = probe(page, options, ms)
    await page.addInitScript(() => {
      localStorage.setItem('iotcc:devices.view', '"grid"')
      localStorage.setItem('iotcc:devices.sort', '"name"')
    })
    /** The blank page under the load of the moment (server, fleet, this machine). */
    const idle = async (during?: () => Promise<unknown>) => {
      await page.goto('about:blank')
      return {
        name: 'idle page',
        values: await repeat(async () => (await Promise.all([frames(), during?.()]))[0]),
      }
    }
    const openApp = async (count: number): Promise<void> => {
      await page.goto(webUrl.href)
      // "5,000 devices" (en-US, Chromium's default); builds before abc10a9 print "5000".
      const digits = String(count).replace(/\B(?=(\d{3})+$)/g, ',?')
      const shown = page.locator('.toolbar__count', { hasText: new RegExp(`^${digits} devices$`) })
      await shown.waitFor({ timeout: 180_000 })
    }

    options.log(`${SMALL} devices at 1 Hz with bursts of ${BURST_PER_S} msg/s…`)
    await fleet.grow(SMALL)
    const idleBurst = await idle(() => fleet.burst(ms))
    await openApp(SMALL)
    let heap = await heapMb(cdp)
    const burst = await repeat(async () => (await Promise.all([frames(), fleet.burst(ms)]))[0])
    add(line(`ui.burst-${SMALL}`, 'ms p95', burst, idleBurst, { devices: SMALL }))
    add(
      line(`ui.burst-heap-${SMALL}`, 'MB', [(await heapMb(cdp)) - heap], undefined, {
        startMb: heap,
      }),
    )

    options.log(`${n} devices at 1 Hz…`)
    await page.goto('about:blank')
    await fleet.grow(n)
    const idleLive = await idle()
    const frame = { name: 'idle page frame', values: idleLive.values }
    await openApp(n)
    heap = await heapMb(cdp)
    const extra = { devices: n }
    add(line(`ui.live-${n}`, 'ms p95', await repeat(() => frames()), idleLive, extra))
    add(line(`ui.grid-scroll-${n}`, 'ms p95', await repeat(() => frames(SCROLL)), idleLive, extra))
    await page.locator('main').evaluate((main: { scrollTop: number }) => (main.scrollTop = 0))
    const sorts = await repeat(async () => summarize(await sort(SORTS)).value)
    add(line(`ui.sort-${n}`, 'ms', sorts, frame, extra))
    const searches = await repeat(async () => Math.max(...(await search(SEARCHES))))
    add(line(`ui.search-${n}`, 'ms', searches, frame, extra))
    await page.getByRole('radio', { name: /Table/ }).click()
    await page.locator('table.device-table').waitFor()
    add(line(`ui.table-scroll-${n}`, 'ms p95', await repeat(() => frames(SCROLL)), idleLive, extra))
    await page.getByRole('radio', { name: /Grid/ }).click()
    add(
      line(`ui.heap-growth-${n}`, 'MB', [(await heapMb(cdp)) - heap], undefined, {
        ...extra,
        startMb: heap,
      }),
    )
    return lines
  } finally {
    await browser.close()
    await fleet.stop()
    await app.stop()
  }
}

const bench: BenchDefinition = {
  name: 'ui',
  description:
    'Frame time, sort/search latency and heap of the Devices screen with a big live fleet, against a blank page in the same Chromium under the same load.',
  run,
}
export default bench
