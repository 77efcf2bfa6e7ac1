import { useEffect, useState } from 'react'

export const SECTIONS = [
  { id: 'devices', label: 'Devices', icon: '▦' },
  { id: 'installer', label: 'Installer', icon: '⚡' },
  { id: 'broker', label: 'Broker', icon: '⇄' },
  { id: 'alerts', label: 'Alerts', icon: '⚠' },
  { id: 'settings', label: 'Settings', icon: '⚙' },
] as const

export type SectionId = (typeof SECTIONS)[number]['id']

function fromHash(): SectionId {
  const id = window.location.hash.replace(/^#\/?/, '').split('/')[0]
  return SECTIONS.find((s) => s.id === id)?.id ?? 'devices'
}

/** Hash routing: the section survives a reload and works the same over file:// and http://. */
export function useSection(): SectionId {
  const [section, setSection] = useState<SectionId>(fromHash)
  useEffect(() => {
    const onChange = (): void => setSection(fromHash())
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return section
}
