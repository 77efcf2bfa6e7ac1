import type { ReactNode } from 'react'

/** A labelled input with its hint or problem underneath, wired for screen readers. */
export function Field({
  id,
  label,
  problem,
  hint,
  children,
}: {
  id: string
  label: string
  problem?: string
  hint?: string
  children: ReactNode
}) {
  return (
    <div className={`field${problem ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {problem ? (
        <span id={`${id}-msg`} className="field__problem" role="alert">
          {problem}
        </span>
      ) : hint ? (
        <span id={`${id}-msg`} className="field__hint">
          {hint}
        </span>
      ) : null}
    </div>
  )
}
