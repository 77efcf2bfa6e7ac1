import { useMemo, useRef, type CSSProperties } from 'react'
import { useElementWidth } from '../lib/use-element-width'
import { useVirtualWindow } from '../lib/use-virtual-window'
import type { DeviceGroup } from './device-view'
import { DeviceCard } from './DeviceCard'
import { bySection, columnsFor, gridItems } from './grid-layout'

/**
 * The grid view. Cards sit in fixed-height rows and only the rows near the screen are
 * rendered (between two paddings): with thousands of devices, scrolling, sorting and
 * searching touch a few dozen cards, not all of them.
 */
export function DeviceGrid({ groups }: { groups: DeviceGroup[] }) {
  const ref = useRef<HTMLDivElement>(null)
  const columns = columnsFor(useElementWidth(ref))
  const items = useMemo(() => gridItems(groups, columns), [groups, columns])
  const heights = useMemo(() => items.map((item) => item.height), [items])
  const { start, end, padTop, padBottom } = useVirtualWindow(ref, heights)
  const style = { paddingTop: padTop, paddingBottom: padBottom, '--columns': columns }

  return (
    <div ref={ref} className="device-grid-window" style={style as CSSProperties}>
      {bySection(items.slice(start, end)).map((section) => {
        const group = groups[section.group] as DeviceGroup
        const label = groupLabel(group, groups.length)
        return (
          <section key={group.location} className="device-group" aria-label={label}>
            {section.items.map((item) =>
              item.kind === 'head' ? (
                <h2 key="head" className="device-group__title" style={{ height: item.height }}>
                  {label}
                </h2>
              ) : (
                <div key={item.row} className="device-grid">
                  {item.ids.map((id, column) => (
                    // Keyed by place, not id: a new order (sort, search) updates the cards on
                    // screen in place instead of rebuilding them.
                    <DeviceCard key={column} id={id} />
                  ))}
                </div>
              ),
            )}
          </section>
        )
      })}
    </div>
  )
}

export function groupLabel(group: DeviceGroup, count: number): string {
  if (count <= 1 && group.location === '') return 'Devices'
  return `${group.location || 'No location'} (${group.ids.length})`
}
