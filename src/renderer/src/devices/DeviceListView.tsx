import { useDeferredValue, useMemo, useState } from 'react'
import { ErrorBanner } from '../components/ErrorBanner'
import { LateDataNotice } from '../components/LateDataNotice'
import { ScreenHeader } from '../components/ScreenHeader'
import { oneOf, useStoredState } from '../lib/use-stored-state'
import { UpdateButton } from '../ota/UpdateButton'
import { useLiveStore } from '../store/store-context'
import { useDeviceList } from '../store/use-device-list'
import { DevicesEmpty } from './DevicesEmpty'
import { arrange, SORTS } from './device-view'
import { DeviceGrid } from './DeviceGrid'
import { DeviceTable } from './DeviceTable'
import { DeviceToolbar, type ViewMode } from './DeviceToolbar'

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'

/** The device overview: search, sort, group by location, grid or table. */
export function DeviceListView() {
  const store = useLiveStore()
  const list = useDeviceList()
  const [query, setQuery] = useState('')
  const [view, setView] = useStoredState<ViewMode>(
    'devices.view',
    'grid',
    oneOf(['grid', 'table'] as const),
  )
  const [sort, setSort] = useStoredState('devices.sort', 'name', oneOf(SORTS.map((s) => s.value)))
  const [grouped, setGrouped] = useStoredState('devices.grouped', false, isBoolean)
  // Typing stays responsive with hundreds of devices: filtering runs at lower priority.
  const deferredQuery = useDeferredValue(query)
  const groups = useMemo(
    () => arrange(list.devices, deferredQuery, sort, grouped),
    [list.devices, deferredQuery, sort, grouped],
  )
  const shown = groups.reduce((n, g) => n + g.ids.length, 0)
  const total = list.devices.length

  return (
    <>
      <ScreenHeader title="Devices" subtitle="Every sensor that talks to this app." />
      <ErrorBanner error={list.error} onRetry={() => void store.reload()} />
      <LateDataNotice />
      {!list.loaded ? (
        <div className="loading" role="status">
          Loading devices…
        </div>
      ) : total === 0 ? (
        <DevicesEmpty />
      ) : (
        <>
          <DeviceToolbar
            query={query}
            onQuery={setQuery}
            sort={sort}
            onSort={setSort}
            grouped={grouped}
            onGrouped={setGrouped}
            view={view}
            onView={setView}
            shown={shown}
            total={total}
            extra={<UpdateButton devices={list.devices} />}
          />
          {shown === 0 ? (
            <p className="no-match" role="status">
              No device matches “{deferredQuery}”.{' '}
              <button type="button" className="link" onClick={() => setQuery('')}>
                Clear the search
              </button>
            </p>
          ) : view === 'grid' ? (
            <DeviceGrid groups={groups} />
          ) : (
            <DeviceTable groups={groups} />
          )}
        </>
      )}
    </>
  )
}
