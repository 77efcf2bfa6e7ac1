import { useEffect, useState } from 'react'
import type { z } from 'zod'
import type { InfluxMapping } from '@shared/contract/integrations'
import { useApi, useEvent } from '../api/api-context'

/** How a reading becomes an InfluxDB point: measurement, tags, fields, time, and examples. */
export function InfluxMappingView() {
  const api = useApi()
  const [mapping, setMapping] = useState<z.infer<typeof InfluxMapping>>()
  const [version, setVersion] = useState(0)
  useEffect(() => {
    api.call('integrations.influxMapping', {}).then(setMapping, () => undefined)
  }, [api, version])
  useEvent('integrations.changed', () => setVersion((v) => v + 1))
  if (!mapping) return null
  return (
    <div className="subsection">
      <h3>What InfluxDB receives</h3>
      <table className="device-table mapping-table">
        <tbody>
          <tr>
            <th scope="row">measurement</th>
            <td>
              <code>{mapping.measurement}</code>
            </td>
          </tr>
          {mapping.tags.map((t) => (
            <tr key={t.key}>
              <th scope="row">tag</th>
              <td>
                <code>{t.key}</code> — {t.meaning}
              </td>
            </tr>
          ))}
          {mapping.fields.map((f) => (
            <tr key={f.key}>
              <th scope="row">field</th>
              <td>
                <code>{f.key}</code> — {f.meaning}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">time</th>
            <td>{mapping.time}</td>
          </tr>
        </tbody>
      </table>
      {mapping.example.length > 0 && (
        <pre className="mono mapping-example" aria-label="Example line protocol">
          {mapping.example.join('\n')}
        </pre>
      )}
    </div>
  )
}
