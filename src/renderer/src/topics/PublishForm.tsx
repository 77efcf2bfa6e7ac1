import { useEffect, useState, type FormEvent } from 'react'
import { useApi } from '../api/api-context'
import { useConnections } from '../broker/use-connections'
import { describeError } from '../lib/describe-error'

/** Publish one message, e.g. to test a device or clear a retained topic (empty payload + retain). */
export function PublishForm({ initialTopic }: { initialTopic: string | undefined }) {
  const api = useApi()
  const { connections } = useConnections()
  const [topic, setTopic] = useState(initialTopic ?? '')
  const [payload, setPayload] = useState('')
  const [qos, setQos] = useState<0 | 1 | 2>(0)
  const [retain, setRetain] = useState(false)
  const [connectionId, setConnectionId] = useState('embedded')
  const [result, setResult] = useState<{ ok: boolean; text: string }>()
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (initialTopic !== undefined) setTopic(initialTopic)
  }, [initialTopic])

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setResult(undefined)
    try {
      await api.call('mqtt.publish', { topic: topic.trim(), payload, qos, retain, connectionId })
      setResult({ ok: true, text: `Published to ${topic.trim()}.` })
    } catch (err) {
      setResult({ ok: false, text: describeError(err) })
    } finally {
      setBusy(false)
    }
  }

  const usable = connections?.filter((c) => c.state.status === 'connected') ?? []
  return (
    <section className="card" aria-labelledby="publish-title">
      <h2 id="publish-title">Publish</h2>
      <form className="publish-form" onSubmit={(e) => void submit(e)}>
        <label>
          <span>Topic</span>
          <input
            required
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
            placeholder="home/sensors/temp_hum"
          />
        </label>
        <label>
          <span>Payload</span>
          <textarea
            rows={4}
            value={payload}
            onChange={(e) => setPayload(e.target.value)}
            placeholder='{"cmd":"identify"} or temp:21,hum:40'
          />
        </label>
        <div className="publish-form__options">
          <label>
            <span>QoS</span>
            <select value={qos} onChange={(e) => setQos(Number(e.target.value) as 0 | 1 | 2)}>
              <option value={0}>0</option>
              <option value={1}>1</option>
              <option value={2}>2</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={retain} onChange={(e) => setRetain(e.target.checked)} />
            Retain
          </label>
          {usable.length > 1 && (
            <label>
              <span>Via</span>
              <select value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
                {usable.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.builtIn ? 'Built-in broker' : c.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <span className="spacer" />
          <button type="submit" className="primary" disabled={busy || topic.trim() === ''}>
            Publish
          </button>
        </div>
        {result && (
          <p className={result.ok ? 'note-ok' : 'note-error'} role={result.ok ? 'status' : 'alert'}>
            {result.text}
          </p>
        )}
        {retain && payload === '' && (
          <p className="hint">An empty retained message clears the topic’s retained value.</p>
        )}
      </form>
    </section>
  )
}
