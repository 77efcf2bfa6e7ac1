/**
 * ESPHome's MQTT client (esphome.io "MQTT Client Component"): every entity publishes its
 * state on `<topic_prefix>/<component>/<object_id>/state` (topic_prefix defaults to the
 * node name) and listens on `…/command`; the node's availability is `<topic_prefix>/status`
 * `online`/`offline` (birth message and Last Will). So
 *   livingroom/sensor/temperature/state   `21.3`
 *   livingroom/sensor/humidity/state      `45.2`
 *   livingroom/status                     `online`
 * are one device, `livingroom`: the same id the status topic gets from the generic parser.
 * The object id becomes the metric (canonical when it is one of the catalog's names or
 * aliases: `temperature`, `humidity`, `battery`…; otherwise its own slug, so two temperature
 * sensors on one node stay two series). When the node also publishes Home Assistant
 * discovery (its default), the learned config wins: it names the metric by device_class and
 * the unit (see home-assistant.ts, which gives those entities this same device id).
 * Entities without a number (binary_sensor, switch, text_sensor, light…) are ignored.
 */
import { deviceIdFromTopic, HA_DISCOVERY_PREFIX } from '../../topics'
import { valueWithUnit } from '../seed'
import { isPlainObject, metricForKey, parseJson, parseNumber, pickInfo } from '../text'
import { ignored, parsed, unparsed, type ParseOutcome } from '../types'

/** ESPHome components that publish on `<prefix>/<component>/<object_id>/state`. */
export const ESPHOME_COMPONENTS: ReadonlySet<string> = new Set([
  'sensor',
  'number',
  'binary_sensor',
  'switch',
  'text_sensor',
  'light',
  'fan',
  'cover',
  'climate',
  'select',
  'button',
  'lock',
  'valve',
  'text',
  'event',
  'update',
  'datetime',
  'alarm_control_panel',
])
const NUMERIC = new Set(['sensor', 'number'])

/** `<node>/<component>/<object_id>/state|command` → its parts; null for any other topic. */
export function esphomeTopic(
  levels: readonly string[],
): { node: string; component: string; objectId: string; kind: 'state' | 'command' } | null {
  if (levels.length !== 4) return null
  const [node, component, objectId, kind] = levels as [string, string, string, string]
  // `homeassistant/sensor/<x>/state` is HA's own documented example shape, not a node.
  if (node === '' || node === HA_DISCOVERY_PREFIX || objectId === '') return null
  if (!ESPHOME_COMPONENTS.has(component)) return null
  if (kind !== 'state' && kind !== 'command') return null
  return { node, component, objectId, kind }
}

/** The device id of an ESPHome node: its topic prefix, as the generic parser names `<node>/status`. */
export function esphomeDeviceId(node: string): string {
  return deviceIdFromTopic(node)
}

export function parseEsphome(levels: readonly string[], text: string): ParseOutcome | null {
  const topic = esphomeTopic(levels)
  if (topic === null) return null
  if (topic.kind === 'command') return ignored('command to an ESPHome entity')
  if (!NUMERIC.has(topic.component))
    return ignored(`ESPHome ${topic.component} carries no numeric reading`)
  if (text.trim() === '') return ignored('cleared retained ESPHome state')
  const mapped = metricForKey(topic.objectId)
  if (mapped === null) return unparsed('unrecognised', 'ESPHome object id has no usable name')
  const value = valueWithUnit(mapped.metric, text, mapped.fahrenheit)
  // ESPHome publishes `nan` while a sensor has no valid reading.
  if (value === 'non-finite') return unparsed('non-finite', `ESPHome state is ${text.trim()}`)
  if (value === null) return unparsed('unrecognised', 'ESPHome sensor state is not a number')
  return parsed({
    deviceId: esphomeDeviceId(topic.node),
    format: 'esphome',
    readings: [{ metric: mapped.metric, value }],
  })
}

/**
 * Is a discovery config ESPHome's? Its state topic has the ESPHome shape and the node says
 * so: `sw_version` "esphome v…" or availability on `<node>/status`.
 */
export function esphomeNodeOfConfig(
  stateTopic: string,
  device: Record<string, unknown>,
  availabilityTopics: readonly string[],
): string | null {
  const topic = esphomeTopic(stateTopic.split('/'))
  if (topic === null) return null
  const sw = device.sw_version
  const saysEsphome = typeof sw === 'string' && sw.toLowerCase().startsWith('esphome')
  return saysEsphome || availabilityTopics.includes(`${topic.node}/status`) ? topic.node : null
}

/**
 * `<node>/debug`: the node's log lines (the MQTT logger's default log_topic). Text that is
 * not a number is a log line, ignored rather than counted as unparsed; a number is left to
 * the generic rules (someone else's `…/debug` metric).
 */
export function parseEsphomeLog(levels: readonly string[], text: string): ParseOutcome | null {
  if (levels.length !== 2 || levels[0] === '') return null
  if (parseNumber(text).ok || text.trimStart().startsWith('{')) return null
  return ignored('ESPHome log line')
}

/**
 * `esphome/discover/<node>`: what the node says about itself (ESPHome "MQTT Client
 * Component", `discover_ip`), e.g. {"name":"livingroom","ip":"192.168.1.50",
 * "mac":"a4cf12345678","version":"2024.6.0","platform":"ESP32","board":"esp32dev"}.
 * Other `esphome/…` topics carry nothing for us.
 */
export function parseEsphomeDiscovery(levels: readonly string[], text: string): ParseOutcome {
  if (levels.length !== 3 || levels[1] !== 'discover' || levels[2] === '')
    return ignored('ESPHome topic we do not read')
  if (text.trim() === '') return ignored('cleared ESPHome discovery')
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!isPlainObject(json.value))
    return unparsed('unrecognised', 'ESPHome discovery must be a JSON object')
  const body = json.value
  const info = pickInfo({
    name: [body.friendly_name, body.name],
    ip: [body.ip],
    mac: [body.mac],
    fw: [body.version],
    chip: [body.board, body.platform],
  })
  if (info.fw !== undefined) info.fw = `ESPHome ${info.fw}`
  return parsed({ deviceId: esphomeDeviceId(levels[2]!), format: 'esphome', readings: [], info })
}
