import type { Device } from '../../../src/shared/contract/devices'

/** A device as devices.list returns it, with only what a test cares about set. */
export function device(id: string, patch: Partial<Device> = {}): Device {
  return {
    id,
    name: id,
    customName: null,
    reportedName: null,
    format: 'ours',
    online: true,
    presence: 'status',
    firstSeen: 0,
    lastSeen: 0,
    latest: {},
    info: { fw: null, mp: null, chip: null, sensor: null, ip: null, mac: null, rssi: null },
    location: '',
    notes: '',
    topics: [],
    source: 'embedded',
    ...patch,
  }
}
