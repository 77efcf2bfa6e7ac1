import type { ReadingPoint } from '../../../shared/contract/readings'
import type { Logger } from '../base/logger'

type StoredListener = { listener: (points: readonly ReadingPoint[]) => void; active: () => boolean }

/**
 * Every stored reading, uncoalesced, handed to forwarders and alerts once per tick: they must
 * not lose what the UI's bounded `readings.batch` may leave out under a flood. Points are
 * only collected while some listener is active, so an idle app builds none.
 */
export class StoredFanout {
  private points: ReadingPoint[] = []
  private readonly listeners = new Set<StoredListener>()

  constructor(private readonly logger: Logger) {}

  /** `active` says whether the listener wants readings now. */
  on(
    listener: (points: readonly ReadingPoint[]) => void,
    active: () => boolean = () => true,
  ): () => void {
    const entry = { listener, active }
    this.listeners.add(entry)
    return () => this.listeners.delete(entry)
  }

  /** Whether any listener wants readings now (checked once per message, not per reading). */
  wanted(): boolean {
    for (const { active } of this.listeners) if (active()) return true
    return false
  }

  push(point: ReadingPoint): void {
    this.points.push(point)
  }

  /** Hands what was collected since the last flush to every listener; one failing stops none. */
  flush(): void {
    if (this.points.length === 0) return
    const points = this.points
    this.points = []
    for (const { listener } of this.listeners) {
      try {
        listener(points)
      } catch (error) {
        this.logger.error('stored-readings listener failed', { error })
      }
    }
  }
}
