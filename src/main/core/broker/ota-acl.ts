import { APP_ONLY_OTA_KINDS } from '@shared/ota/protocol'

/**
 * Over-the-air update topics only the app may publish to (docs/ota.md "Topics"):
 * `<prefix>/<any id>/ota/manifest|chunk|cancel`. A device login is refused there even under
 * its own root, so a board (or a stolen board password) can't push code to itself or others.
 */
export function isAppOnlyOtaTopic(topic: string, prefix: string): boolean {
  if (!topic.startsWith(`${prefix}/`)) return false
  const rest = topic.slice(prefix.length + 1).split('/')
  return (
    rest.length === 3 &&
    rest[1] === 'ota' &&
    (APP_ONLY_OTA_KINDS as readonly string[]).includes(rest[2] ?? '')
  )
}
