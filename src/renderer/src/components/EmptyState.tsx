import type { ReactNode } from 'react'

/** What a screen shows when there is nothing yet: what it is for and the next step. */
export function EmptyState({
  title,
  children,
  icon,
}: {
  title: string
  children: ReactNode
  icon?: string
}) {
  return (
    <div className="empty-state" role="status">
      {icon && (
        <div className="empty-state__icon" aria-hidden="true">
          {icon}
        </div>
      )}
      <h2>{title}</h2>
      <div className="empty-state__body">{children}</div>
    </div>
  )
}
