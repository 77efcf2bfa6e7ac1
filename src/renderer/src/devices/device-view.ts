import type { Device } from '@shared/contract/devices'
import { FORMAT_LABELS } from '../lib/formats'

export const SORTS = [
  { value: 'name', label: 'Name' },
  { value: 'status', label: 'Online first' },
  { value: 'location', label: 'Location' },
  { value: 'newest', label: 'Newest first' },
  { value: 'signal', label: 'Weakest signal first' },
] as const
export type SortKey = (typeof SORTS)[number]['value']

export interface DeviceGroup {
  /** Location name; '' for devices without one. */
  location: string
  ids: string[]
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

function compare(sort: SortKey): (a: Device, b: Device) => number {
  const byName = (a: Device, b: Device): number =>
    collator.compare(a.name, b.name) || collator.compare(a.id, b.id)
  switch (sort) {
    case 'name':
      return byName
    case 'status':
      return (a, b) => rankOnline(a) - rankOnline(b) || byName(a, b)
    case 'location':
      // Devices without a location go last.
      return (a, b) =>
        Number(a.location === '') - Number(b.location === '') ||
        collator.compare(a.location, b.location) ||
        byName(a, b)
    case 'newest':
      return (a, b) => b.firstSeen - a.firstSeen || byName(a, b)
    case 'signal':
      return (a, b) => (a.info.rssi ?? 1) - (b.info.rssi ?? 1) || byName(a, b)
  }
}

function rankOnline(d: Device): number {
  return d.online === true ? 0 : d.online === null ? 1 : 2
}

/** Lower-cased searchable text per device object: devices are immutable snapshots. */
const haystacks = new WeakMap<Device, string>()

function haystack(device: Device): string {
  let text = haystacks.get(device)
  if (text === undefined) {
    const { name, id, location, info, format } = device
    // A line break between fields: a query never matches across two of them.
    text = [name, id, location, info.fw ?? '', info.ip ?? '', FORMAT_LABELS[format]]
      .join('\n')
      .toLowerCase()
    haystacks.set(device, text)
  }
  return text
}

/** Case-insensitive match on name, id, location, firmware, format and address. */
export function matches(device: Device, query: string): boolean {
  const q = query.trim().toLowerCase()
  return q === '' || haystack(device).includes(q)
}

/** Filters, sorts and (optionally) groups by location; one group without a name when not grouping. */
export function arrange(
  devices: readonly Device[],
  query: string,
  sort: SortKey,
  groupByLocation: boolean,
): DeviceGroup[] {
  const shown = devices.filter((d) => matches(d, query)).sort(compare(sort))
  if (!groupByLocation) return [{ location: '', ids: shown.map((d) => d.id) }]
  const groups = new Map<string, string[]>()
  for (const d of shown) {
    const ids = groups.get(d.location) ?? []
    ids.push(d.id)
    groups.set(d.location, ids)
  }
  return [...groups.entries()]
    .sort(([a], [b]) => Number(a === '') - Number(b === '') || collator.compare(a, b))
    .map(([location, ids]) => ({ location, ids }))
}
