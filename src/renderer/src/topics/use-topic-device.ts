import type { Device } from '@shared/contract/devices'
import { useDeviceList } from '../store/use-device-list'
import { useLiveStore } from '../store/store-context'

/**
 * The device a topic is read into, if any: so that the Topics screen says "this is Office CO2"
 * instead of leaving the person to map a topic that already belongs to a device. Each device
 * keeps its latest topics (devices.topics); the newest device state comes from the live store.
 */
export function useTopicDevice(topic: string): Device | undefined {
  const { devices } = useDeviceList()
  const store = useLiveStore()
  for (const listed of devices) {
    const device = store.getEntry(listed.id)?.device ?? listed
    if (device.topics.includes(topic)) return device
  }
  return undefined
}
