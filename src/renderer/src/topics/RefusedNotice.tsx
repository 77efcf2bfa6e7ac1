import { hrefFor } from '../app/routes'
import { REFUSED, useRefusals } from '../broker/use-refusals'

const count = new Intl.NumberFormat()

/**
 * Messages the broker refused never reach this tree: say how many, and where to see who
 * sent them (the Broker screen's Refused topics, with a button to allow each).
 */
export function RefusedNotice() {
  const { summary } = useRefusals()
  if (!summary || summary.total === 0) return null
  const subscriptions = summary.total - summary.publishes
  const parts = [
    summary.publishes > 0 ? plural(summary.publishes, 'message') : '',
    subscriptions > 0 ? plural(subscriptions, 'subscription') : '',
  ].filter((p) => p !== '')
  return (
    <p className="banner banner--warn" role="status" aria-live="polite">
      <span>
        {`${parts.join(' and ')} refused by the broker: ${summary.total === 1 ? 'it is' : 'they are'} not in this tree. See who sent ${summary.total === 1 ? 'it' : 'them'} under `}
        <a href={hrefFor('broker', REFUSED)}>Broker → Refused topics</a>.
      </span>
    </p>
  )
}

function plural(n: number, word: string): string {
  return `${count.format(n)} ${word}${n === 1 ? '' : 's'}`
}
