import type { SourceFormat } from '@shared/parsers/types'
import { FORMAT_LABELS } from '../lib/formats'

export function FormatBadge({ format }: { format: SourceFormat }) {
  return (
    <span className={`badge badge--${format}`} title={`Speaks: ${FORMAT_LABELS[format]}`}>
      {FORMAT_LABELS[format]}
    </span>
  )
}
