/**
 * The app's half of docs/ota.md for the board-simulator tests, over a real MQTT connection:
 * sends the signed manifest whenever the board comes online (until it applies), then the
 * window of chunks the board's `next` asks for, resending from `next` after 10 s of silence.
 * Encoding is the app's own (src/shared/ota): this only drives the flow.
 */
import type { MqttClient } from 'mqtt'
import {
  chunkPayload,
  OTA_WINDOW,
  otaTopics,
  parseOtaEvent,
  parseOtaStatus,
  type OtaEvent,
} from '../../../src/shared/ota/node'
import type { Update } from '../../firmware/ota-board'

export interface SendResult {
  event: OtaEvent
  /** Every status the board published, in order. */
  states: string[]
}

export function sendUpdate(
  client: MqttClient,
  id: string,
  u: Update,
  opts: {
    timeoutMs?: number
    resendMs?: number
    onStatus?: (state: string, next?: number) => void
  } = {},
): Promise<SendResult> {
  const t = otaTopics('iot', id)
  const statusTopic = `iot/${id}/status`
  const eventTopic = `iot/${id}/event`
  const states: string[] = []
  let applying = false
  let next = -1
  let quiet: NodeJS.Timeout | undefined
  const sendWindow = (from: number): void => {
    for (let n = from; n < Math.min(from + OTA_WINDOW, u.manifest.total); n++)
      void client.publishAsync(t.chunk, chunkPayload(u.pkg, u.manifest, n), { qos: 1 })
    clearTimeout(quiet)
    quiet = setTimeout(() => sendWindow(next), opts.resendMs ?? 10_000)
  }
  return new Promise<SendResult>((resolve, reject) => {
    const deadline = setTimeout(
      () => finish(() => reject(new Error(`${id}: no result; states ${states.join(' ')}`))),
      opts.timeoutMs ?? 120_000,
    )
    const finish = (then: () => void): void => {
      clearTimeout(deadline)
      clearTimeout(quiet)
      client.off('message', onMessage)
      then()
    }
    const onMessage = (topic: string, payload: Buffer): void => {
      if (topic === statusTopic && payload.toString() === 'online' && !applying) {
        void client.publishAsync(t.manifest, u.payload, { qos: 1 })
      } else if (topic === t.status) {
        const s = parseOtaStatus(payload)
        if (!s || s.update !== u.manifest.update) return
        states.push(s.state)
        opts.onStatus?.(s.state, s.next)
        if (s.state === 'applying') applying = true
        if (s.state === 'receiving' && s.next !== undefined) {
          next = s.next
          sendWindow(s.next)
        } else clearTimeout(quiet)
      } else if (topic === eventTopic) {
        const e = parseOtaEvent(payload)
        if (e?.event === 'update_ok' && e.version === u.manifest.version)
          finish(() => resolve({ event: e, states }))
        else if (e?.event === 'update_failed') finish(() => resolve({ event: e, states }))
      }
    }
    client.on('message', onMessage)
    void client.subscribeAsync([statusTopic, eventTopic, t.status], { qos: 1 })
  })
}
