import { useLayoutEffect, useState, type RefObject } from 'react'

/**
 * An element's content width in px, measured before the first paint and again whenever it
 * resizes (window, sidebar, scrollbar appearing), for layouts computed in JavaScript.
 */
export function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0)
  useLayoutEffect(() => {
    const element = ref.current
    if (!element) return
    setWidth(element.clientWidth)
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(entry.contentRect.width)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref])
  return width
}
