export const WIZARD_STEPS = [
  { id: 'board', label: 'Board' },
  { id: 'firmware', label: 'Firmware' },
  { id: 'settings', label: 'Settings' },
  { id: 'install', label: 'Install' },
] as const
export type WizardStep = (typeof WIZARD_STEPS)[number]['id']

/** Where the person is in the wizard; earlier steps can be revisited (not during an install). */
export function WizardSteps({
  current,
  onGo,
  locked,
}: {
  current: WizardStep
  onGo: (step: WizardStep) => void
  locked: boolean
}) {
  const index = WIZARD_STEPS.findIndex((s) => s.id === current)
  return (
    <ol className="wizard-steps" aria-label="Installer steps">
      {WIZARD_STEPS.map((step, i) => (
        <li
          key={step.id}
          className={i === index ? 'current' : i < index ? 'done' : undefined}
          aria-current={i === index ? 'step' : undefined}
        >
          {i < index && !locked && step.id !== 'install' ? (
            <button type="button" className="link" onClick={() => onGo(step.id)}>
              <span className="wizard-steps__n">{i + 1}</span> {step.label}
            </button>
          ) : (
            <span>
              <span className="wizard-steps__n">{i + 1}</span> {step.label}
            </span>
          )}
        </li>
      ))}
    </ol>
  )
}
