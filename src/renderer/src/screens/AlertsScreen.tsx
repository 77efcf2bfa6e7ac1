import { EmptyState } from '../components/EmptyState'
import { ScreenHeader } from '../components/ScreenHeader'

export function AlertsScreen() {
  return (
    <>
      <ScreenHeader
        title="Alerts"
        subtitle="Rules that watch your readings and tell you when something is off."
      />
      <EmptyState title="No alert rules yet" icon="⚠">
        <p>
          Rules such as “temperature above 28 °C for 5 minutes” or “device offline” are created
          here.
        </p>
      </EmptyState>
    </>
  )
}
