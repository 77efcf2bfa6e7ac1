import { EmptyState } from '../components/EmptyState'
import { ScreenHeader } from '../components/ScreenHeader'

export function BrokerScreen() {
  return (
    <>
      <ScreenHeader title="Broker" subtitle="Where your devices send their readings." />
      <EmptyState title="No broker connection yet" icon="⇄">
        <p>The built-in MQTT broker and connections to your own broker are configured here.</p>
      </EmptyState>
    </>
  )
}
