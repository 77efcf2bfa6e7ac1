import { describe, expect, it } from 'vitest'
import {
  bySection,
  columnsFor,
  FIRST_HEAD,
  GRID_ROW,
  GROUP_HEAD,
  gridItems,
} from '../../../src/renderer/src/devices/grid-layout'

const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe('columnsFor', () => {
  it('fits as many 260 px cards with 14 px gaps as auto-fill would', () => {
    expect(columnsFor(0)).toBe(1)
    expect(columnsFor(259)).toBe(1)
    expect(columnsFor(533)).toBe(1)
    expect(columnsFor(534)).toBe(2)
    expect(columnsFor(1040)).toBe(3)
    expect(columnsFor(1082)).toBe(4)
  })
})

describe('gridItems', () => {
  it('cuts one group into rows of `columns` cards, without a title', () => {
    const items = gridItems([{ location: '', ids: ids(7, 'd') }], 3)
    expect(items.map((i) => (i.kind === 'row' ? i.ids : i.kind))).toEqual([
      ['d0', 'd1', 'd2'],
      ['d3', 'd4', 'd5'],
      ['d6'],
    ])
    expect(items.every((i) => i.height === GRID_ROW)).toBe(true)
  })

  it('gives each of several groups a title, the first one without the space above', () => {
    const items = gridItems(
      [
        { location: 'Attic', ids: ids(2, 'a') },
        { location: '', ids: ids(1, 'b') },
      ],
      4,
    )
    expect(items.map((i) => [i.kind, i.group, i.height])).toEqual([
      ['head', 0, FIRST_HEAD],
      ['row', 0, GRID_ROW],
      ['head', 1, GROUP_HEAD],
      ['row', 1, GRID_ROW],
    ])
  })

  it('lays out 5,000 devices as 1,667 rows of three', () => {
    expect(gridItems([{ location: '', ids: ids(5000, 'd') }], 3)).toHaveLength(1667)
  })
})

describe('bySection', () => {
  it('splits a window of items where the group changes', () => {
    const items = gridItems(
      [
        { location: 'A', ids: ids(5, 'a') },
        { location: 'B', ids: ids(2, 'b') },
      ],
      2,
    )
    const sections = bySection(items.slice(2, 6))
    expect(sections.map((s) => [s.group, s.items.length])).toEqual([
      [0, 2],
      [1, 2],
    ])
  })
})
