import type { TopicSummary } from '@shared/contract/connections'

export interface TopicNode {
  /** This level's name (may be '' for an empty level, e.g. a leading '/'). */
  name: string
  /** Full topic up to this level. */
  path: string
  children: TopicNode[]
  /** The topic itself when messages arrived exactly here. */
  topic?: TopicSummary
  /** Messages in this subtree, and how many topics it holds. */
  count: number
  topics: number
  lastAt: number
}

interface Building {
  name: string
  path: string
  children: Map<string, Building>
  topic?: TopicSummary
}

const collator = new Intl.Collator(undefined, { numeric: true })

/** Builds the tree of topic levels (MQTT 3.1.1 §4.7.1: levels are separated by '/'). */
export function buildTopicTree(topics: Iterable<TopicSummary>, filter = ''): TopicNode[] {
  const root: Building = { name: '', path: '', children: new Map() }
  const needle = filter.trim().toLowerCase()
  for (const t of topics) {
    if (needle && !t.topic.toLowerCase().includes(needle)) continue
    let node = root
    const levels = t.topic.split('/')
    levels.forEach((level, i) => {
      let child = node.children.get(level)
      if (!child) {
        child = { name: level, path: levels.slice(0, i + 1).join('/'), children: new Map() }
        node.children.set(level, child)
      }
      node = child
    })
    node.topic = t
  }
  return finish(root).children
}

function finish(node: Building): TopicNode {
  const children = [...node.children.values()]
    .map(finish)
    .sort((a, b) => collator.compare(a.name, b.name))
  let count = node.topic?.count ?? 0
  let topics = node.topic ? 1 : 0
  let lastAt = node.topic?.lastAt ?? 0
  for (const c of children) {
    count += c.count
    topics += c.topics
    lastAt = Math.max(lastAt, c.lastAt)
  }
  return { name: node.name, path: node.path, children, topic: node.topic, count, topics, lastAt }
}

/** Rows of the tree as shown, given which paths are expanded. */
export function visibleRows(
  nodes: TopicNode[],
  expanded: ReadonlySet<string>,
  depth = 0,
  out: { node: TopicNode; depth: number }[] = [],
) {
  for (const node of nodes) {
    out.push({ node, depth })
    if (node.children.length > 0 && expanded.has(node.path))
      visibleRows(node.children, expanded, depth + 1, out)
  }
  return out
}
