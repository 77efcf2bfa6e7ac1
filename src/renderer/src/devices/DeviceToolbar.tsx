import type { ReactNode } from 'react'
import { Segmented } from '../components/Segmented'
import { SORTS, type SortKey } from './device-view'

export type ViewMode = 'grid' | 'table'

const count = new Intl.NumberFormat()

export interface DeviceToolbarProps {
  query: string
  onQuery: (query: string) => void
  sort: SortKey
  onSort: (sort: SortKey) => void
  grouped: boolean
  onGrouped: (grouped: boolean) => void
  view: ViewMode
  onView: (view: ViewMode) => void
  shown: number
  total: number
  /** More actions at the end of the row (the Update button). */
  extra?: ReactNode
}

export function DeviceToolbar(props: DeviceToolbarProps) {
  const { query, onQuery, sort, onSort, grouped, onGrouped, view, onView, shown, total, extra } =
    props
  return (
    <div className="toolbar" role="search">
      <input
        type="search"
        className="toolbar__search"
        placeholder="Search name, id, location, firmware…"
        aria-label="Search devices"
        value={query}
        onChange={(e) => onQuery(e.target.value)}
      />
      <label className="toolbar__field">
        <span>Sort</span>
        <select
          value={sort}
          onChange={(e) => onSort(e.target.value as SortKey)}
          aria-label="Sort devices"
        >
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label className="toolbar__check">
        <input type="checkbox" checked={grouped} onChange={(e) => onGrouped(e.target.checked)} />
        Group by location
      </label>
      <span className="toolbar__count muted-inline" aria-live="polite">
        {shown === total
          ? `${count.format(total)} device${total === 1 ? '' : 's'}`
          : `${count.format(shown)} of ${count.format(total)}`}
      </span>
      <Segmented
        label="View"
        value={view}
        onChange={onView}
        options={[
          { value: 'grid', label: '▦ Grid' },
          { value: 'table', label: '☰ Table' },
        ]}
      />
      {extra}
    </div>
  )
}
