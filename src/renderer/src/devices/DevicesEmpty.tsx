import { useEffect, useState } from 'react'
import { useApi } from '../api/api-context'
import { hrefFor } from '../app/routes'
import { deviceAddress, useBrokerStatus } from '../broker/use-broker-status'
import { IssueCredentialForm } from '../broker/IssueCredentialForm'
import { CopyField } from '../components/CopyField'
import { EmptyState } from '../components/EmptyState'

/** No devices yet: flash a new board, or point an existing sensor at this app's broker. */
export function DevicesEmpty() {
  const api = useApi()
  const { status, error } = useBrokerStatus()
  // The address the installer writes onto boards: IOTCC_ADVERTISED_HOST wins over a LAN guess.
  const [advertised, setAdvertised] = useState<{ host: string; port: number } | null>()
  useEffect(() => {
    let current = true
    api.call('installer.brokerAddress', {}).then(
      (next) => current && setAdvertised(next),
      () => current && setAdvertised(null),
    )
    return () => {
      current = false
    }
  }, [api, status?.listeners])
  const lan = status ? deviceAddress(status) : null
  const address = lan && advertised ? { ...lan, host: advertised.host } : lan
  return (
    <EmptyState title="No devices yet" icon="▦">
      <p>
        <strong>New ESP32?</strong> Plug it in by USB and open the{' '}
        <a href={hrefFor('installer')}>Installer</a>: it flashes the firmware and your Wi-Fi
        settings in one go.
      </p>
      <div className="add-existing">
        <h3>Add an existing device</h3>
        <p>
          Sensors that already publish over MQTT show up by themselves: our firmware, Tasmota,
          ESPHome, Shelly, Zigbee2MQTT, BLE gateways (OpenMQTTGateway, Theengs), Home Assistant
          discovery, plain JSON, or strings like <code>temp:21,hum:40</code>. Anything else can be
          mapped to a device by hand on the <a href={hrefFor('topics')}>Topics</a> screen.
        </p>
        <p>
          <strong>Publishing to your own broker</strong> (Mosquitto, EMQX, HiveMQ)? Add it under{' '}
          <a href={hrefFor('broker')}>Broker → Add external broker</a>.
        </p>
        <p>
          <strong>Or use this app’s broker:</strong>
        </p>
        {address ? (
          <>
            <CopyField label="Broker host" value={address.host} />
            <CopyField label="Port" value={String(address.port)} />
          </>
        ) : status === undefined && error === undefined ? (
          // Still asking: saying "not running" now would be wrong for the first moment of
          // every visit.
          <p className="muted-inline" aria-busy="true">
            Looking up this app’s broker…
          </p>
        ) : (
          <p>
            The built-in broker is not running. Check the <a href={hrefFor('broker')}>Broker</a>{' '}
            screen.
          </p>
        )}
        <p className="add-existing__login">
          and give the device a login. With it, the device publishes under{' '}
          <code>iot/&lt;device id&gt;/…</code>, e.g. <code>iot/kitchen/telemetry</code>.
        </p>
        <IssueCredentialForm />
      </div>
    </EmptyState>
  )
}
