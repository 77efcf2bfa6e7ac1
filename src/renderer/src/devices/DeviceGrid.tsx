import type { DeviceGroup } from './device-view'
import { DeviceCard } from './DeviceCard'

export function DeviceGrid({ groups }: { groups: DeviceGroup[] }) {
  return (
    <>
      {groups.map((group) => (
        <section
          key={group.location}
          className="device-group"
          aria-label={groupLabel(group, groups.length)}
        >
          {groups.length > 1 && (
            <h2 className="device-group__title">{groupLabel(group, groups.length)}</h2>
          )}
          <div className="device-grid">
            {group.ids.map((id) => (
              <DeviceCard key={id} id={id} />
            ))}
          </div>
        </section>
      ))}
    </>
  )
}

export function groupLabel(group: DeviceGroup, count: number): string {
  if (count <= 1 && group.location === '') return 'Devices'
  return `${group.location || 'No location'} (${group.ids.length})`
}
