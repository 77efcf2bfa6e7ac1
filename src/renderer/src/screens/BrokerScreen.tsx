import { EmbeddedBrokerCard } from '../broker/EmbeddedBrokerCard'
import { ConnectionsCard } from '../broker/ConnectionsCard'
import { CredentialsCard } from '../broker/CredentialsCard'
import { DataPathCard } from '../broker/DataPathCard'
import { RefusalsCard } from '../broker/RefusalsCard'
import { TlsCard } from '../broker/TlsCard'
import { useBrokerStatus } from '../broker/use-broker-status'
import { useCredentials } from '../broker/use-credentials'
import { ErrorBanner } from '../components/ErrorBanner'
import { ScreenHeader } from '../components/ScreenHeader'

export function BrokerScreen() {
  const { status, error, reload } = useBrokerStatus()
  const credentials = useCredentials()
  return (
    <>
      <ScreenHeader title="Broker" subtitle="Where your devices send their readings." />
      <ErrorBanner error={error} onRetry={reload} />
      {status && <EmbeddedBrokerCard status={status} />}
      <DataPathCard />
      <div className="broker-grid">
        <CredentialsCard {...credentials} />
        <TlsCard />
      </div>
      <RefusalsCard credentials={credentials.list} onAllowed={credentials.reload} />
      <ConnectionsCard />
    </>
  )
}
