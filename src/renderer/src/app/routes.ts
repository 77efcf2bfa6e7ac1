import { useEffect, useState } from 'react'

export const SECTIONS = [
  { id: 'devices', label: 'Devices', icon: '▦' },
  { id: 'installer', label: 'Installer', icon: '⚡' },
  { id: 'broker', label: 'Broker', icon: '⇄' },
  { id: 'topics', label: 'Topics', icon: '☰' },
  { id: 'alerts', label: 'Alerts', icon: '⚠' },
  { id: 'settings', label: 'Settings', icon: '⚙' },
] as const

export type SectionId = (typeof SECTIONS)[number]['id']

/** Where the person is: a section and, for a detail view, the rest of the path. */
export interface Route {
  section: SectionId
  /** Decoded path levels after the section, e.g. ['esp32-a1b2c3'] for `#/devices/esp32-a1b2c3`. */
  rest: string[]
}

function fromHash(): Route {
  const levels = window.location.hash.replace(/^#\/?/, '').split('/')
  const section = SECTIONS.find((s) => s.id === levels[0])?.id ?? 'devices'
  const rest = levels
    .slice(1)
    .filter((level) => level !== '')
    .map((level) => {
      try {
        return decodeURIComponent(level)
      } catch {
        return level
      }
    })
  return { section, rest }
}

/** The hash for a route; path levels are encoded so device ids with any character survive. */
export function hrefFor(section: SectionId, ...rest: string[]): string {
  return `#/${[section, ...rest.map(encodeURIComponent)].join('/')}`
}

/** Hash routing: the route survives a reload and works the same over file:// and http://. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(fromHash)
  useEffect(() => {
    const onChange = (): void => setRoute(fromHash())
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}
