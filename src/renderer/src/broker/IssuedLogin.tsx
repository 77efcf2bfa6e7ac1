import type { ReactNode } from 'react'
import type { IssuedCredential } from '@shared/contract/broker'

/**
 * A login just created: the copy fields (children), its extra topics, and what to change
 * in the seed tutorial's publisher so the broker lets it in: the client id is bound to the
 * login (client-id-policy), so `CLIENT_ID` must be the device id.
 */
export function IssuedLogin({
  issued,
  children,
}: {
  issued: IssuedCredential
  children: ReactNode
}) {
  return (
    <div className="issued" role="status">
      <p>
        Login for <strong>{issued.deviceId}</strong>. Copy the password now: it is not shown again.
      </p>
      {children}
      <p>
        {issued.allow.length > 0 ? (
          <>
            May also use: <ExtraTopicList topics={issued.allow} />
          </>
        ) : (
          <>
            May use only <code>iot/{issued.deviceId}/…</code>.
          </>
        )}
      </p>
      <p className="hint">
        In the tutorial’s code, set <code>CLIENT_ID</code> to exactly this device id (any other
        client id is refused with “not authorized”) and pass the login to <code>MQTTClient</code>:
      </p>
      <pre className="code-block" aria-label="Tutorial code with this login">
        {`CLIENT_ID = "${issued.deviceId}"\nclient = MQTTClient(CLIENT_ID, BROKER_IP, user="${issued.username}", password="<the password above>")`}
      </pre>
    </div>
  )
}

/** Extra topics as code chips, or a dash. */
export function ExtraTopicList({ topics }: { topics: readonly string[] }) {
  if (topics.length === 0) return <span className="muted-inline">none</span>
  return (
    <span className="topic-chips">
      {topics.map((t) => (
        <code key={t}>{t}</code>
      ))}
    </span>
  )
}
