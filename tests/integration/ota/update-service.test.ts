/**
 * The app side of docs/ota.md against a real broker and protocol-faithful boards
 * (tests/simulators/ota): jobs, canary, parallelism, resends, resume, refusals, cancel.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OtaHarness, device, ended } from './ota-harness'

let h: OtaHarness
beforeEach(async () => {
  h = new OtaHarness()
  await h.start('0.2.0')
})
afterEach(async () => h.stop())

/** An event on the board's event topic, as the app receives it. */
function event(id: string, body: Record<string, unknown>): void {
  h.service.handleMessage({
    topic: `iot/${id}/event`,
    payload: Buffer.from(JSON.stringify(body)),
    qos: 1,
    retain: false,
    receivedAt: Date.now(),
    source: 'test',
  })
}

describe('UpdateService', () => {
  it('updates one board: signed manifest, windowed chunks, swap, update_ok', async () => {
    const board = await h.board('b1')
    const job = await h.service.start({ devices: ['b1'] })
    expect(device(job, 'b1')).toMatchObject({ from: '0.1.0', state: 'sending' })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(end.state).toBe('finished')
    expect(device(end, 'b1')).toMatchObject({ state: 'done', reason: null })
    expect(board.version).toBe('0.2.0')
    const app = await readFile(join(h.firmwareDir, 'lib/iotfw/app.py'))
    expect(board.files.get('lib/iotfw/app.py')).toEqual(app)
    // Each chunk once: nothing lost, so nothing resent.
    expect(board.accepted).toEqual([...Array(device(end, 'b1').total).keys()])
    expect(h.chunksSent).toBe(device(end, 'b1').total)
    // Progress went out as events along the way.
    const nexts = h.jobs.filter((j) => j.id === job.id).map((j) => device(j, 'b1').next)
    expect(new Set(nexts).size).toBeGreaterThan(2)
  })

  it('updates 10 boards at once: the canary alone first, then at most `parallel` at a time', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `b${i}`)
    for (const id of ids) await h.board(id)
    let most = 0
    const watch = setInterval(() => {
      const job = h.service.list()[0]
      if (!job) return
      const now = job.devices.filter((d) => d.state === 'sending' || d.state === 'verifying')
      most = Math.max(most, now.length)
    }, 2)
    const job = await h.service.start({ all: true, parallel: 3 })
    const end = await h.jobUntil(job.id, ended, 'job end', 30_000)
    clearInterval(watch)
    expect(end.devices.map((d) => d.state)).toEqual(Array(10).fill('done'))
    const canary = end.devices.find((d) => d.canary)!
    for (const d of end.devices.filter((x) => !x.canary))
      expect(d.startedAt!).toBeGreaterThanOrEqual(canary.finishedAt!)
    expect(most).toBeLessThanOrEqual(3)
    expect(most).toBeGreaterThan(1)
    for (const id of ids) expect(h.boards.get(id)!.version).toBe('0.2.0')
  })

  it('a board with another key refuses (bad_signature); the rest of a staged job is not sent', async () => {
    await h.board('a1', { appKnowsKey: false })
    h.keys.set('a1', 'ab'.repeat(32))
    await h.board('a2')
    const job = await h.service.start({ devices: ['a1', 'a2'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'a1')).toMatchObject({
      canary: true,
      state: 'failed',
      reason: 'bad_signature',
    })
    expect(device(end, 'a2')).toMatchObject({ state: 'skipped', reason: 'canary_failed' })
    expect(h.boards.get('a2')!.accepted).toEqual([])
  })

  it('a board without OTA_KEY refuses (unsigned); a board the app has no key for is not sent anything', async () => {
    await h.board('u1', { key: null })
    h.keys.set('u1', 'cd'.repeat(32))
    await h.board('u2', { appKnowsKey: false })
    const job = await h.service.start({ devices: ['u1', 'u2'], staged: false })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'u1')).toMatchObject({ state: 'failed', reason: 'unsigned' })
    expect(device(end, 'u2')).toMatchObject({ state: 'failed', reason: 'no_key' })
    expect(h.boards.get('u1')!.events[0]).toMatchObject({
      event: 'update_failed',
      reason: 'unsigned',
    })
  })

  it('resends a damaged chunk (retry) and a lost one (the board asks again) from `next`', async () => {
    const board = await h.board('r1')
    board.faults.drop.add(9)
    board.faults.corrupt.add(3)
    const job = await h.service.start({ devices: ['r1'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'r1').state).toBe('done')
    expect(board.accepted).toEqual([...Array(device(end, 'r1').total).keys()])
    expect(board.statuses.some((s) => s.retry === true && s.next === 3)).toBe(true)
  })

  it('a lost chunk is sent again as soon as the board asks (a `next` below what was sent), not after silence', async () => {
    await h.stop()
    h = new OtaHarness()
    await h.start('0.2.0', { resendAfterMs: 60_000 })
    const board = await h.board('g1')
    board.faults.drop.add(9)
    board.faults.drop.add(20)
    const job = await h.service.start({ devices: ['g1'] })
    const end = await h.jobUntil(job.id, ended, 'job end', 10_000)
    expect(device(end, 'g1').state).toBe('done')
    expect(board.accepted).toEqual([...Array(device(end, 'g1').total).keys()])
  })

  it('fails a board that stops answering after the allowed resends', async () => {
    await h.stop()
    h = new OtaHarness()
    await h.start('0.2.0', { resendAfterMs: 100, maxSilentResends: 2 })
    const board = await h.board('m1')
    board.faults.mute = true
    const job = await h.service.start({ devices: ['m1'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'm1')).toMatchObject({ state: 'failed', reason: 'no_response' })
  })

  it('an offline board waits and gets the update when it comes back', async () => {
    const board = await h.board('o1', { connect: false })
    h.presence.set('o1', { online: false, fw: '0.1.0' })
    const job = await h.service.start({ devices: ['o1'] })
    await h.jobUntil(job.id, (j) => device(j, 'o1').state === 'waiting', 'waiting')
    await board.connect()
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'o1').state).toBe('done')
  })

  it('a board that drops off mid-transfer resumes from its `next`, not from 0', async () => {
    const board = await h.board('d1')
    board.faults.offlineAfter = 5
    const job = await h.service.start({ devices: ['d1'] })
    await h.jobUntil(job.id, (j) => device(j, 'd1').state === 'waiting', 'waiting')
    await board.connect()
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'd1').state).toBe('done')
    expect(board.accepted).toEqual([...Array(device(end, 'd1').total).keys()])
  })

  it('cancel: the board discards what it staged; queued boards are not sent anything', async () => {
    const b1 = await h.board('c1')
    await h.board('c2')
    b1.faults.hold = 9 // the transfer stays at 9
    const job = await h.service.start({ devices: ['c1', 'c2'] })
    await h.jobUntil(job.id, (j) => device(j, 'c1').next >= 8, 'c1 at 8')
    const after = h.service.cancel(job.id)
    expect(device(after, 'c1').state).toBe('cancelled')
    expect(device(after, 'c2').state).toBe('cancelled')
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(end.state).toBe('cancelled')
    await h.until(() => b1.statuses.some((s) => s.state === 'cancelled'), 'board cancelled')
    expect(b1.version).toBe('0.1.0')
    expect(h.boards.get('c2')!.accepted).toEqual([])
  })

  it('a failure event about another update id does not end this one', async () => {
    const board = await h.board('e1')
    board.faults.hold = 9 // the transfer stays at 9 until released
    const job = await h.service.start({ devices: ['e1'] })
    await h.jobUntil(job.id, (j) => device(j, 'e1').next >= 8, 'e1 at 8')
    event('e1', { event: 'update_failed', update: 'u-old', reason: 'bad_signature' })
    board.faults.hold = -1 // the 400 ms resend carries on from 9
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'e1').state).toBe('done')
  })

  it('a new version that crashes is rolled back and reported', async () => {
    const board = await h.board('x1')
    board.faults.crash = true
    const job = await h.service.start({ devices: ['x1'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'x1')).toMatchObject({ state: 'failed', reason: 'crashed' })
    // As the firmware says it: update_failed, rolled_back true, `previous` the version it runs.
    expect(board.events.at(-1)).toMatchObject({ version: '0.2.0', previous: '0.1.0' })
    expect(device(end, 'x1').message).toMatch(/kept crashing: rolled back to 0\.1\.0$/)
  })

  it('a board that resets before its applying status leaves is followed to update_ok, not failed (busy)', async () => {
    const board = await h.board('q1', { trialMs: 1500 })
    board.faults.quietSwap = true
    const job = await h.service.start({ devices: ['q1'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'q1')).toMatchObject({ state: 'done', reason: null })
    expect(board.version).toBe('0.2.0')
  })

  it('a board still trying out an earlier update refuses (busy), and the job says why', async () => {
    const board = await h.board('t1')
    board.faults.onTrial = true
    const job = await h.service.start({ devices: ['t1'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 't1')).toMatchObject({ state: 'failed', reason: 'busy' })
    expect(device(end, 't1').message).toMatch(/earlier update/)
    expect(device(end, 't1').message).not.toMatch(/rolled back/)
    expect(board.events[0]).toMatchObject({ reason: 'busy', rolled_back: false })
  })

  it('an update_failed (rolled_back false) about this update ends the transfer with its reason', async () => {
    const board = await h.board('f1')
    board.faults.hold = 9 // the transfer stays at 9
    const job = await h.service.start({ devices: ['f1'] })
    await h.jobUntil(job.id, (j) => device(j, 'f1').next >= 8, 'f1 at 8')
    const update = board.statuses[0]!.update as string
    // The failed status was lost: only the event tells the app.
    event('f1', {
      event: 'update_failed',
      update,
      version: '0.1.0',
      reason: 'corrupt_chunk',
      rolled_back: false,
      chunk: 9,
    })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'f1')).toMatchObject({ state: 'failed', reason: 'corrupt_chunk' })
    expect(device(end, 'f1').message).toBe('A chunk kept arriving damaged')
  })

  it('skips a board already at the version and refuses one already in a running job', async () => {
    const board = await h.board('s1')
    board.version = '0.2.0'
    await board.connect()
    await h.until(() => h.presence.get('s1')?.fw === '0.2.0', 'fw 0.2.0')
    await h.board('s2')
    h.boards.get('s2')!.faults.mute = true
    const job = await h.service.start({ devices: ['s1'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 's1')).toMatchObject({ state: 'skipped', reason: 'up_to_date' })
    await h.service.start({ devices: ['s2'] })
    await expect(h.service.start({ devices: ['s2'] })).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('a board short of space says so with what it needs', async () => {
    await h.board('n1', { free: 1000 })
    const job = await h.service.start({ devices: ['n1'] })
    const end = await h.jobUntil(job.id, ended, 'job end')
    expect(device(end, 'n1')).toMatchObject({ state: 'failed', reason: 'no_space' })
    expect(device(end, 'n1').message).toMatch(/needs \d+ KiB, has 1 KiB/)
  })
})
