/**
 * chart.js is tree-shakeable: only the pieces the app draws are registered (line charts
 * on a linear time axis, min/max bands, decimation, and doughnut gauges). Importing this
 * module once is enough; every chart component does so.
 * Time axes are linear scales over epoch ms with Intl-formatted ticks, so no date adapter
 * (and nothing that evals) is needed under the strict CSP.
 */
import {
  ArcElement,
  Chart,
  Decimation,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  Filler,
  Tooltip,
  Legend,
  Decimation,
  DoughnutController,
  ArcElement,
)

// Streaming data must not animate: every batch would restart the tweens.
Chart.defaults.animation = false
Chart.defaults.responsive = true
Chart.defaults.maintainAspectRatio = false
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif'

export { Chart }
