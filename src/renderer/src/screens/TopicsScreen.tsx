import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react'
import { useApi } from '../api/api-context'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { ScreenHeader } from '../components/ScreenHeader'
import { PublishForm } from '../topics/PublishForm'
import { RefusedNotice } from '../topics/RefusedNotice'
import { TopicDetails } from '../topics/TopicDetails'
import { TopicTree } from '../topics/TopicTree'
import { topicCountText } from '../topics/topic-count'
import { buildTopicTree } from '../topics/topic-tree'
import { useTopics } from '../topics/use-topics'

const count = new Intl.NumberFormat()
/** How often the explorer's cap and forgotten count are re-read while the screen is open. */
const CAP_EVERY_MS = 5000

/** `topics.list`'s cap and how many topics were forgotten past it (not in the live events). */
function useTopicLimits(): { cap: number; evicted: number } | undefined {
  const api = useApi()
  const [limits, setLimits] = useState<{ cap: number; evicted: number }>()
  useEffect(() => {
    let current = true
    const read = (): void => {
      api.call('topics.list', { limit: 1 }).then(
        ({ cap, evicted }) => current && setLimits({ cap, evicted }),
        () => {}, // the list's own error shows in the banner
      )
    }
    read()
    const timer = setInterval(read, CAP_EVERY_MS)
    return () => {
      current = false
      clearInterval(timer)
    }
  }, [api])
  return limits
}

/** Live topic tree with counts, the last payload of the chosen topic, and a publish form. */
export function TopicsScreen() {
  const snapshot = useTopics()
  const limits = useTopicLimits()
  const [filter, setFilter] = useState('')
  const deferredFilter = useDeferredValue(filter)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set())
  const [selected, setSelected] = useState<string>()
  const { topics } = snapshot
  const tree = useMemo(
    () => buildTopicTree(topics.values(), deferredFilter),
    [topics, deferredFilter],
  )
  // While filtering, everything that matches is shown open.
  const shownExpanded = useMemo(
    () => (deferredFilter.trim() ? allPaths(tree) : expanded),
    [deferredFilter, tree, expanded],
  )
  const toggle = useCallback((path: string, open?: boolean) => {
    setExpanded((old) => {
      const next = new Set(old)
      if (open ?? !old.has(path)) next.add(path)
      else next.delete(path)
      return next
    })
  }, [])
  const chosen = selected ? topics.get(selected) : undefined

  return (
    <>
      <ScreenHeader
        title="Topics"
        subtitle="Every MQTT topic seen on the broker, live."
        actions={
          <span
            className="muted-inline"
            aria-live="polite"
            title={
              limits && limits.evicted > 0
                ? `The explorer keeps the ${count.format(limits.cap)} most recently updated topics.`
                : undefined
            }
          >
            {topicCountText(topics.size, limits)}
          </span>
        }
      />
      <ErrorBanner error={snapshot.error} />
      <RefusedNotice />
      <div className="topics-layout">
        <section className="card topics-tree-card" aria-label="Topic tree">
          <input
            type="search"
            className="topics-filter"
            placeholder="Filter topics…"
            aria-label="Filter topics"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          {snapshot.loaded && topics.size === 0 ? (
            <EmptyState title="No topics yet" icon="☰">
              <p>Topics appear here as soon as anything publishes to the broker.</p>
            </EmptyState>
          ) : (
            <TopicTree
              nodes={tree}
              expanded={shownExpanded}
              onToggle={toggle}
              selected={selected}
              onSelect={setSelected}
            />
          )}
        </section>
        <div className="topics-side">
          {chosen ? (
            <TopicDetails topic={chosen} />
          ) : (
            <section className="card topic-details topic-details--empty">
              <p className="muted-inline">Choose a topic to see its last payload.</p>
            </section>
          )}
          <PublishForm initialTopic={selected} />
        </div>
      </div>
    </>
  )
}

function allPaths(nodes: ReturnType<typeof buildTopicTree>, out = new Set<string>()): Set<string> {
  for (const n of nodes) {
    if (n.children.length > 0) {
      out.add(n.path)
      allPaths(n.children, out)
    }
  }
  return out
}
