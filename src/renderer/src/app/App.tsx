import { useSettings } from '../api/use-settings'
import { ConnectionBanner } from '../components/ConnectionBanner'
import { AlertsScreen } from '../screens/AlertsScreen'
import { BrokerScreen } from '../screens/BrokerScreen'
import { DevicesScreen } from '../screens/DevicesScreen'
import { InstallerScreen } from '../screens/InstallerScreen'
import { SettingsScreen } from '../screens/SettingsScreen'
import { useSection, type SectionId } from './routes'
import { Sidebar } from './Sidebar'
import { useTheme } from './use-theme'

const SCREENS: Record<SectionId, () => React.JSX.Element> = {
  devices: DevicesScreen,
  installer: InstallerScreen,
  broker: BrokerScreen,
  alerts: AlertsScreen,
  settings: SettingsScreen,
}

export function App() {
  const section = useSection()
  const { settings } = useSettings()
  useTheme(settings?.ui.theme)
  const Screen = SCREENS[section]
  return (
    <div className="shell">
      <Sidebar current={section} />
      <main className="content" id="main">
        <ConnectionBanner />
        <Screen />
      </main>
    </div>
  )
}
