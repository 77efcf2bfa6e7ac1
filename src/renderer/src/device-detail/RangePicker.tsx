import { Segmented } from '../components/Segmented'
import { fromLocalInput, toLocalInput } from '../lib/time'
import { RANGES, type RangeKey, type TimeRange } from './ranges'

/** 1 h / 24 h / 7 d / 30 d presets, or a custom window with two local-time inputs. */
export function RangePicker({
  value,
  onChange,
  custom,
  onCustom,
}: {
  value: RangeKey
  onChange: (key: RangeKey) => void
  custom: TimeRange
  onCustom: (range: TimeRange) => void
}) {
  return (
    <div className="range-picker">
      <Segmented label="Time range" value={value} onChange={onChange} options={RANGES} />
      {value === 'custom' && (
        <span className="range-picker__custom">
          <label>
            <span className="sr-only">From</span>
            <input
              type="datetime-local"
              value={toLocalInput(custom.from)}
              max={toLocalInput(custom.to)}
              onChange={(e) => {
                const from = fromLocalInput(e.target.value)
                if (from !== null && from < custom.to) onCustom({ ...custom, from })
              }}
            />
          </label>
          <span aria-hidden="true">→</span>
          <label>
            <span className="sr-only">To</span>
            <input
              type="datetime-local"
              value={toLocalInput(custom.to)}
              min={toLocalInput(custom.from)}
              onChange={(e) => {
                const to = fromLocalInput(e.target.value)
                if (to !== null && to > custom.from) onCustom({ ...custom, to })
              }}
            />
          </label>
        </span>
      )}
    </div>
  )
}
