import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { ApiProvider } from './api/api-context'
import { createClient } from './api/create-client'
import { App } from './app/App'
import './styles.css'
import './styles/components.css'
import './styles/devices.css'
import './styles/detail.css'
import './styles/broker.css'
import './styles/installer.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <ApiProvider handle={createClient()}>
      <App />
    </ApiProvider>
  </StrictMode>,
)
