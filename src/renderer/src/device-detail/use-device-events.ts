import { useCallback, useEffect, useRef, useState } from 'react'
import type { DeviceEvent } from '@shared/contract/devices'
import { useApi } from '../api/api-context'
import { useDeviceEntry } from '../store/use-device-entry'

const MIN_GAP_MS = 5000

/**
 * Recent events of one device. There is no event stream for them, so the list is fetched
 * on mount and again when the device changes (a new event updates it), at most every 5 s.
 * A scheduled refresh is never pushed back by further changes, so a chatty device still
 * gets its list refreshed.
 */
export function useDeviceEvents(id: string): { events: DeviceEvent[]; error: unknown } {
  const api = useApi()
  const device = useDeviceEntry(id)?.device
  const [events, setEvents] = useState<DeviceEvent[]>([])
  const [error, setError] = useState<unknown>()
  const last = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const alive = useRef(true)

  const load = useCallback(() => {
    last.current = Date.now()
    api.call('devices.events', { id, limit: 20 }).then(
      (list) => {
        if (!alive.current) return
        setEvents(list)
        setError(undefined)
      },
      (e: unknown) => alive.current && setError(e),
    )
  }, [api, id])

  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
      clearTimeout(timer.current)
      timer.current = undefined
    }
  }, [])

  useEffect(() => {
    if (!device || timer.current) return
    const wait = Math.max(0, last.current + MIN_GAP_MS - Date.now())
    timer.current = setTimeout(() => {
      timer.current = undefined
      load()
    }, wait)
  }, [device, load])

  return { events, error }
}
