import type { TopicMapping } from '@shared/contract/ingest'
import type { TopicSummary } from '@shared/contract/connections'
import { METRICS } from '@shared/metrics'
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { useApi } from '../api/api-context'
import { describeError } from '../lib/describe-error'
import { numericFields, suggestMapping, toMapping, type MappingDraft } from './map-topic-draft'

/**
 * "Map to device…": for a topic no built-in rule reads, say which device and metric its
 * number is. The app then reads every message on it that way (ingest.mappings).
 */
export function MapTopicForm({ topic }: { topic: TopicSummary }) {
  const api = useApi()
  const [existing, setExisting] = useState<TopicMapping | undefined>()
  const [draft, setDraft] = useState<MappingDraft>(() =>
    suggestMapping(topic.topic, topic.payload.text),
  )
  const [result, setResult] = useState<{ ok: boolean; text: string }>()
  const [busy, setBusy] = useState(false)
  const fields = topic.payload.encoding === 'hex' ? [] : numericFields(topic.payload.text)

  const refresh = useCallback(async () => {
    try {
      const all = await api.call('ingest.mappings.list', {})
      const mine = all.find((m) => m.topic === topic.topic)
      setExisting(mine)
      setDraft(suggestMapping(topic.topic, topic.payload.text, mine))
    } catch (err) {
      setResult({ ok: false, text: describeError(err) })
    }
    // The payload only seeds the first guess; a new message must not overwrite what is typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, topic.topic])
  useEffect(() => {
    setResult(undefined)
    void refresh()
  }, [refresh])

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    const mapping = toMapping(topic.topic, draft)
    if (typeof mapping === 'string') return setResult({ ok: false, text: mapping })
    setBusy(true)
    try {
      await api.call('ingest.mappings.set', mapping)
      setResult({
        ok: true,
        text: `Mapped: the next message on this topic becomes ${mapping.metric} of ${mapping.deviceId}.`,
      })
      await refresh()
    } catch (err) {
      setResult({ ok: false, text: describeError(err) })
    } finally {
      setBusy(false)
    }
  }

  const remove = async (): Promise<void> => {
    setBusy(true)
    try {
      await api.call('ingest.mappings.remove', { topic: topic.topic })
      setResult({ ok: true, text: 'Mapping removed; the built-in rules read this topic again.' })
      await refresh()
    } catch (err) {
      setResult({ ok: false, text: describeError(err) })
    } finally {
      setBusy(false)
    }
  }

  const set = (key: keyof MappingDraft) => (value: string) =>
    setDraft((d) => ({ ...d, [key]: value }))
  return (
    <details className="map-topic" open={existing !== undefined ? true : undefined}>
      <summary>
        {existing ? `Mapped to ${existing.deviceId} · ${existing.metric}` : 'Map to device…'}
      </summary>
      <p className="hint">
        For a sensor whose format the app does not know: say which device and metric this topic’s
        number is. Every message on it is then read that way.
      </p>
      <form
        className="publish-form"
        onSubmit={(e) => void save(e)}
        aria-label="Map topic to device"
      >
        <label>
          <span>Device id (an existing one adds a metric to it)</span>
          <input
            value={draft.deviceId}
            onChange={(e) => set('deviceId')(e.target.value)}
            required
          />
        </label>
        <label>
          <span>Metric</span>
          <input
            value={draft.metric}
            onChange={(e) => set('metric')(e.target.value)}
            list="map-topic-metrics"
            placeholder="temperature"
            required
          />
        </label>
        <datalist id="map-topic-metrics">
          {Object.entries(METRICS).map(([key, info]) => (
            <option key={key} value={key}>
              {info.label}
              {info.unit ? ` (${info.unit})` : ''}
            </option>
          ))}
        </datalist>
        {fields.length > 0 ? (
          <label>
            <span>JSON field holding the number</span>
            <select value={draft.field} onChange={(e) => set('field')(e.target.value)}>
              {fields.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <div className="publish-form__options">
          <button type="submit" className="primary" disabled={busy}>
            {existing ? 'Save mapping' : 'Map topic'}
          </button>
          {existing ? (
            <button type="button" disabled={busy} onClick={() => void remove()}>
              Remove mapping
            </button>
          ) : null}
        </div>
        {result ? (
          <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'note-ok' : 'note-error'}>
            {result.text}
          </p>
        ) : null}
      </form>
    </details>
  )
}
