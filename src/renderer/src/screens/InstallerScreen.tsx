import { EmptyState } from '../components/EmptyState'
import { ScreenHeader } from '../components/ScreenHeader'

export function InstallerScreen() {
  return (
    <>
      <ScreenHeader
        title="Installer"
        subtitle="Flash MicroPython and our firmware onto an ESP32."
      />
      <EmptyState title="Plug in an ESP32 by USB" icon="⚡">
        <p>
          Use a data-capable USB cable. The board appears here as soon as the system sees its serial
          port.
        </p>
      </EmptyState>
    </>
  )
}
