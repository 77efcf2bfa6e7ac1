import type { Chart, Plugin } from 'chart.js'

export interface AlertBandsOptions {
  low?: number | null
  high?: number | null
  color?: string
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends import('chart.js').ChartType> {
    alertBands?: AlertBandsOptions & { _type?: TType }
  }
}

/** Shades the y ranges below `low` and above `high` behind the data: where alerts fire. */
export const alertBandsPlugin: Plugin<'line'> = {
  id: 'alertBands',
  beforeDatasetsDraw(chart: Chart<'line'>, _args, options: AlertBandsOptions) {
    const { low, high, color } = options
    if ((low == null && high == null) || !color) return
    const { ctx, chartArea, scales } = chart
    const y = scales.y
    if (!y) return
    ctx.save()
    ctx.fillStyle = color
    if (high != null) {
      const top = chartArea.top
      const bottom = Math.min(chartArea.bottom, Math.max(top, y.getPixelForValue(high)))
      if (bottom > top) ctx.fillRect(chartArea.left, top, chartArea.width, bottom - top)
    }
    if (low != null) {
      const bottom = chartArea.bottom
      const top = Math.max(chartArea.top, Math.min(bottom, y.getPixelForValue(low)))
      if (bottom > top) ctx.fillRect(chartArea.left, top, chartArea.width, bottom - top)
    }
    ctx.restore()
  },
}
