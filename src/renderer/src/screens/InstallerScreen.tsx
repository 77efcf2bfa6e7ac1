import { useState } from 'react'
import { ScreenHeader } from '../components/ScreenHeader'
import { InstallWizard } from '../installer/InstallWizard'
import { SerialConsole } from '../installer/SerialConsole'

const TABS = [
  { id: 'install', label: 'Install' },
  { id: 'console', label: 'Serial console' },
] as const

export function InstallerScreen() {
  const [tab, setTab] = useState<(typeof TABS)[number]['id']>('install')
  return (
    <>
      <ScreenHeader
        title="Installer"
        subtitle="Flash MicroPython and our firmware onto an ESP32, in one go."
      />
      <div className="tabs" role="tablist" aria-label="Installer">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                const next = TABS[(TABS.findIndex((x) => x.id === tab) + 1) % TABS.length]
                if (next) {
                  setTab(next.id)
                  document.getElementById(`tab-${next.id}`)?.focus()
                }
              }
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      {/* Both stay mounted: switching to the console never loses a wizard or an install in progress. */}
      <div
        role="tabpanel"
        id="panel-install"
        aria-labelledby="tab-install"
        hidden={tab !== 'install'}
      >
        <InstallWizard />
      </div>
      <div
        role="tabpanel"
        id="panel-console"
        aria-labelledby="tab-console"
        hidden={tab !== 'console'}
      >
        <SerialConsole />
      </div>
    </>
  )
}
