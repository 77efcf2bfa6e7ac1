import type { DeviceRecord } from './device-record'

/** An unconfirmed device silent this long may make room for a new unconfirmed one. */
export const STALE_UNCONFIRMED_MS = 10 * 60_000

/**
 * A device is confirmed when something beyond "a message arrived on a topic" vouches for it:
 * it published with its own broker login, it speaks a presence protocol (our firmware's
 * birth/Last Will, Tasmota's LWT, an HA availability topic), or a person named, placed or
 * annotated it. Anything else is derived from a topic name, which anyone allowed to publish
 * can invent by the thousand.
 */
export function isConfirmed(record: DeviceRecord): boolean {
  return (
    record.hasLogin ||
    record.status !== null ||
    record.customName !== null ||
    record.location !== '' ||
    record.notes !== ''
  )
}

/**
 * Who gets a place in a full registry. Unconfirmed devices are kept in least-recently-heard
 * order (a Map's insertion order, O(1) per message), so that when the registry is full:
 * - a confirmed newcomer always gets in, in place of the stalest unconfirmed device;
 * - an unconfirmed newcomer gets in only in place of one silent for STALE_UNCONFIRMED_MS.
 * So 10,000 junk topics can fill the registry but never lock out a real board.
 */
export class DeviceAdmission {
  private readonly unconfirmed = new Map<string, number>()

  /** Rebuilds the order from loaded records (oldest heard first). */
  load(records: Iterable<DeviceRecord>): void {
    this.unconfirmed.clear()
    const list = [...records].filter((r) => !isConfirmed(r))
    list.sort((a, b) => (a.lastSeen ?? a.firstSeen) - (b.lastSeen ?? b.firstSeen))
    for (const r of list) this.unconfirmed.set(r.id, r.lastSeen ?? r.firstSeen)
  }

  /** After a record changed: moves it to the recent end, or out when it is now confirmed. */
  touch(record: DeviceRecord, now: number): void {
    this.unconfirmed.delete(record.id)
    if (!isConfirmed(record)) this.unconfirmed.set(record.id, now)
  }

  forget(id: string): void {
    this.unconfirmed.delete(id)
  }

  /** The device to evict so a newcomer fits, or null when it must be refused. */
  victim(confirmedNewcomer: boolean, now: number): string | null {
    const first = this.unconfirmed.entries().next()
    if (first.done) return null
    const [id, heardAt] = first.value
    return confirmedNewcomer || now - heardAt >= STALE_UNCONFIRMED_MS ? id : null
  }
}
