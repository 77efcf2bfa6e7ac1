/**
 * What bench/ui.ts runs inside the page (via page.evaluate, so each function must be
 * self-contained: Playwright sends its source text, not its closure). bench/ is typechecked
 * without the DOM library, hence the few browser types spelled out here.
 */

interface El {
  textContent: string | null
  scrollTop: number
  scrollHeight: number
  clientHeight: number
  value: string
  getAttribute(name: string): string | null
  dispatchEvent(event: object): boolean
}
interface Browser {
  performance: { now(): number }
  requestAnimationFrame(callback: (t: number) => void): number
  setTimeout(callback: () => void, ms: number): number
  document: { querySelector(selector: string): El | null }
  MutationObserver: new (callback: () => void) => {
    observe(target: El, options: object): void
    disconnect(): void
  }
  Event: new (type: string, init: object) => object
  HTMLInputElement: { prototype: object }
}

/**
 * requestAnimationFrame deltas (ms) over `ms`; with `scroll`, the element scrolls by `step`
 * px every frame and bounces at its ends, like a person flicking a wheel.
 */
export function frameDeltas(args: {
  ms: number
  scroll?: { selector: string; step: number }
}): Promise<number[]> {
  const w = globalThis as unknown as Browser
  const scroller = args.scroll ? w.document.querySelector(args.scroll.selector) : null
  let step = args.scroll?.step ?? 0
  return new Promise((resolve) => {
    const deltas: number[] = []
    let last = 0
    let end = 0
    const tick = (t: number): void => {
      deltas.push(t - last)
      last = t
      if (scroller) {
        const max = scroller.scrollHeight - scroller.clientHeight
        if (scroller.scrollTop + step > max || scroller.scrollTop + step < 0) step = -step
        scroller.scrollTop += step
      }
      if (t < end) w.requestAnimationFrame(tick)
      else resolve(deltas)
    }
    w.requestAnimationFrame((t) => {
      last = t
      end = t + args.ms
      w.requestAnimationFrame(tick)
    })
  })
}

/**
 * Time (ms) from an input to the first frame painted after the page reacted to it: the
 * change is made the way a person's would be (a `change` on the select, an `input` with the
 * native value setter so React sees it), and `done` is checked on every DOM mutation.
 * `done`: the text of `watch` differs from before (search count) or the first element
 * matching `watch` has another `data-device-id` (sort order). -1 when nothing changed in 10 s.
 */
export function inputLatency(args: {
  target: string
  value: string
  kind: 'select' | 'input'
  watch: string
  by: 'text' | 'first-id'
}): Promise<number> {
  const w = globalThis as unknown as Browser
  const target = w.document.querySelector(args.target)
  if (!target) return Promise.resolve(-1)
  const read = (): string | null => {
    const el = w.document.querySelector(args.watch)
    return args.by === 'text'
      ? (el?.textContent ?? null)
      : (el?.getAttribute('data-device-id') ?? null)
  }
  const before = read()
  return new Promise((resolve) => {
    const started = w.performance.now()
    let finished = false
    const finish = (): void => {
      if (finished || read() === before) return
      finished = true
      observer.disconnect()
      // The rAF runs before the frame is painted; the timeout after it runs once it is.
      w.requestAnimationFrame(() => w.setTimeout(() => resolve(w.performance.now() - started), 0))
    }
    const observer = new w.MutationObserver(finish)
    const root = w.document.querySelector('main')
    if (root) observer.observe(root, { childList: true, subtree: true, characterData: true })
    w.setTimeout(() => {
      if (finished) return
      finished = true
      observer.disconnect()
      resolve(-1)
    }, 10_000)
    if (args.kind === 'select') {
      target.value = args.value
      target.dispatchEvent(new w.Event('change', { bubbles: true }))
    } else {
      const setter = Object.getOwnPropertyDescriptor(w.HTMLInputElement.prototype, 'value')?.set
      setter?.call(target, args.value)
      target.dispatchEvent(new w.Event('input', { bubbles: true }))
    }
  })
}
