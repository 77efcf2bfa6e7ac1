/**
 * Home Assistant's documented schema for an MQTT sensor discovery payload, written down as
 * zod so our payloads are checked against it rather than against themselves. Sources:
 * - HA docs "MQTT Sensor" (integrations/sensor.mqtt): configuration variables and types;
 *   `availability` and `availability_topic` must not be used together; `device` only works
 *   with `unique_id`.
 * - HA docs "MQTT" → "Discovery messages": `origin` needs `name`; discovery topic format
 *   `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`, ids `[a-zA-Z0-9_-]`.
 * - HA developer docs "Sensor entity" → available device classes and their units
 *   (temperature: °C, °F, K; humidity: %), state classes.
 * Strict: an option HA does not know is a typo on our side.
 */
import { z } from 'zod'

const Topic = z
  .string()
  .min(1)
  .refine((t) => !/[#+]/.test(t), 'no wildcards in a publish topic')

const Device = z
  .object({
    configuration_url: z.string().optional(),
    connections: z.array(z.tuple([z.string(), z.string()])).optional(),
    hw_version: z.string().optional(),
    identifiers: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    manufacturer: z.string().optional(),
    model: z.string().optional(),
    model_id: z.string().optional(),
    name: z.string().optional(),
    serial_number: z.string().optional(),
    suggested_area: z.string().optional(),
    sw_version: z.string().optional(),
    via_device: z.string().optional(),
  })
  .strict()
  .refine((d) => d.identifiers !== undefined || d.connections !== undefined, {
    message: 'a device needs identifiers or connections',
  })

const Origin = z
  .object({
    name: z.string().min(1),
    sw_version: z.string().optional(),
    support_url: z.string().optional(),
  })
  .strict()

/** Units HA accepts per sensor device class (only the classes we use are listed). */
export const UNITS: Record<string, readonly string[]> = {
  temperature: ['°C', '°F', 'K'],
  humidity: ['%'],
}

export const HaMqttSensor = z
  .object({
    availability: z
      .array(
        z
          .object({
            topic: Topic,
            payload_available: z.string().optional(),
            payload_not_available: z.string().optional(),
            value_template: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    availability_mode: z.enum(['all', 'any', 'latest']).optional(),
    availability_template: z.string().optional(),
    availability_topic: Topic.optional(),
    default_entity_id: z.string().optional(),
    device: Device.optional(),
    device_class: z
      .enum([
        'apparent_power',
        'aqi',
        'atmospheric_pressure',
        'battery',
        'carbon_dioxide',
        'carbon_monoxide',
        'current',
        'data_rate',
        'data_size',
        'date',
        'distance',
        'duration',
        'energy',
        'enum',
        'frequency',
        'gas',
        'humidity',
        'illuminance',
        'irradiance',
        'moisture',
        'monetary',
        'nitrogen_dioxide',
        'nitrogen_monoxide',
        'nitrous_oxide',
        'ozone',
        'ph',
        'pm1',
        'pm10',
        'pm25',
        'power',
        'power_factor',
        'precipitation',
        'precipitation_intensity',
        'pressure',
        'reactive_power',
        'signal_strength',
        'sound_pressure',
        'speed',
        'sulphur_dioxide',
        'temperature',
        'timestamp',
        'volatile_organic_compounds',
        'voltage',
        'volume',
        'water',
        'weight',
        'wind_speed',
      ])
      .nullable()
      .optional(),
    enabled_by_default: z.boolean().optional(),
    encoding: z.string().optional(),
    entity_category: z.enum(['diagnostic']).optional(),
    entity_picture: z.string().optional(),
    expire_after: z.number().int().positive().optional(),
    force_update: z.boolean().optional(),
    icon: z.string().optional(),
    json_attributes_template: z.string().optional(),
    json_attributes_topic: Topic.optional(),
    last_reset_value_template: z.string().optional(),
    name: z.string().nullable().optional(),
    object_id: z.string().optional(),
    options: z.array(z.string()).optional(),
    origin: Origin.optional(),
    payload_available: z.string().optional(),
    payload_not_available: z.string().optional(),
    platform: z.literal('sensor').optional(),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    state_class: z
      .enum(['measurement', 'measurement_angle', 'total', 'total_increasing'])
      .optional(),
    state_topic: Topic,
    suggested_display_precision: z.number().int().min(0).optional(),
    unique_id: z.string().optional(),
    unit_of_measurement: z.string().nullable().optional(),
    value_template: z.string().optional(),
  })
  .strict()
  .refine((c) => !(c.availability && c.availability_topic), {
    message: 'availability and availability_topic must not be used together',
  })
  .refine((c) => c.device === undefined || c.unique_id !== undefined, {
    message: 'device only works when unique_id is set',
  })
  .refine(
    (c) => {
      const units = c.device_class ? UNITS[c.device_class] : undefined
      return (
        units === undefined ||
        (typeof c.unit_of_measurement === 'string' && units.includes(c.unit_of_measurement))
      )
    },
    { message: 'unit_of_measurement is not valid for the device_class' },
  )

/** `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config` */
export const DISCOVERY_TOPIC =
  /^[A-Za-z0-9_-]+\/sensor\/(?:[A-Za-z0-9_-]+\/)?[A-Za-z0-9_-]+\/config$/
