import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  claimIdPrefix,
  hostIdPrefix,
  isValidIdPrefix,
} from '../../../src/main/core/simulator/id-prefix'
import { simulatorIds } from '../../../src/main/core/simulator/simulator'

describe('virtual device ids', () => {
  it('keeps sim-001… for small fleets and pads to five digits for 10,000', () => {
    expect(simulatorIds('sim-', 3)).toEqual(['sim-001', 'sim-002', 'sim-003'])
    const big = simulatorIds('lab-', 10_000)
    expect([big[0], big.at(-1)]).toEqual(['lab-00001', 'lab-10000'])
    expect(new Set(big).size).toBe(10_000)
  })

  it('derives the default prefix from the host name, as a valid device id part', () => {
    expect(hostIdPrefix('Pi-Kitchen.local')).toBe('sim-pi-kitchen-')
    expect(hostIdPrefix('a_very_long host name that goes on')).toBe('sim-averylonghostnam-')
    expect(hostIdPrefix('---')).toBe('sim-host-')
    expect(isValidIdPrefix(hostIdPrefix('Pi-Kitchen.local'))).toBe(true)
    expect(isValidIdPrefix('lab/a')).toBe(false)
    expect(isValidIdPrefix('')).toBe(false)
  })
})

describe('claiming an id prefix on this machine', () => {
  let dir: string | undefined
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))
  const lockDir = () => (dir = mkdtempSync(join(tmpdir(), 'sim-locks-')))

  it('gives a second live copy the next prefix, and the first one back once released', () => {
    const locks = lockDir()
    const alive = () => true
    const first = claimIdPrefix('sim-box-', locks, 1001, alive)
    const second = claimIdPrefix('sim-box-', locks, 1002, alive)
    expect([first.prefix, second.prefix]).toEqual(['sim-box-', 'sim-box-2-'])
    first.release()
    expect(claimIdPrefix('sim-box-', locks, 1003, alive).prefix).toBe('sim-box-')
    expect(readFileSync(join(locks, 'sim-box-2-lock'), 'utf8')).toBe('1002')
  })

  it('takes over a lock whose process is gone', () => {
    const locks = lockDir()
    writeFileSync(join(locks, 'sim-box-lock'), '4242')
    const claim = claimIdPrefix('sim-box-', locks, 1001, (pid) => pid !== 4242)
    expect(claim.prefix).toBe('sim-box-')
    claim.release()
    expect(existsSync(join(locks, 'sim-box-lock'))).toBe(false)
  })

  it('does not remove a lock another copy has taken over since', () => {
    const locks = lockDir()
    const claim = claimIdPrefix('sim-box-', locks, 1001, () => false)
    writeFileSync(join(locks, 'sim-box-lock'), '2002')
    claim.release()
    expect(readFileSync(join(locks, 'sim-box-lock'), 'utf8')).toBe('2002')
  })
})
