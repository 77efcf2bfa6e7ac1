import type { InstallProgress } from '../../shared/contract/installer'

const WIDTH = 28

/** "write   [██████░░░░] 42%  118 KiB/s  ETA 0:12  Writing MicroPython (…)" */
export function progressLine(p: InstallProgress, columns = 100): string {
  const filled = Math.round((p.percent / 100) * WIDTH)
  const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`
  const rate = p.bytesPerSecond > 0 ? `  ${formatRate(p.bytesPerSecond)}` : ''
  const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? `  ETA ${formatEta(p.etaSeconds)}` : ''
  const head = `${p.stage.padEnd(11)} [${bar}] ${String(Math.round(p.percent)).padStart(3)}%${rate}${eta}  `
  const room = Math.max(10, columns - head.length - 1)
  const message = p.message.length > room ? `${p.message.slice(0, room - 1)}…` : p.message
  return `${head}${message}`
}

export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 * 1024
    ? `${(bytesPerSecond / 1048576).toFixed(1)} MiB/s`
    : `${Math.round(bytesPerSecond / 1024)} KiB/s`
}

export function formatEta(seconds: number): string {
  const s = Math.round(seconds)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
