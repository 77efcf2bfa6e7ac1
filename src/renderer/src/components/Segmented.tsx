/** A small group of mutually exclusive choices (view mode, time range); arrow keys move. */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string
  value: T
  options: readonly { value: T; label: string }[]
  onChange: (value: T) => void
}) {
  const move = (group: HTMLElement, delta: number): void => {
    const i = options.findIndex((o) => o.value === value)
    const index = (i + delta + options.length) % options.length
    const next = options[index]
    if (!next) return
    onChange(next.value)
    group.querySelectorAll<HTMLButtonElement>('[role="radio"]')[index]?.focus()
  }
  return (
    <div
      className="segmented"
      role="radiogroup"
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowDown') move(e.currentTarget, 1)
        else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') move(e.currentTarget, -1)
        else return
        e.preventDefault()
      }}
    >
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          role="radio"
          aria-checked={option.value === value}
          tabIndex={option.value === value ? 0 : -1}
          className={option.value === value ? 'active' : undefined}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  )
}
