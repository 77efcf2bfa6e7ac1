/**
 * `npm run sim:board -- --link /tmp/esp32 [--chip esp32s3] [--mac 24:0a:c4:a1:b2:c3]
 *   [--wifi-ssid lab --wifi-password lab-wifi-pass] [--speed 1] [--firmware real|none] [--fault silent]
 *   [--verbose]`
 *
 * A whole simulated ESP32 board on one pty: ROM bootloader until flashed, then MicroPython,
 * then the real firmware joining the broker its config.json names. Point the installer
 * (app, web mode or `npm run cli -- install --port /tmp/esp32 …`) at the printed path.
 */
import { parseArgs } from 'node:util'
import { BoardSimulator, SIM_WIFI } from './board-simulator'

const { values } = parseArgs({
  options: {
    link: { type: 'string' },
    chip: { type: 'string', default: 'ESP32' },
    mac: { type: 'string' },
    'wifi-ssid': { type: 'string', default: SIM_WIFI.ssid },
    'wifi-password': { type: 'string', default: SIM_WIFI.password },
    speed: { type: 'string', default: '1' },
    firmware: { type: 'string', default: 'real' },
    fault: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})

if (values.help || !values.link) {
  process.stdout.write(
    'usage: npm run sim:board -- --link PATH [--chip esp32|esp32s3|…] [--mac MAC]\n' +
      '         [--wifi-ssid S --wifi-password P] [--speed N] [--firmware real|none]\n' +
      '         [--fault silent] [--verbose]\n',
  )
  process.exit(values.help ? 0 : 2)
}

const log = (line: string): void => void process.stderr.write(`${line}\n`)
// Handlers before the path is printed: whoever reads it may signal at once, and the
// board (socat included) must still be closed.
const running: { board?: BoardSimulator } = {}
const stop = async (): Promise<void> => {
  await running.board?.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())

const board = await BoardSimulator.start({
  hostPath: values.link,
  chip: values.chip,
  ...(values.mac ? { mac: values.mac } : {}),
  wifi: { ssid: values['wifi-ssid'], password: values['wifi-password'] },
  speed: Number(values.speed) || 1,
  firmware: values.firmware === 'none' ? 'none' : 'real',
  ...(values.fault === 'silent' ? { romFaults: { silent: true } } : {}),
  ...(values.verbose ? { log } : {}),
})
running.board = board
process.stdout.write(`${board.hostPath}\n`)
log(
  `simulated ${board.chip.name} board (MAC ${board.mac}) in download mode on ${board.hostPath}; ` +
    // A simulator's password is no secret: the person needs it for the Installer's form.
    `Wi-Fi "${values['wifi-ssid']}", password "${values['wifi-password']}". Ctrl-C to stop.`,
)
