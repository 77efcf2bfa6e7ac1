import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ReplError } from '../../../src/main/core/provisioning/errors'
import { ProvisioningService } from '../../../src/main/core/provisioning/provisioning-service'
import { openNodeSerialLink } from '../../../src/main/core/provisioning/serial-link'
import { FAST_REPL, startBoard, useBoards } from './helpers'

useBoards()

let service: ProvisioningService | null = null
afterEach(async () => {
  await service?.close()
  service = null
})

async function start(files: Record<string, string> = {}) {
  const board = await startBoard({ files })
  const firmwareDir = await mkdtemp(join(tmpdir(), 'fw-'))
  await writeFile(join(firmwareDir, 'main.py'), 'print("hello from new firmware")\n')
  service = new ProvisioningService({
    firmwareDir,
    repl: FAST_REPL,
    provisioner: { observeMs: 2000, observeUntil: /hello from new firmware/ },
  })
  const output: string[] = []
  service.on('serial.data', ({ port, text }) => port === board.hostPath && output.push(text))
  /** Resolves once the console output (since `from`) contains `text`. */
  const seen = async (text: string, from = 0): Promise<string> => {
    for (let i = 0; i < 200; i++) {
      const joined = output.slice(from).join('')
      if (joined.includes(text)) return joined
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error(
      `console never showed ${JSON.stringify(text)}: ${JSON.stringify(output.join(''))}`,
    )
  }
  return { board, service, port: board.hostPath, output, seen }
}

describe('REPL console and file browser (ProvisioningService)', () => {
  it('streams what the board prints and sends keystrokes', async () => {
    const { service, port, seen } = await start()
    await service.openConsole(port)
    await service.writeConsole(port, '\x03')
    await seen('>>> ')
    await service.writeConsole(port, '6 * 7\r')
    expect(await seen('42\r\n>>> ')).toContain('6 * 7\r\n42\r\n>>> ')
  })

  it('lends the open console port to the file browser and gives it back', async () => {
    const { service, port, output, seen } = await start({ '/lib/x.py': 'X = 1\n' })
    await service.openConsole(port)
    expect((await service.listFiles(port, '/lib')).map((e) => e.name)).toEqual(['x.py'])
    expect((await service.readFile(port, '/lib/x.py')).toString()).toBe('X = 1\n')
    // Raw REPL traffic stayed out of the console; it is back in the friendly REPL.
    expect(output.join('')).not.toContain('raw REPL')
    const from = output.length
    await service.writeConsole(port, '1 + 1\r')
    await seen('2\r\n>>> ', from)
  })

  it('never reads secrets.py back', async () => {
    const { service, port } = await start({ '/secrets.py': 'WIFI_PASSWORD = "x"\n' })
    const error = (await service
      .readFile(port, '/secrets.py')
      .catch((e: unknown) => e)) as ReplError
    expect(error.failure).toBe('FORBIDDEN')
  })

  it('releases the port on close, so the flasher can open it', async () => {
    const { service, port } = await start()
    await service.openConsole(port)
    const busy = await openNodeSerialLink(port).catch((e: unknown) => e)
    expect((busy as ReplError).failure).toBe('PORT_BUSY')
    const closed = new Promise((resolve) => service.once('serial.closed', resolve))
    await service.releasePort(port)
    expect(await closed).toEqual({ port, reason: 'released' })
    const link = await openNodeSerialLink(port)
    await link.close()
  })

  it('tells the console when the board is unplugged', async () => {
    const { board, service, port } = await start()
    await service.openConsole(port)
    const closed = new Promise((resolve) => service.once('serial.closed', resolve))
    await board.pty.kill()
    expect(await closed).toEqual({ port, reason: 'lost' })
  })

  it('runs a provisioning and streams progress and boot output for the port', async () => {
    const { service, port, seen } = await start()
    const stages: string[] = []
    service.on('provision.progress', (p) => p.port === port && stages.push(p.stage))
    const result = await service.provision(port, {
      deviceName: 'Desk',
      wifi: { ssid: 'lab', password: 'secret-pass' },
      mqtt: { host: 'broker.local', tls: false },
      sensor: { type: 'DHT11', pin: 15 },
    })
    expect(result.deviceId).toBe('esp32-a1b2c3')
    expect(stages.at(-1)).toBe('done')
    await seen('hello from new firmware')
    expect(service.lastSerialLog(port)).toContain('hello from new firmware')
    const again = await openNodeSerialLink(port) // provisioning released the port afterwards
    await again.close()
  })
})
