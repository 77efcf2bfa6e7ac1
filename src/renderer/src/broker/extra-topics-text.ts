/** The seed tutorial's topic (its publisher sends `temp:21,hum:40` there). */
export const SEED_TOPIC = 'home/sensors/temp_hum'
/** The seed tutorial's `CLIENT_ID`: as a device id, its code works with only user/password added. */
export const SEED_CLIENT_ID = 'ESP32_Sensor_01'

/** "a, b\nc" → ["a", "b", "c"]: the text field's topics, trimmed, empty ones dropped. */
export function parseTopicList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '')
}

/** Adds one topic to the field's text unless it is already there. */
export function withTopic(text: string, topic: string): string {
  const list = parseTopicList(text)
  return list.includes(topic) ? list.join(', ') : [...list, topic].join(', ')
}
