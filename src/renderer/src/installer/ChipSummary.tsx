import type { ChipInfo } from '@shared/contract/flasher'

function size(bytes: number | null): string {
  if (bytes === null) return 'unknown'
  return bytes >= 1048576 ? `${bytes / 1048576} MB` : `${bytes / 1024} KB`
}

/** What detection found on the board. */
export function ChipSummary({ chip }: { chip: ChipInfo }) {
  return (
    <dl className="chip-summary" aria-label="Detected chip">
      <div>
        <dt>Chip</dt>
        <dd data-testid="chip-name">{chip.chip}</dd>
      </div>
      <div>
        <dt>Model</dt>
        <dd>{chip.description}</dd>
      </div>
      <div>
        <dt>MAC</dt>
        <dd>
          <code>{chip.mac}</code>
        </dd>
      </div>
      <div>
        <dt>Flash</dt>
        <dd>{size(chip.flashSizeBytes)}</dd>
      </div>
      <div>
        <dt>Crystal</dt>
        <dd>{chip.crystalMhz} MHz</dd>
      </div>
    </dl>
  )
}
