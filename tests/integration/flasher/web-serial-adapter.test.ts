import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicReset, Transport } from 'esptool-js'
import { SerialPort } from 'serialport'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { NodeWebSerialPort } from '../../../src/main/core/flasher/web-serial-adapter'
import { createPtyPair, type PtyPair } from '../../simulators/pty'

let dir: string
let pty: PtyPair
let device: SerialPort
let adapter: NodeWebSerialPort

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-'))
  pty = await createPtyPair({ devicePath: join(dir, 'dev'), hostPath: join(dir, 'host') })
  device = await new Promise<SerialPort>((resolve, reject) => {
    const port = new SerialPort({ path: pty.devicePath, baudRate: 115200 }, (e) =>
      e ? reject(e) : resolve(port),
    )
  })
  adapter = new NodeWebSerialPort({
    path: pty.hostPath,
    info: { usbVendorId: 0x10c4, usbProductId: 0xea60 },
    presencePollMs: 20,
  })
})

afterEach(async () => {
  await adapter.close()
  if (device.isOpen) await new Promise((resolve) => device.close(resolve))
  await pty.kill()
  await rm(dir, { recursive: true, force: true })
})

test('Web Serial streams carry bytes both ways and getInfo reports the USB IDs', async () => {
  await adapter.open({ baudRate: 115200 })
  expect(adapter.getInfo()).toEqual({ usbVendorId: 0x10c4, usbProductId: 0xea60 })
  const writer = adapter.writable?.getWriter()
  await writer?.write(Uint8Array.from([0xc0, 1, 2, 0xc0]))
  writer?.releaseLock()
  const [received] = (await new Promise((resolve) =>
    device.once('data', (d: Buffer) => resolve([d])),
  )) as [Buffer]
  expect([...received]).toEqual([0xc0, 1, 2, 0xc0])

  const reader = adapter.readable?.getReader()
  device.write(Buffer.from('OHAI'))
  const { value } = (await reader?.read()) ?? {}
  expect(Buffer.from(value ?? []).toString()).toBe('OHAI')
  await reader?.cancel()
  reader?.releaseLock()
  expect(adapter.readable).not.toBeNull() // a fresh stream after cancel, as in Web Serial
})

test('a pty has no modem lines: the probe says so and esptool-js resets become no-ops', async () => {
  await adapter.open({ baudRate: 115200 })
  expect(await adapter.probeModemLines()).toBe(false)
  await expect(new ClassicReset(new Transport(adapter), 50).reset()).resolves.toBeUndefined()
  expect(adapter.modemLines).toBe(false)
})

test('setBaudRate changes the rate in place (esptool-js does not reopen the port)', async () => {
  await adapter.open({ baudRate: 115200 })
  await adapter.setBaudRate(921600)
  const transport = new Transport(adapter)
  transport.baudrate = 115200
  expect(await transport.changeBaudrate(460800)).toBe(false)
  expect(transport.baudrate).toBe(460800)
})

test('unplugging (the pty goes away) is reported at once and errors the read stream', async () => {
  await adapter.open({ baudRate: 115200 })
  const reader = adapter.readable?.getReader()
  const lost = new Promise<void>((resolve) => adapter.onLost(resolve))
  // Attach the expectation before unplugging: the read rejects as soon as the loss is seen.
  const readFails = expect(reader?.read()).rejects.toMatchObject({ name: 'NetworkError' })
  await pty.kill()
  await lost
  await readFails
  expect(adapter.isOpen).toBe(false)
})
