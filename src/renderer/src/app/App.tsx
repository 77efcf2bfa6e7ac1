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
  return (
    <StoreProvider>
      <UnitsContext.Provider value={settings?.ui.units ?? 'C'}>
        <div className="shell">
          <Sidebar current={section} />
          <main className="content" id="main">
            <ConnectionBanner />
            <AlertNotifier />
            <Screen rest={rest} />
          </main>
        </div>
      </UnitsContext.Provider>
    </StoreProvider>
  )
}
