/**
 * What Zigbee2MQTT's retained `zigbee2mqtt/bridge/devices` list told us about each device:
 * its model and vendor for the device list, and the unit of each numeric property it
 * exposes (a battery sensor's `voltage` is in mV, a plug's in V). Rebuilt from the retained
 * list on every (re)subscribe, never persisted.
 */
export interface Z2mDevice {
  friendlyName: string
  ieeeAddress: string
  model?: string
  vendor?: string
  description?: string
  /** metric → unit as the device's `exposes` list states it (`voltage` → `mV`). */
  units: ReadonlyMap<string, string>
}

/** Bound on remembered devices, so a hostile list cannot grow memory without end. */
export const MAX_Z2M_DEVICES = 2000

export class Z2mRegistry {
  private byName = new Map<string, Z2mDevice>()

  /** Replaces everything known with one bridge/devices list (it is always the full list). */
  replace(devices: readonly Z2mDevice[]): void {
    this.byName = new Map(devices.slice(0, MAX_Z2M_DEVICES).map((d) => [d.friendlyName, d]))
  }

  get(friendlyName: string): Z2mDevice | undefined {
    return this.byName.get(friendlyName)
  }

  get size(): number {
    return this.byName.size
  }

  clear(): void {
    this.byName.clear()
  }
}
