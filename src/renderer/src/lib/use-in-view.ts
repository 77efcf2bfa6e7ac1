import { useEffect, useState, type RefObject } from 'react'

type Callback = (visible: boolean) => void

/** One IntersectionObserver for all cards and rows; each element registers a callback. */
const callbacks = new WeakMap<Element, Callback>()
let observer: IntersectionObserver | undefined

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) callbacks.get(entry.target)?.(entry.isIntersecting)
    },
    // A margin so cards scrolled into view are already current.
    { rootMargin: '300px 0px' },
  )
  return observer
}

/**
 * Whether an element is on (or near) the screen. Device cards use it to follow live data
 * only while visible: with 500 devices publishing, off-screen cards cost nothing.
 */
export function useInView(ref: RefObject<Element | null>): boolean {
  const [visible, setVisible] = useState(false)
  useEffect(() => {
    const element = ref.current
    if (!element) return
    const io = shared()
    callbacks.set(element, setVisible)
    io.observe(element)
    return () => {
      io.unobserve(element)
      callbacks.delete(element)
    }
  }, [ref])
  return visible
}
