/** How full the queue between broker and storage is, as a thin bar under its figure. */
export function BacklogBar({ queued, highWater }: { queued: number; highWater: number }) {
  const share = highWater > 0 ? Math.min(1, queued / highWater) : 0
  const tone = share >= 1 ? 'full' : share >= 0.5 ? 'high' : 'low'
  return (
    <span
      className={`backlog-bar backlog-bar--${tone}`}
      role="meter"
      aria-label="Backlog"
      aria-valuemin={0}
      aria-valuemax={highWater}
      aria-valuenow={queued}
    >
      <span style={{ width: `${share * 100}%` }} />
    </span>
  )
}
