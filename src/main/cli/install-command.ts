/**
 * `npm run cli -- install --port P --wifi-ssid S [--firmware ID|file.bin|keep] …`: the
 * one-click installer from a terminal, with progress bars. The Wi-Fi password comes from
 * $IOTCC_WIFI_PASSWORD or a prompt without echo, never from a flag (flags end up in `ps`
 * and in the shell history).
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { InstallProgress, InstallRequest } from '../../shared/contract/installer'
import type { CliApi } from './cli-api'
import type { CliIo } from './export-command'
import { progressLine } from './progress-bar'

export const INSTALL_USAGE = `Usage: npm run cli -- install --port PORT --wifi-ssid SSID [options]

  --port PORT          serial port of the board (see: npm run cli -- ports)
  --wifi-ssid SSID     Wi-Fi network the board joins (2.4 GHz)
  --firmware F         catalog id (npm run cli -- ports --catalog), a .bin file,
                       or "keep" (the board already runs MicroPython); default:
                       the newest catalog build for the detected chip
  --name NAME          device name (default "ESP32")
  --id ID              device id (default esp32-<last 6 hex of the MAC>)
  --sensor DHT22|DHT11 (default DHT22)   --pin N   data GPIO (default 4)
  --erase              erase the whole flash first
  --baud N             transfer baud rate (default 460800)
  --broker-host H      use your own broker instead of the built-in one
  --broker-port N      (default 1883)  --broker-user U  --broker-tls
  --server URL         the "Web UI" address printed by npm run serve (with ?token=)
  --data-dir DIR       without --server: run the core in this process on DIR
  --json               print the result as JSON

  The Wi-Fi password is read from $IOTCC_WIFI_PASSWORD or asked for (not echoed);
  a broker password from $IOTCC_BROKER_PASSWORD.
`

export interface InstallIo extends CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown }
  readSecret: (prompt: string) => Promise<string>
  /** Opens the API: --server or an in-process core. */
  openApi: (server: string | undefined, dataDir: string | undefined) => Promise<CliApi>
  isTTY?: boolean
}

const OPTIONS = {
  port: { type: 'string' },
  'wifi-ssid': { type: 'string' },
  firmware: { type: 'string' },
  name: { type: 'string' },
  id: { type: 'string' },
  sensor: { type: 'string' },
  pin: { type: 'string' },
  erase: { type: 'boolean' },
  baud: { type: 'string' },
  'broker-host': { type: 'string' },
  'broker-port': { type: 'string' },
  'broker-user': { type: 'string' },
  'broker-tls': { type: 'boolean' },
  server: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
  'wifi-password': { type: 'string' },
} as const

class UsageError extends Error {}

/** Resolves with the exit code: 0 installed, 1 failed, 2 usage error, 130 cancelled. */
export async function runInstallCommand(argv: string[], io: InstallIo): Promise<number> {
  let values: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>
  >['values']
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true }).values
    if (values.help) {
      io.stdout.write(INSTALL_USAGE)
      return 0
    }
    if (values['wifi-password'] !== undefined) {
      throw new UsageError(
        '--wifi-password is not accepted: it would be visible in `ps` and your shell history. Set IOTCC_WIFI_PASSWORD or type it when asked.',
      )
    }
    if (!values.port) throw new UsageError('--port is required.')
    if (!values['wifi-ssid']) throw new UsageError('--wifi-ssid is required.')
    if (values.sensor && !['DHT22', 'DHT11'].includes(values.sensor))
      throw new UsageError('--sensor must be DHT22 or DHT11.')
    for (const flag of ['pin', 'baud', 'broker-port'] as const) {
      if (values[flag] !== undefined && !/^\d+$/.test(values[flag]))
        throw new UsageError(`--${flag} must be a number.`)
    }
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${INSTALL_USAGE}`)
    return 2
  }
  const env = io.env ?? process.env
  const ssid = values['wifi-ssid']
  const password =
    env.IOTCC_WIFI_PASSWORD ?? (await io.readSecret(`Wi-Fi password for "${ssid}": `))

  const api = await io.openApi(values.server, values['data-dir'])
  const port = values.port
  let cancelled = false
  const onSigint = (): void => {
    cancelled = true
    void api.call('installer.cancel', { port }).catch(() => undefined)
  }
  process.on('SIGINT', onSigint)
  const stopProgress = api.on('installer.progress', renderer(io, port))
  try {
    io.stderr.write(`Installing on ${port} via ${api.where}\n`)
    const firmware = await chooseFirmware(api, values.firmware, port, io)
    const request: InstallRequest = {
      port,
      firmware,
      eraseAll: values.erase ?? false,
      ...(values.baud ? { baudRate: Number(values.baud) } : {}),
      device: { name: values.name ?? 'ESP32', ...(values.id ? { id: values.id } : {}) },
      wifi: { ssid, password },
      broker: values['broker-host']
        ? {
            kind: 'external',
            host: values['broker-host'],
            port: Number(values['broker-port'] ?? 1883),
            tls: values['broker-tls'] ?? false,
            ...(values['broker-user'] ? { username: values['broker-user'] } : {}),
            ...(env.IOTCC_BROKER_PASSWORD ? { password: env.IOTCC_BROKER_PASSWORD } : {}),
          }
        : { kind: 'embedded' },
      sensor: { type: values.sensor === 'DHT11' ? 'DHT11' : 'DHT22', pin: Number(values.pin ?? 4) },
    }
    const result = await api.call('installer.run', request)
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`)
    else {
      io.stdout.write(
        `${result.deviceId} is online (${result.chip ?? 'chip unchanged'}, MAC ${result.mac}, broker ${result.brokerHost}:${result.brokerPort}) after ${Math.round(result.totalMs / 1000)} s.\n`,
      )
    }
    return 0
  } catch (error) {
    io.stderr.write(`\nInstallation failed: ${(error as Error).message}\n`)
    return cancelled ? 130 : 1
  } finally {
    stopProgress()
    process.off('SIGINT', onSigint)
    await api.close()
  }
}

/** --firmware: catalog id, a .bin (uploaded in chunks, so it works with a remote server too) or keep. */
async function chooseFirmware(
  api: CliApi,
  choice: string | undefined,
  port: string,
  io: InstallIo,
): Promise<InstallRequest['firmware']> {
  if (choice === 'keep') return { keep: true }
  if (choice && /\.bin$/i.test(choice)) {
    const bytes = await readFile(choice)
    const { uploadId, chunkBytes } = await api.call('firmware.importBegin', {
      name: choice,
      size: bytes.length,
    })
    for (let at = 0, index = 0; at < bytes.length; at += chunkBytes, index++) {
      const data = bytes.subarray(at, at + chunkBytes).toString('base64')
      await api.call('firmware.importChunk', { uploadId, index, data })
    }
    const local = await api.call('firmware.importFinish', { uploadId })
    io.stderr.write(
      `Uploaded ${local.name} (${local.image.chip ?? 'unknown chip'}, ${bytes.length} bytes)\n`,
    )
    return { localId: local.localId }
  }
  if (choice) return { catalogId: choice }
  const chip = await api.call('flasher.detect', { port })
  const [newest] = await api.call('firmware.catalog', { chip: chip.chip })
  if (!newest)
    throw new Error(`The catalog has no firmware for ${chip.chip}; pass --firmware file.bin.`)
  io.stderr.write(`Found ${chip.description}; using ${newest.name} ${newest.version}\n`)
  return { catalogId: newest.id }
}

/** One redrawn line on a terminal; otherwise a line per stage and per 10 %. */
function renderer(io: InstallIo, port: string): (p: InstallProgress) => void {
  const tty = io.isTTY ?? false
  let lastStage = ''
  let lastTenth = -1
  return (p) => {
    if (p.port !== port) return
    if (tty) {
      io.stderr.write(`\r\x1b[2K${progressLine(p)}`)
      if (p.stage === 'done' || p.stage === 'failed') io.stderr.write('\n')
      return
    }
    const tenth = Math.floor(p.percent / 10)
    if (p.stage === lastStage && tenth === lastTenth) return
    lastStage = p.stage
    lastTenth = tenth
    io.stderr.write(`${progressLine(p)}\n`)
  }
}
