import { useEffect, useMemo, useState, type RefObject } from 'react'

export interface VirtualWindow {
  start: number
  end: number
  padTop: number
  padBottom: number
}

const OVERSCAN_PX = 500
/**
 * The visible range is rounded out to multiples of this, so the rendered rows change once
 * per few hundred pixels of scrolling rather than every frame: each change re-lays out the
 * list (a whole table), and fewer, slightly bigger steps keep scrolling under a frame.
 */
const SNAP_PX = 400
/** How long after the last scroll event the list takes the pointer again. */
const SCROLL_SETTLE_MS = 150

function scrollParent(element: Element): HTMLElement | null {
  for (let e = element.parentElement; e; e = e.parentElement) {
    const { overflowY } = getComputedStyle(e)
    if (overflowY === 'auto' || overflowY === 'scroll') return e
  }
  return null
}

/**
 * Which items of a long list of fixed-height rows are on screen, for rendering only
 * those (plus a margin) between two spacers. The list scrolls with its nearest
 * scrolling ancestor; `heights` are the rows' pixel heights in order.
 */
export function useVirtualWindow(
  ref: RefObject<HTMLElement | null>,
  heights: readonly number[],
): VirtualWindow {
  const offsets = useMemo(() => {
    const out = [0]
    for (const h of heights) out.push((out[out.length - 1] as number) + h)
    return out
  }, [heights])
  const [view, setView] = useState({ top: 0, bottom: 1200 })

  useEffect(() => {
    const element = ref.current
    if (!element) return
    const scroller = scrollParent(element)
    let frame = 0
    let settle: ReturnType<typeof setTimeout> | undefined
    // While the list scrolls under a resting pointer, every row passing by would change
    // :hover and repaint; the list ignores the pointer until scrolling stops.
    const pause = (): void => {
      if (settle === undefined) element.style.pointerEvents = 'none'
      clearTimeout(settle)
      settle = setTimeout(() => {
        settle = undefined
        element.style.pointerEvents = ''
      }, SCROLL_SETTLE_MS)
    }
    const measure = (): void => {
      frame = 0
      const box = element.getBoundingClientRect()
      const port = scroller
        ? scroller.getBoundingClientRect()
        : { top: 0, bottom: window.innerHeight }
      const top = Math.max(0, Math.floor((port.top - box.top) / SNAP_PX) * SNAP_PX)
      const bottom = Math.max(top, Math.ceil((port.bottom - box.top) / SNAP_PX) * SNAP_PX)
      setView((old) => (old.top === top && old.bottom === bottom ? old : { top, bottom }))
    }
    const schedule = (): void => {
      if (!frame) frame = requestAnimationFrame(measure)
    }
    const onScroll = (): void => {
      pause()
      schedule()
    }
    measure()
    const target = scroller ?? window
    target.addEventListener('scroll', onScroll, { passive: true })
    window.addEventListener('resize', schedule)
    return () => {
      target.removeEventListener('scroll', onScroll)
      window.removeEventListener('resize', schedule)
      if (frame) cancelAnimationFrame(frame)
      clearTimeout(settle)
      element.style.pointerEvents = ''
    }
  }, [ref])

  return useMemo(() => {
    const total = offsets[offsets.length - 1] as number
    const find = (y: number): number => {
      let lo = 0
      let hi = heights.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if ((offsets[mid + 1] as number) <= y) lo = mid + 1
        else hi = mid
      }
      return lo
    }
    const start = find(Math.max(0, view.top - OVERSCAN_PX))
    const end = Math.min(heights.length, find(view.bottom + OVERSCAN_PX) + 1)
    return {
      start,
      end,
      padTop: offsets[start] as number,
      padBottom: total - (offsets[end] as number),
    }
  }, [offsets, heights.length, view])
}
