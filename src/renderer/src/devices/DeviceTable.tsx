import { useMemo, useRef } from 'react'
import { useVirtualWindow } from '../lib/use-virtual-window'
import type { DeviceGroup } from './device-view'
import { groupLabel } from './DeviceGrid'
import { DeviceRow } from './DeviceRow'

const COLUMNS = 9
/** Fixed column widths (table-layout: fixed): a changing value never re-measures the table. */
const WIDTHS = ['32px', undefined, '120px', '96px', '96px', '124px', '100px', '104px', '124px']
/** Row heights in px; styles.css sets the same on the rows. */
const ROW = 56
const GROUP_ROW = 36

type Item = { kind: 'group'; label: string } | { kind: 'device'; id: string }

/**
 * The table view. Only the rows near the screen are rendered (between two spacer rows):
 * a table of hundreds of live rows would re-layout on every value otherwise.
 */
export function DeviceTable({ groups }: { groups: DeviceGroup[] }) {
  const items = useMemo(() => {
    const out: Item[] = []
    for (const group of groups) {
      if (groups.length > 1) out.push({ kind: 'group', label: groupLabel(group, groups.length) })
      for (const id of group.ids) out.push({ kind: 'device', id })
    }
    return out
  }, [groups])
  const heights = useMemo(
    () => items.map((item) => (item.kind === 'group' ? GROUP_ROW : ROW)),
    [items],
  )
  const bodyRef = useRef<HTMLTableSectionElement>(null)
  const { start, end, padTop, padBottom } = useVirtualWindow(bodyRef, heights)

  return (
    <div className="table-wrap">
      <table className="device-table" aria-rowcount={items.length + 1}>
        <colgroup>
          {WIDTHS.map((width, i) => (
            <col key={i} style={width ? { width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Status</span>
            </th>
            <th scope="col">Name</th>
            <th scope="col">Location</th>
            {/* Not "Temp." and "Humidity": a plug or a CO₂ sensor shows its own two readings
                here, each cell naming its metric. */}
            <th scope="colgroup" colSpan={2} className="num">
              Readings
            </th>
            <th scope="col">Last hour</th>
            <th scope="col">Updated</th>
            <th scope="col">Signal</th>
            <th scope="col">Firmware</th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {padTop > 0 && (
            <tr aria-hidden="true" className="spacer-row" style={{ height: padTop }} />
          )}
          {items.slice(start, end).map((item, i) =>
            // Keyed by place, not id: a new order (sort, search) updates the rows on screen in
            // place instead of rebuilding them.
            item.kind === 'group' ? (
              <tr key={start + i} className="group-row">
                <th colSpan={COLUMNS} scope="rowgroup">
                  {item.label}
                </th>
              </tr>
            ) : (
              <DeviceRow key={start + i} id={item.id} />
            ),
          )}
          {padBottom > 0 && (
            <tr aria-hidden="true" className="spacer-row" style={{ height: padBottom }} />
          )}
        </tbody>
      </table>
    </div>
  )
}
