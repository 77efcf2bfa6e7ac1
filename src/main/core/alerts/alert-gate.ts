/** One change of a rule × device as the local engine saw it. */
export interface AlertTransition {
  ruleId: string
  deviceId: string
  phase: 'firing' | 'ok'
  /** Time of the reading that caused it (device time when it has one), else arrival time. */
  at: number
}

/**
 * Decides whether this instance delivers an alert (notification, webhook, MQTT state): with
 * several ingest instances only the alert leader does (cluster/alert-handover.ts). Without a
 * gate every transition is delivered at once.
 */
export interface AlertGate {
  /**
   * `deliver` runs when and if this instance is the one to deliver; it resolves once the
   * notification is out (the webhook posted, or queued for a retry when its receiver is down).
   */
  submit(transition: AlertTransition, deliver: () => Promise<void>): void
  /** Resolves when no decision is in progress. */
  settled(): Promise<void>
}
