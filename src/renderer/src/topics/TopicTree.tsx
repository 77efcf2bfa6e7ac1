import { memo, useMemo, type KeyboardEvent } from 'react'
import { visibleRows, type TopicNode } from './topic-tree'

const count = new Intl.NumberFormat()

/**
 * The topic tree as an ARIA tree: ↑/↓ move, → opens, ← closes or goes to the parent,
 * Enter selects. Only expanded levels are rendered.
 */
export function TopicTree({
  nodes,
  expanded,
  onToggle,
  selected,
  onSelect,
}: {
  nodes: TopicNode[]
  expanded: ReadonlySet<string>
  onToggle: (path: string, open?: boolean) => void
  selected: string | undefined
  onSelect: (path: string) => void
}) {
  const rows = useMemo(() => visibleRows(nodes, expanded), [nodes, expanded])

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>): void => {
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="treeitem"]')]
    const i = items.indexOf(document.activeElement as HTMLElement)
    if (i < 0) return
    const row = rows[i]
    const focus = (j: number): void => items[Math.max(0, Math.min(items.length - 1, j))]?.focus()
    if (e.key === 'ArrowDown') focus(i + 1)
    else if (e.key === 'ArrowUp') focus(i - 1)
    else if (e.key === 'Home') focus(0)
    else if (e.key === 'End') focus(items.length - 1)
    else if (e.key === 'ArrowRight' && row && row.node.children.length > 0) {
      if (expanded.has(row.node.path)) focus(i + 1)
      else onToggle(row.node.path, true)
    } else if (e.key === 'ArrowLeft' && row) {
      if (expanded.has(row.node.path)) onToggle(row.node.path, false)
      else focus(rows.findLastIndex((r, j) => j < i && r.depth < row.depth))
    } else if ((e.key === 'Enter' || e.key === ' ') && row) {
      if (row.node.topic) onSelect(row.node.path)
      else onToggle(row.node.path)
    } else return
    e.preventDefault()
  }

  const focusIndex = Math.max(
    0,
    rows.findIndex((r) => r.node.path === selected),
  )
  return (
    <ul className="topic-tree" role="tree" aria-label="Topics" onKeyDown={onKeyDown}>
      {rows.map(({ node, depth }, i) => (
        <TopicRow
          key={node.path}
          node={node}
          depth={depth}
          open={expanded.has(node.path)}
          isSelected={node.path === selected}
          tabbable={i === focusIndex}
          onToggle={onToggle}
          onSelect={onSelect}
        />
      ))}
    </ul>
  )
}

const TopicRow = memo(function TopicRow({
  node,
  depth,
  open,
  isSelected,
  tabbable,
  onToggle,
  onSelect,
}: {
  node: TopicNode
  depth: number
  open: boolean
  isSelected: boolean
  tabbable: boolean
  onToggle: (path: string, open?: boolean) => void
  onSelect: (path: string) => void
}) {
  const hasChildren = node.children.length > 0
  return (
    <li
      role="treeitem"
      aria-level={depth + 1}
      aria-expanded={hasChildren ? open : undefined}
      aria-selected={isSelected}
      tabIndex={tabbable ? 0 : -1}
      className={`topic-row${isSelected ? ' topic-row--selected' : ''}`}
      style={{ paddingLeft: 8 + depth * 16 }}
      data-topic={node.path}
      onClick={() => (node.topic ? onSelect(node.path) : onToggle(node.path))}
    >
      <span
        className="topic-row__twisty"
        aria-hidden="true"
        onClick={(e) => {
          if (!hasChildren) return
          e.stopPropagation()
          onToggle(node.path)
        }}
      >
        {hasChildren ? (open ? '▾' : '▸') : ''}
      </span>
      <span className="topic-row__name">{node.name === '' ? '(empty)' : node.name}</span>
      {node.topic?.retained && (
        <span className="topic-row__flag" title="Retained">
          R
        </span>
      )}
      <span
        className="topic-row__count"
        title={`${node.topics} topic${node.topics === 1 ? '' : 's'}`}
      >
        {count.format(node.count)}
      </span>
    </li>
  )
})
