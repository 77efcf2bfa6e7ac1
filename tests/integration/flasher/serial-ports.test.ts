import { once } from 'node:events'
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import {
  FlasherService,
  PortWatcher,
  SerialPortScanner,
  type PortsChanged,
} from '../../../src/main/core/flasher'
import { createPtyPair } from '../../simulators/pty'

let root: string
let devDir: string
let sysTtyDir: string

/** A fake /dev and /sys/class/tty with a CP2102 on ttyUSB0 and an ESP32-S3's native USB on ttyACM0. */
async function fakeUsbDevice(
  name: string,
  usbDir: string,
  ids: Record<string, string>,
  viaPortDir: boolean,
) {
  const device = join(root, 'sys/devices/usb1', usbDir)
  const iface = join(device, `${usbDir}:1.0`)
  const target = viaPortDir ? join(iface, name) : iface
  await mkdir(target, { recursive: true })
  for (const [file, value] of Object.entries(ids)) await writeFile(join(device, file), `${value}\n`)
  await mkdir(join(sysTtyDir, name), { recursive: true })
  await symlink(target, join(sysTtyDir, name, 'device'))
  await writeFile(join(devDir, name), '')
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ports-'))
  devDir = join(root, 'dev')
  sysTtyDir = join(root, 'sys/class/tty')
  await mkdir(devDir, { recursive: true })
  await fakeUsbDevice(
    'ttyUSB0',
    '1-1',
    { idVendor: '10c4', idProduct: 'ea60', manufacturer: 'Silicon Labs', serial: '0001' },
    true,
  )
  await fakeUsbDevice('ttyACM0', '1-2', { idVendor: '303a', idProduct: '1001' }, false)
  await writeFile(join(devDir, 'ttyS0'), '')
  await writeFile(join(devDir, 'null'), '')
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const noUdev = () => Promise.reject(new Error('spawn udevadm ENOENT'))

describe('serial ports', () => {
  test('without udevadm, ttyUSB*/ttyACM* are found by scanning and named from sysfs USB IDs', async () => {
    const scanner = new SerialPortScanner({ list: noUdev, devDir, sysTtyDir })
    const ports = await scanner.list()
    expect(ports.map((p) => p.path)).toEqual([join(devDir, 'ttyACM0'), join(devDir, 'ttyUSB0')])
    expect(ports[0]).toMatchObject({
      friendlyName: expect.stringContaining('Espressif USB-Serial/JTAG'),
      vendorId: 0x303a,
      productId: 0x1001,
      likelyEsp: true,
      source: 'scan',
      accessible: true,
    })
    expect(ports[1]).toMatchObject({
      friendlyName: 'Silicon Labs CP210x USB to UART',
      manufacturer: 'Silicon Labs',
      serialNumber: '0001',
    })
  })

  test('SerialPort.list results get friendly names and ESP-looking ports first', async () => {
    const scanner = new SerialPortScanner({
      list: async () => [
        { path: '/dev/ttyS0' },
        { path: '/dev/ttyUSB3', vendorId: '1A86', productId: '7523', manufacturer: 'QinHeng' },
        { path: '/dev/ttyUSB2', vendorId: '0403', productId: '6015' },
      ],
    })
    const ports = await scanner.list()
    expect(ports.map((p) => [p.path, p.friendlyName, p.source])).toEqual([
      ['/dev/ttyUSB2', 'FTDI FT231X USB to UART', 'system'],
      ['/dev/ttyUSB3', 'WCH CH340 USB to serial', 'system'],
      ['/dev/ttyS0', 'Serial port ttyS0', 'system'],
    ])
  })

  test('hot-plug: the watcher reports added and removed ports', async () => {
    const watcher = new PortWatcher(
      new SerialPortScanner({ list: noUdev, devDir, sysTtyDir }),
      systemClock,
      60_000,
    )
    await watcher.start()
    const events: PortsChanged[] = []
    watcher.on('changed', (change) => events.push(change))

    await writeFile(join(devDir, 'ttyUSB1'), '')
    await watcher.poll()
    await unlink(join(devDir, 'ttyUSB0'))
    await watcher.poll()
    await watcher.poll() // nothing changed: no event
    watcher.stop()

    expect(events).toHaveLength(2)
    expect(events[0]?.added.map((p) => p.path)).toEqual([join(devDir, 'ttyUSB1')])
    expect(events[0]?.removed).toEqual([])
    expect(events[1]?.removed.map((p) => p.friendlyName)).toEqual([
      'Silicon Labs CP210x USB to UART',
    ])
    expect(events[1]?.ports).toHaveLength(2)
  })

  test('the service forwards hot-plug changes as ports-changed events', async () => {
    const service = new FlasherService({
      dataDir: join(root, 'data'),
      scanner: new SerialPortScanner({ list: noUdev, devDir, sysTtyDir }),
      portPollMs: 20,
    })
    try {
      expect(await service.watchPorts()).toHaveLength(2)
      const changed = once(service, 'ports-changed')
      await writeFile(join(devDir, 'ttyACM1'), '')
      const [change] = (await changed) as [PortsChanged]
      expect(change.added.map((p) => p.path)).toEqual([join(devDir, 'ttyACM1')])
    } finally {
      service.close()
    }
  })

  test('an explicit pty path is accepted as a manual port; a missing one is PORT_NOT_FOUND', async () => {
    const pty = await createPtyPair({ devicePath: join(root, 'a'), hostPath: join(root, 'b') })
    try {
      const scanner = new SerialPortScanner({ list: noUdev, devDir, sysTtyDir })
      await expect(scanner.describe(pty.hostPath)).resolves.toMatchObject({
        path: pty.hostPath,
        source: 'manual',
      })
      await expect(scanner.describe(join(root, 'nope'))).rejects.toMatchObject({
        failure: 'PORT_NOT_FOUND',
      })
    } finally {
      await pty.kill()
    }
  })
})
