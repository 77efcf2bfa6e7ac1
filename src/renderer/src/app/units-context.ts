import { createContext, useContext } from 'react'
import type { TempUnit } from '../lib/units'

/** The person's temperature unit (settings.ui.units), read once in App for every component. */
export const UnitsContext = createContext<TempUnit>('C')

export function useUnits(): TempUnit {
  return useContext(UnitsContext)
}
