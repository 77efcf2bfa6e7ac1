import type { DeviceGroup } from './device-view'

/** Card geometry; devices.css uses the same numbers, so rows can be placed without measuring. */
export const CARD_MIN_WIDTH = 260
export const CARD_HEIGHT = 198
export const GRID_GAP = 14
/** A row of cards and the gap below it. */
export const GRID_ROW = CARD_HEIGHT + GRID_GAP
/** A group's title; groups after the first also carry the space that sets them apart. */
export const FIRST_HEAD = 28
export const GROUP_HEAD = 52

export type GridItem =
  | { kind: 'head'; group: number; height: number }
  | { kind: 'row'; group: number; row: number; ids: string[]; height: number }

/** How many cards fit side by side, as `repeat(auto-fill, minmax(260px, 1fr))` would place them. */
export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width + GRID_GAP) / (CARD_MIN_WIDTH + GRID_GAP)))
}

/**
 * The grid as a list of fixed-height rows (and group titles when there are several groups),
 * for rendering only those on screen.
 */
export function gridItems(groups: readonly DeviceGroup[], columns: number): GridItem[] {
  const items: GridItem[] = []
  groups.forEach((group, g) => {
    if (groups.length > 1)
      items.push({ kind: 'head', group: g, height: g === 0 ? FIRST_HEAD : GROUP_HEAD })
    for (let i = 0, row = 0; i < group.ids.length; i += columns, row++) {
      items.push({
        kind: 'row',
        group: g,
        row,
        ids: group.ids.slice(i, i + columns),
        height: GRID_ROW,
      })
    }
  })
  return items
}

/** Consecutive items of the same group, so each group's visible part renders in its own section. */
export function bySection(items: readonly GridItem[]): { group: number; items: GridItem[] }[] {
  const sections: { group: number; items: GridItem[] }[] = []
  for (const item of items) {
    const last = sections[sections.length - 1]
    if (last && last.group === item.group) last.items.push(item)
    else sections.push({ group: item.group, items: [item] })
  }
  return sections
}
