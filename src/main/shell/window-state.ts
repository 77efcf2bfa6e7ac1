/**
 * The main window's size and position, remembered in `<userData>/window-state.json`. A saved
 * position that no longer falls on a connected display (a monitor unplugged) is dropped, so
 * the window never opens off-screen; a corrupt file only costs the remembered size.
 */
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'

export const DEFAULT_SIZE = { width: 1280, height: 820 } as const
export const MIN_SIZE = { width: 900, height: 600 } as const

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(MIN_SIZE.width).max(20_000),
  height: z.number().int().min(MIN_SIZE.height).max(20_000),
  maximized: z.boolean().default(false),
})
export type WindowState = z.infer<typeof WindowState>

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export const WINDOW_STATE_FILE = 'window-state.json'

/** The saved state, or the default size when there is none or it is unreadable. */
export function loadWindowState(
  dataDir: string,
  workAreas: readonly Rectangle[],
  log: { warn(message: string, fields?: Record<string, unknown>): void },
): WindowState {
  const fallback: WindowState = { ...DEFAULT_SIZE, maximized: false }
  let raw: string
  try {
    raw = readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8')
  } catch {
    return fallback
  }
  let parsed: ReturnType<typeof WindowState.safeParse>
  try {
    parsed = WindowState.safeParse(JSON.parse(raw))
  } catch {
    parsed = WindowState.safeParse(null)
  }
  if (!parsed.success) {
    log.warn('window-state.json is unreadable: the default window size is used')
    return fallback
  }
  const state = parsed.data
  if (state.x === undefined || state.y === undefined) return state
  return isVisible({ ...state, x: state.x, y: state.y }, workAreas)
    ? state
    : { width: state.width, height: state.height, maximized: state.maximized }
}

/** At least a 100 x 50 corner of the title bar lies on some display. */
function isVisible(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  return workAreas.some((area) => {
    const overlapX =
      Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x)
    const titleY = bounds.y
    return overlapX >= 100 && titleY >= area.y && titleY + 50 <= area.y + area.height
  })
}

export async function saveWindowState(dataDir: string, state: WindowState): Promise<void> {
  const valid = WindowState.parse(state)
  await writeFile(join(dataDir, WINDOW_STATE_FILE), `${JSON.stringify(valid, null, 2)}\n`)
}
