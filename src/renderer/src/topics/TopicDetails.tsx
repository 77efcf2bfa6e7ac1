import type { TopicSummary } from '@shared/contract/connections'
import { hrefFor } from '../app/routes'
import { Age } from '../components/Age'
import { FORMAT_LABELS } from '../lib/formats'
import { MapTopicForm } from './MapTopicForm'
import { formatDateTime } from '../lib/time'
import { useTopicDevice } from './use-topic-device'

/** A payload as the person wants to read it: JSON pretty-printed, other text as is, binary as hex. */
function prettyPayload(t: TopicSummary): { text: string; kind: string } {
  const { payload } = t
  if (payload.encoding === 'hex') return { text: payload.text, kind: 'binary (hex)' }
  try {
    const value: unknown = JSON.parse(payload.text)
    if (typeof value === 'object' && value !== null)
      return { text: JSON.stringify(value, null, 2), kind: 'JSON' }
  } catch {
    // Not JSON: shown as text.
  }
  return { text: payload.text, kind: 'text' }
}

const count = new Intl.NumberFormat()

export function TopicDetails({ topic }: { topic: TopicSummary }) {
  const { text, kind } = prettyPayload(topic)
  const device = useTopicDevice(topic.topic)
  const facts: [string, React.ReactNode][] = [
    [
      'Device',
      device ? (
        <a key="device" href={hrefFor('devices', device.id)}>
          {device.name} ({FORMAT_LABELS[device.format]})
        </a>
      ) : (
        'none'
      ),
    ],
    ['Messages', count.format(topic.count)],
    ['Last message', <Age key="age" ts={topic.lastAt} />],
    ['Retained', topic.retained ? 'yes' : 'no'],
    ['QoS', String(topic.qos)],
    ['Size', `${count.format(topic.payload.bytes)} bytes`],
    ['Via', topic.source === 'embedded' ? 'Built-in broker' : topic.source],
  ]
  return (
    <section className="card topic-details" aria-labelledby="topic-title">
      <h2 id="topic-title">
        <code>{topic.topic}</code>
      </h2>
      <dl className="fact-row">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="payload-head">
        <h3>Last payload</h3>
        <span className="hint">
          {kind}
          {topic.payload.truncated ? ', cut short' : ''} · received {formatDateTime(topic.lastAt)}
        </span>
      </div>
      <pre className="payload" data-testid="topic-payload">
        {text === '' ? '(empty)' : text}
      </pre>
      <MapTopicForm topic={topic} />
    </section>
  )
}
