import type { HistoryOverrides } from './history-choice'

/** `serve` flags that choose the history store (each also readable from the environment). */
export interface HistoryFlags {
  history?: string
  'influx-url'?: string
  'influx-version'?: string
  'influx-org'?: string
}

export const HISTORY_USAGE = `  --history STORE    sqlite (default) | influx: where readings history is written and read
                     (or $IOTCC_HISTORY; README "InfluxDB as the history store")
  --influx-url URL   the InfluxDB for --history influx, http://[user:pass@]host:8086/NAME
                     with NAME the 1.x database or the 2.x bucket (or $IOTCC_HISTORY_URL,
                     which keeps a password out of the process list); fields not given come
                     from the InfluxDB settings under Integrations
  --influx-version V 1 or 2 (or $IOTCC_INFLUX_VERSION); 2.x reads its token from
                     $IOTCC_INFLUX_TOKEN only
  --influx-org ORG   the 2.x organisation (or $IOTCC_INFLUX_ORG)
`

/**
 * History flags → overrides for createHistoryStore. An InfluxDB URL alone means
 * `--history influx`. Throws an Error with a readable message; never echoes a password.
 */
export function parseHistoryFlags(values: HistoryFlags, env: NodeJS.ProcessEnv): HistoryOverrides {
  const url = values['influx-url'] ?? (env.IOTCC_HISTORY_URL || undefined)
  const store = values.history ?? (env.IOTCC_HISTORY || undefined) ?? (url ? 'influx' : undefined)
  if (store !== undefined && store !== 'sqlite' && store !== 'influx') {
    throw new Error(`--history must be sqlite or influx (got "${store}").`)
  }
  const version = values['influx-version'] ?? (env.IOTCC_INFLUX_VERSION || undefined)
  if (version !== undefined && version !== '1' && version !== '2') {
    throw new Error(`--influx-version must be 1 or 2 (got "${version}").`)
  }
  if (url !== undefined && !/^https?:\/\/[^/\s]+/.test(url)) {
    const shown = url.replace(/\/\/[^@/\s]*@/, '//***@')
    throw new Error(`--influx-url must look like http://host:8086/iot, got "${shown}".`)
  }
  if (store === 'sqlite' && url !== undefined) {
    throw new Error('--history sqlite and an InfluxDB URL contradict each other.')
  }
  return {
    store,
    url,
    version,
    org: values['influx-org'] ?? (env.IOTCC_INFLUX_ORG || undefined),
    token: env.IOTCC_INFLUX_TOKEN || undefined,
  }
}
