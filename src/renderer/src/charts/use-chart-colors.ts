import { useSyncExternalStore } from 'react'

/** Colours charts draw with, read from the CSS variables so both themes stay in one place (styles.css). */
export interface ChartColors {
  text: string
  muted: string
  grid: string
  surface: string
  temp: string
  hum: string
  ok: string
  warn: string
  error: string
  accent: string
  /** Distinct series colours for overlays of several devices. */
  series: string[]
}

function read(): ChartColors {
  const style = getComputedStyle(document.documentElement)
  const v = (name: string): string => style.getPropertyValue(name).trim()
  return {
    text: v('--text'),
    muted: v('--muted'),
    grid: v('--border'),
    surface: v('--surface'),
    temp: v('--temp'),
    hum: v('--hum'),
    ok: v('--ok'),
    warn: v('--warn'),
    error: v('--error'),
    accent: v('--accent'),
    series: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => v(`--series-${i}`)),
  }
}

let current: ChartColors | undefined
const listeners = new Set<() => void>()

function refresh(): void {
  current = read()
  for (const listener of listeners) listener()
}

/**
 * The theme changes through the `data-theme` attribute (setting) or the OS preference;
 * both are watched once for all charts.
 */
function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (listeners.size === 1) {
    current = read()
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    })
    media.addEventListener('change', refresh)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) {
      observer.disconnect()
      media.removeEventListener('change', refresh)
    }
  }
}

const observer = new MutationObserver(refresh)
const media = window.matchMedia('(prefers-color-scheme: dark)')

function snapshot(): ChartColors {
  current ??= read()
  return current
}

export function useChartColors(): ChartColors {
  return useSyncExternalStore(subscribe, snapshot)
}

/** `#rrggbb` (or any CSS colour chart.js accepts) with an alpha, for fills and bands. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1]
  if (!hex) return color
  const n = parseInt(hex, 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}
