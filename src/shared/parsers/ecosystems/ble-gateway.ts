/**
 * BLE gateways that decode sensor advertisements to JSON: OpenMQTTGateway
 * (docs.openmqttgateway.com "BLE gateway") and Theengs Gateway, both on
 * `<base>/BTtoMQTT/<MAC without colons>`, base `home/OpenMQTTGateway` or
 * `home/TheengsGateway` by default:
 *   home/OpenMQTTGateway/BTtoMQTT/A4C138AABBCC
 *     {"id":"A4:C1:38:AA:BB:CC","name":"ATC_AABBCC","rssi":-67,"brand":"Xiaomi","model":"LYWSD03MMC",
 *      "model_id":"LYWSD03MMC_ATC","tempc":21.6,"tempf":70.88,"hum":47,"batt":83,"volt":2.97}
 * The sensor is the device, not the gateway: its id is `ble.<MAC>`, so one sensor heard by
 * two gateways is still one device. Advertisements with nothing measured (phones, beacons:
 * only rssi/distance/servicedata) are ignored, so passers-by never become devices.
 */
import { deviceIdFromTopic } from '../../topics'
import { readFlatJson } from '../generic'
import { isPlainObject, parseJson, pickInfo, shortString } from '../text'
import { ignored, parsed, unparsed, type ParseOutcome, type ReportedInfo } from '../types'

export const BLE_LEVEL = 'BTtoMQTT'
const MAC = /^[0-9A-Fa-f]{12}$/
/** Radio metadata of any advertisement: not a measurement of the sensor. */
const RADIO_ONLY = new Set(['rssi', 'distance', 'txpower', 'mfid', 'manufacturerdata'])
const SKIP = new Set(['distance', 'txpower', 'adv_packet_id', 'packet', 'cont', 'track'])

export function parseBleGateway(
  levels: readonly string[],
  text: string,
  receivedAt: number,
): ParseOutcome | null {
  const n = levels.length
  if (n < 3 || levels[n - 2] !== BLE_LEVEL || !MAC.test(levels[n - 1]!)) return null
  if (text.trim() === '') return ignored('cleared retained BLE advertisement')
  const mac = levels[n - 1]!.toUpperCase()
  const json = parseJson(text)
  if (!json.ok) return unparsed(json.reason, json.detail)
  if (!isPlainObject(json.value))
    return unparsed('unrecognised', 'BLE gateway message must be a JSON object')
  const object = json.value
  const all = readFlatJson(object, receivedAt).readings
  if (!all.some((r) => !RADIO_ONLY.has(r.metric)))
    return ignored('BLE advertisement without sensor data')
  const readings = all.filter((r) => !SKIP.has(r.metric))
  const info: ReportedInfo = {
    mac: shortString(object.id, 32) ?? mac,
    ...pickInfo({
      name: [object.name],
      chip: [object.model_id, object.model],
      sensor: [object.model],
    }),
  }
  return parsed({ deviceId: deviceIdFromTopic(`ble/${mac}`), format: 'ble', readings, info })
}
