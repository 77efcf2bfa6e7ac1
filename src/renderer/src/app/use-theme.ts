import { useEffect } from 'react'
import type { Settings } from '@shared/contract/settings'

/** Applies the theme setting: 'system' follows the OS through CSS prefers-color-scheme. */
export function useTheme(theme: Settings['ui']['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement
    if (!theme || theme === 'system') root.removeAttribute('data-theme')
    else root.setAttribute('data-theme', theme)
  }, [theme])
}
