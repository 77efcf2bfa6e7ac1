import { SECTIONS, type SectionId } from './routes'

export function Sidebar({ current }: { current: SectionId }) {
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="sidebar__brand">
        <span aria-hidden="true">◉</span> IoT Control Center
      </div>
      <ul>
        {SECTIONS.map((section) => (
          <li key={section.id}>
            <a
              href={`#/${section.id}`}
              className={section.id === current ? 'active' : undefined}
              aria-current={section.id === current ? 'page' : undefined}
            >
              <span className="sidebar__icon" aria-hidden="true">
                {section.icon}
              </span>
              {section.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
