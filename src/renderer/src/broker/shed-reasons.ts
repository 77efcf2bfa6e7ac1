/**
 * What each `shed` counter of `ingest.stats` means, in words for the person reading the
 * Broker screen: what was given up, whether stored data is affected, and what to do.
 */
export interface ShedLine {
  kind: string
  count: number
  title: string
  detail: string
  /** info: only a view or a sample lost; warn: data turned away; error: stored data lost. */
  severity: 'info' | 'warn' | 'error'
}

const count = new Intl.NumberFormat()

type Words = (n: string) => Omit<ShedLine, 'kind' | 'count'>

const WORDS: Record<string, Words> = {
  uiReadings: (n) => ({
    title: `${n} readings left out of the live view`,
    detail:
      'More arrived than the screen could take, so live updates were trimmed. They are stored: history, exports, alerts and InfluxDB have every one.',
    severity: 'info',
  }),
  storeFailed: (n) => ({
    title: `${n} readings lost`,
    detail:
      'The database could not write them (is the disk full or read-only?). They are missing from history and exports.',
    severity: 'error',
  }),
  unparsedEvicted: (n) => ({
    title: `${n} unreadable messages not kept as samples`,
    detail:
      'Only the latest 200 messages no parser could read are kept for inspection; every one is still counted.',
    severity: 'info',
  }),
  topicsEvicted: (n) => ({
    title: `${n} topics forgotten by the topic explorer`,
    detail:
      'The explorer remembers a limited number of topics and drops the least recently active. Readings from those topics are not affected.',
    severity: 'info',
  }),
  devicesRefused: (n) => ({
    title: `${n} messages from new devices turned away`,
    detail:
      'The app already knows as many devices as it can keep. Forget devices you no longer use to make room; known devices are not affected.',
    severity: 'warn',
  }),
}

/** Every non-zero counter, the worst first; kinds this version does not know are still shown. */
export function describeShed(shed: Record<string, number>): ShedLine[] {
  const rank = { error: 0, warn: 1, info: 2 }
  return Object.entries(shed)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => {
      const words: Words =
        WORDS[kind] ??
        ((text) => ({
          title: `${text} × ${kind}`,
          detail: 'Given up by the data path (a kind this version of the app cannot describe).',
          severity: 'warn',
        }))
      return { kind, count: n, ...words(count.format(n)) }
    })
    .sort((a, b) => rank[a.severity] - rank[b.severity] || b.count - a.count)
}
