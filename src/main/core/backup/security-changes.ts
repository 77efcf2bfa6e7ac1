import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { z } from 'zod'
import type { SecurityChange } from '../../../shared/contract/backup'
import { Settings } from '../../../shared/contract/settings'
import { parseJsonDocument, type JsonDocument } from '../base/json-store'
import { INTEGRATIONS_DOCUMENT } from '../integrations/integrations-store'
import { CONNECTIONS_DOCUMENT } from '../mqtt/connection-store'
import { SETTINGS_DOCUMENT } from '../settings/settings-store'
import { sha256File } from './manifest'
import { CREDENTIALS_DOCUMENT } from './state-documents'

/** The part of a data folder that decides who can reach the app and where data goes. */
interface SecurityView {
  broker: Settings['broker']
  /** device id → password hash */
  logins: Map<string, string>
  connections: z.output<typeof CONNECTIONS_DOCUMENT.schema>['connections']
  influx: { enabled: boolean; url: string } | null
  /** broker-tls/<file> → SHA-256 */
  tls: Map<string, string>
}

/** A document as its store would load it; a missing or unusable one counts as its defaults. */
async function read<S extends z.ZodType>(
  dir: string,
  doc: JsonDocument<S>,
): Promise<z.output<S> | null> {
  try {
    return parseJsonDocument(await readFile(join(dir, doc.name), 'utf8'), doc).value
  } catch {
    return null
  }
}

async function view(dir: string): Promise<SecurityView> {
  const settings = (await read(dir, SETTINGS_DOCUMENT)) ?? Settings.parse({})
  const credentials = await read(dir, CREDENTIALS_DOCUMENT)
  const connections = await read(dir, CONNECTIONS_DOCUMENT)
  const integrations = await read(dir, INTEGRATIONS_DOCUMENT)
  const tls = new Map<string, string>()
  const tlsDir = join(dir, 'broker-tls')
  if (existsSync(tlsDir)) {
    for (const name of readdirSync(tlsDir).sort())
      tls.set(name, await sha256File(join(tlsDir, name)))
  }
  return {
    broker: settings.broker,
    logins: new Map((credentials?.devices ?? []).map((d) => [d.deviceId, d.hash])),
    connections: connections?.connections ?? [],
    influx: integrations
      ? { enabled: integrations.influx.enabled, url: integrations.influx.url }
      : null,
    tls,
  }
}

const onOff = (on: boolean): string => (on ? 'on' : 'off')
const port = (p: number | null): string =>
  p === null ? 'off' : p === 0 ? 'any free port' : String(p)

/**
 * What replacing the data folder `currentDir` with `incomingDir` (an extracted, verified
 * archive's `data/`) would change in security settings, in the order the person should
 * read them. Empty when nothing security-relevant differs.
 */
export async function securityChanges(
  currentDir: string,
  incomingDir: string,
): Promise<SecurityChange[]> {
  const now = await view(currentDir)
  const next = await view(incomingDir)
  const out: SecurityChange[] = []
  const add = (area: SecurityChange['area'], text: string, opens: boolean) =>
    out.push({ area, text, opens })
  const a = now.broker
  const b = next.broker

  if (a.allowAnonymousLoopback !== b.allowAnonymousLoopback)
    add(
      'anonymous',
      `Anonymous MQTT access from this computer: ${onOff(a.allowAnonymousLoopback)} → ${onOff(b.allowAnonymousLoopback)}`,
      b.allowAnonymousLoopback,
    )
  if (a.embedded !== b.embedded)
    add('listeners', `Built-in broker: ${onOff(a.embedded)} → ${onOff(b.embedded)}`, b.embedded)
  if (a.bindHost !== b.bindHost)
    add('listeners', `Broker listens on ${a.bindHost} → ${b.bindHost}`, b.bindHost === '0.0.0.0')
  if (a.port !== b.port) add('listeners', `MQTT port: ${port(a.port)} → ${port(b.port)}`, false)
  if (a.wsPort !== b.wsPort)
    add(
      'listeners',
      `MQTT over WebSocket: ${port(a.wsPort)} → ${port(b.wsPort)}`,
      a.wsPort === null,
    )
  if (a.tls.enabled !== b.tls.enabled)
    add('tls', `TLS listener: ${onOff(a.tls.enabled)} → ${onOff(b.tls.enabled)}`, !b.tls.enabled)
  else if (b.tls.enabled && a.tls.port !== b.tls.port)
    add('tls', `TLS port: ${a.tls.port} → ${b.tls.port}`, false)
  const tlsFiles = new Set([...now.tls.keys(), ...next.tls.keys()])
  const replaced = [...tlsFiles].filter((f) => now.tls.get(f) !== next.tls.get(f))
  if (replaced.length > 0)
    add('tls', `Broker CA and keys replaced by the backup's (${replaced.join(', ')})`, true)

  for (const [id, hash] of next.logins) {
    if (!now.logins.has(id)) add('logins', `Device login added: ${id}`, true)
    else if (now.logins.get(id) !== hash)
      add('logins', `Device login for ${id} gets another password`, true)
  }
  for (const id of now.logins.keys())
    if (!next.logins.has(id))
      add('logins', `Device login removed: ${id} (it can no longer connect)`, false)

  const before = new Map(now.connections.map((c) => [c.id, c]))
  const after = new Map(next.connections.map((c) => [c.id, c]))
  for (const [id, c] of after) {
    const old = before.get(id)
    const label = `${c.name} (${c.url})`
    if (!old)
      add(
        'connections',
        `External broker added: ${label}${c.enabled ? '' : ', disabled'}`,
        c.enabled,
      )
    else if (
      old.url !== c.url ||
      old.username !== c.username ||
      old.rejectUnauthorized !== c.rejectUnauthorized
    )
      add('connections', `External broker changed: ${old.name} (${old.url}) → ${label}`, true)
    else if (old.enabled !== c.enabled)
      add(
        'connections',
        `External broker ${label}: ${c.enabled ? 'enabled' : 'disabled'}`,
        c.enabled,
      )
  }
  for (const [id, c] of before)
    if (!after.has(id)) add('connections', `External broker removed: ${c.name} (${c.url})`, false)

  const fa = now.influx
  const fb = next.influx
  const sends = (f: typeof fa) => (f?.enabled ? f.url : null)
  if (sends(fa) !== sends(fb))
    add(
      'forwarding',
      `Readings forwarded to InfluxDB: ${sends(fa) ?? 'off'} → ${sends(fb) ?? 'off'}`,
      sends(fb) !== null,
    )
  return out
}
