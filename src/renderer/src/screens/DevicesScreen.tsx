import { EmptyState } from '../components/EmptyState'
import { ScreenHeader } from '../components/ScreenHeader'

export function DevicesScreen() {
  return (
    <>
      <ScreenHeader title="Devices" subtitle="Every sensor that talks to this app." />
      <EmptyState title="No devices yet: plug one in" icon="▦">
        <p>
          Connect an ESP32 by USB and open the <a href="#/installer">Installer</a> to flash it in
          one click.
        </p>
        <p>
          Already have a sensor publishing over MQTT? Point it at this app&apos;s broker (see{' '}
          <a href="#/broker">Broker</a>) and it appears here.
        </p>
      </EmptyState>
    </>
  )
}
