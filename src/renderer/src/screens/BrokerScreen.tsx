import { useEffect, useRef } from 'react'
import { useRoute } from '../app/routes'
import { EmbeddedBrokerCard } from '../broker/EmbeddedBrokerCard'
import { ConnectionsCard } from '../broker/ConnectionsCard'
import { CredentialsCard } from '../broker/CredentialsCard'
import { DataPathCard } from '../broker/DataPathCard'
import { RefusalsCard } from '../broker/RefusalsCard'
import { TlsCard } from '../broker/TlsCard'
import { useBrokerStatus } from '../broker/use-broker-status'
import { REFUSED } from '../broker/use-refusals'
import { useCredentials } from '../broker/use-credentials'
import { ErrorBanner } from '../components/ErrorBanner'
import { ScreenHeader } from '../components/ScreenHeader'

export function BrokerScreen() {
  const { status, error, reload } = useBrokerStatus()
  const credentials = useCredentials()
  const route = useRoute()
  const refusalsRef = useRef<HTMLElement>(null)
  // `#/broker/refused` (the Topics screen's link) lands on the Refused topics card. Only once
  // the cards above it have loaded: their height would move it out of view again.
  const laidOut =
    (status !== undefined || error !== undefined) &&
    (credentials.list !== undefined || credentials.error !== undefined)
  const target = route.rest[0]
  useEffect(() => {
    if (target !== REFUSED || !laidOut) return
    refusalsRef.current?.scrollIntoView({ block: 'start' })
    refusalsRef.current?.focus({ preventScroll: true })
  }, [target, laidOut])
  return (
    <>
      <ScreenHeader title="Broker" subtitle="Where your devices send their readings." />
      <ErrorBanner error={error} onRetry={reload} />
      {status && <EmbeddedBrokerCard status={status} />}
      <DataPathCard />
      {/* Full width: a login's row carries its extra topics, which a half-width card wrapped
          into a letter column. Refusals follow the logins they are allowed for. */}
      <CredentialsCard {...credentials} />
      <RefusalsCard
        credentials={credentials.list}
        onAllowed={credentials.reload}
        sectionRef={refusalsRef}
      />
      <TlsCard />
      <ConnectionsCard />
    </>
  )
}
