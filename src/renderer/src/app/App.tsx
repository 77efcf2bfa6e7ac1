import { useLayoutEffect, useRef } from 'react'
import { AlertNotifier } from '../alerts/browser-notifications'
import { useSettings } from '../api/use-settings'
import { ConnectionBanner } from '../components/ConnectionBanner'
import { AlertsScreen } from '../screens/AlertsScreen'
import { BrokerScreen } from '../screens/BrokerScreen'
import { DevicesScreen } from '../screens/DevicesScreen'
import { InstallerScreen } from '../screens/InstallerScreen'
import { SettingsScreen } from '../screens/SettingsScreen'
import { TopicsScreen } from '../screens/TopicsScreen'
import { StoreProvider } from '../store/StoreProvider'
import { useRoute, type SectionId } from './routes'
import { Sidebar } from './Sidebar'
import { UnitsContext } from './units-context'
import { useTheme } from './use-theme'

/** Each screen receives the path levels after its section (e.g. a device id). */
const SCREENS: Record<SectionId, (props: { rest: string[] }) => React.JSX.Element> = {
  devices: DevicesScreen,
  installer: InstallerScreen,
  broker: BrokerScreen,
  topics: TopicsScreen,
  alerts: AlertsScreen,
  settings: SettingsScreen,
}

export function App() {
  const { section, rest } = useRoute()
  const { settings } = useSettings()
  useTheme(settings?.ui.theme)
  const Screen = SCREENS[section]
  // Every screen scrolls inside this one <main>: a new screen (or a device opened from the
  // list) starts at the top, not where the last one was scrolled to. A layout effect, so a
  // screen's own scrolling (#/broker/refused → its card) runs after it.
  const main = useRef<HTMLElement>(null)
  const path = [section, ...rest].join('/')
  useLayoutEffect(() => {
    main.current?.scrollTo(0, 0)
  }, [path])
  return (
    <StoreProvider>
      <UnitsContext.Provider value={settings?.ui.units ?? 'C'}>
        <div className="shell">
          <Sidebar current={section} />
          <main className="content" id="main" ref={main}>
            <ConnectionBanner />
            <AlertNotifier />
            <Screen rest={rest} />
          </main>
        </div>
      </UnitsContext.Provider>
    </StoreProvider>
  )
}
