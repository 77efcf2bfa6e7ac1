import { DeviceListView } from '../devices/DeviceListView'
import { DeviceDetailView } from '../device-detail/DeviceDetailView'

/** `#/devices` lists them; `#/devices/<id>` shows one. */
export function DevicesScreen({ rest }: { rest: string[] }) {
  const id = rest[0]
  return id ? <DeviceDetailView key={id} id={id} /> : <DeviceListView />
}
