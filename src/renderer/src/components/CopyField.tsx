import { useState } from 'react'

/**
 * A value to copy into another tool (broker address, user name, password). Secrets are
 * masked until revealed and are never logged.
 */
export function CopyField({
  label,
  value,
  secret = false,
}: {
  label: string
  value: string
  secret?: boolean
}) {
  const [revealed, setRevealed] = useState(false)
  const [copied, setCopied] = useState<'ok' | 'failed'>()
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value)
      setCopied('ok')
    } catch {
      setCopied('failed')
    }
    setTimeout(() => setCopied(undefined), 2000)
  }
  const shown = secret && !revealed ? '•'.repeat(Math.min(16, Math.max(8, value.length))) : value
  return (
    <div className="copy-field">
      <span className="copy-field__label">{label}</span>
      <code className="copy-field__value" aria-label={label}>
        {shown}
      </code>
      <span className="copy-field__actions">
        {secret && (
          <button type="button" className="small" onClick={() => setRevealed(!revealed)}>
            {revealed ? 'Hide' : 'Show'}
          </button>
        )}
        <button
          type="button"
          className="small"
          onClick={() => void copy()}
          aria-label={`Copy ${label}`}
        >
          {copied === 'ok' ? 'Copied' : copied === 'failed' ? 'Select and copy' : 'Copy'}
        </button>
      </span>
    </div>
  )
}
