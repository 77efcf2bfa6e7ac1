/**
 * A Grafana dashboard (JSON model, schemaVersion 39) over the measurement the app's
 * InfluxDB forwarding and the generated telegraf.conf both write. Importable through
 * Dashboards → Import: `__inputs` asks for the InfluxDB data source. InfluxQL for 1.x,
 * Flux for 2.x (the data source's query language must match).
 */

export interface DashboardInput {
  appVersion: string
  influx: { version: '1' | '2'; bucket: string; measurement: string; alertsMeasurement: string }
  /** Device ids and names, to show names instead of ids in legends. */
  devices: { id: string; name: string }[]
}

const DS = { type: 'influxdb', uid: '${DS_INFLUXDB}' }

/** A string inside an InfluxQL regex literal or Flux string: no `/`, `"` or `\` unescaped. */
const fluxString = (s: string): string => JSON.stringify(s)

function influxql(select: string, measurement: string, group: string): string {
  return `SELECT ${select} FROM "${measurement.replace(/"/g, '\\"')}" WHERE ("device" =~ /^$device$/) AND $timeFilter ${group}`
}

function flux(bucket: string, measurement: string, field: string, tail: string): string {
  return [
    `from(bucket: ${fluxString(bucket)})`,
    '  |> range(start: v.timeRangeStart, stop: v.timeRangeStop)',
    `  |> filter(fn: (r) => r._measurement == ${fluxString(measurement)} and r._field == ${fluxString(field)})`,
    '  |> filter(fn: (r) => contains(value: r.device, set: ${device:json}))',
    tail,
  ].join('\n')
}

function seriesTarget(
  input: DashboardInput,
  field: string,
  kind: 'series' | 'last',
): Record<string, unknown> {
  const { influx } = input
  if (influx.version === '2') {
    // One column per device id (pivot), so every series is named exactly its id, as with
    // InfluxQL's `alias: $tag_device`: the name overrides can then match the whole name.
    const tail = [
      kind === 'series'
        ? '  |> aggregateWindow(every: v.windowPeriod, fn: mean, createEmpty: false)'
        : '  |> last()',
      '  |> keep(columns: ["_time", "_value", "device"])',
      '  |> group()',
      '  |> pivot(rowKey: ["_time"], columnKey: ["device"], valueColumn: "_value")',
    ].join('\n')
    return {
      refId: 'A',
      datasource: DS,
      query: flux(influx.bucket, influx.measurement, field, tail),
    }
  }
  const query =
    kind === 'series'
      ? influxql(
          `mean("${field}")`,
          influx.measurement,
          'GROUP BY time($__interval), "device" fill(null)',
        )
      : influxql(`last("${field}")`, influx.measurement, 'GROUP BY "device"')
  return {
    refId: 'A',
    datasource: DS,
    rawQuery: true,
    resultFormat: 'time_series',
    alias: '$tag_device',
    query,
  }
}

/** `id` as a regex matching only itself: every regex metacharacter (and `/`) escaped. */
export function exactNameRegex(id: string): string {
  return `^${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`
}

/**
 * Shows "Living room" instead of "esp32-a1b2c3" where the series name is the device id. The
 * pattern is anchored: unanchored, `esp32-a` would also rename `esp32-ab`'s series.
 */
function nameOverrides(devices: DashboardInput['devices']): unknown[] {
  return devices
    .filter((d) => d.name !== d.id)
    .map((d) => ({
      matcher: { id: 'byRegexp', options: exactNameRegex(d.id) },
      properties: [{ id: 'displayName', value: d.name }],
    }))
}

function panel(
  id: number,
  type: string,
  title: string,
  grid: { x: number; y: number; w: number; h: number },
  target: Record<string, unknown>,
  unit: string,
  overrides: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    type,
    title,
    datasource: DS,
    gridPos: grid,
    targets: [target],
    fieldConfig: { defaults: { unit, decimals: 1 }, overrides },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
    ...extra,
  }
}

export function grafanaDashboard(input: DashboardInput): Record<string, unknown> {
  const { influx } = input
  const overrides = nameOverrides(input.devices)
  const alertsTarget =
    influx.version === '2'
      ? {
          refId: 'A',
          datasource: DS,
          query: [
            `from(bucket: ${fluxString(influx.bucket)})`,
            '  |> range(start: v.timeRangeStart, stop: v.timeRangeStop)',
            `  |> filter(fn: (r) => r._measurement == ${fluxString(influx.alertsMeasurement)} and r._field == "active")`,
            '  |> group(columns: ["rule"])',
            '  |> aggregateWindow(every: v.windowPeriod, fn: max, createEmpty: false)',
          ].join('\n'),
        }
      : {
          refId: 'A',
          datasource: DS,
          rawQuery: true,
          resultFormat: 'time_series',
          alias: '$tag_rule',
          query: `SELECT max("active") FROM "${influx.alertsMeasurement}" WHERE $timeFilter GROUP BY time($__interval), "rule" fill(previous)`,
        }
  const deviceVariable =
    influx.version === '2'
      ? `import "influxdata/influxdb/schema"\nschema.tagValues(bucket: ${fluxString(influx.bucket)}, tag: "device")`
      : `SHOW TAG VALUES FROM "${influx.measurement}" WITH KEY = "device"`
  return {
    __inputs: [
      {
        name: 'DS_INFLUXDB',
        label: 'InfluxDB',
        description: `InfluxDB ${influx.version}.x data source with the app's readings`,
        type: 'datasource',
        pluginId: 'influxdb',
        pluginName: 'InfluxDB',
      },
    ],
    __requires: [{ type: 'datasource', id: 'influxdb', name: 'InfluxDB', version: '1.0.0' }],
    title: 'ESP32 sensors',
    uid: 'iotcc-sensors',
    description: `Generated by ESP32 IoT Control Center ${input.appVersion}`,
    tags: ['esp32', 'iot'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-24h', to: 'now' },
    templating: {
      list: [
        {
          name: 'device',
          label: 'Device',
          type: 'query',
          datasource: DS,
          query: deviceVariable,
          definition: deviceVariable,
          multi: true,
          includeAll: true,
          current: { text: 'All', value: '$__all' },
          refresh: 1,
          sort: 1,
        },
      ],
    },
    annotations: { list: [] },
    panels: [
      panel(
        1,
        'timeseries',
        'Temperature',
        { x: 0, y: 0, w: 12, h: 9 },
        seriesTarget(input, 'temperature', 'series'),
        'celsius',
        overrides,
      ),
      panel(
        2,
        'timeseries',
        'Humidity',
        { x: 12, y: 0, w: 12, h: 9 },
        seriesTarget(input, 'humidity', 'series'),
        'humidity',
        overrides,
      ),
      panel(
        3,
        'stat',
        'Temperature now',
        { x: 0, y: 9, w: 12, h: 5 },
        seriesTarget(input, 'temperature', 'last'),
        'celsius',
        overrides,
      ),
      panel(
        4,
        'stat',
        'Humidity now',
        { x: 12, y: 9, w: 12, h: 5 },
        seriesTarget(input, 'humidity', 'last'),
        'humidity',
        overrides,
      ),
      panel(
        5,
        'state-timeline',
        'Alerts (1 = firing)',
        { x: 0, y: 14, w: 24, h: 7 },
        alertsTarget,
        'none',
        [],
        {
          fieldConfig: {
            defaults: {
              unit: 'none',
              mappings: [
                {
                  type: 'value',
                  options: {
                    '0': { text: 'ok', color: 'green' },
                    '1': { text: 'firing', color: 'red' },
                  },
                },
              ],
              thresholds: {
                mode: 'absolute',
                steps: [
                  { color: 'green', value: null },
                  { color: 'red', value: 1 },
                ],
              },
            },
            overrides: [],
          },
        },
      ),
    ],
  }
}
