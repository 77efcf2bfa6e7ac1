/** Wi-Fi RSSI as four bars plus the dBm value; bar thresholds follow common Wi-Fi guidance. */
export function SignalStrength({ rssi }: { rssi: number | null }) {
  if (rssi === null) return <span className="signal signal--none">–</span>
  const bars = rssi >= -55 ? 4 : rssi >= -67 ? 3 : rssi >= -75 ? 2 : rssi >= -85 ? 1 : 0
  const quality = ['very weak', 'weak', 'fair', 'good', 'excellent'][bars]
  return (
    <span className="signal" title={`Wi-Fi signal ${quality} (${rssi} dBm)`}>
      <span className="signal__bars" aria-hidden="true">
        {[1, 2, 3, 4].map((i) => (
          <span key={i} className={i <= bars ? 'on' : undefined} style={{ height: `${i * 25}%` }} />
        ))}
      </span>
      <span className="signal__value">{rssi} dBm</span>
    </span>
  )
}
