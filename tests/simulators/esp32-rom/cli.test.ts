import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { FlasherService, SerialPortScanner } from '../../../src/main/core/flasher'

test('`npm run sim:esp32 -- --link <path>` serves a board that the flasher detects', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'))
  const link = join(dir, 'esp32')
  // The same command line as the npm script, spawned directly so we own the process.
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--import',
      './tests/simulators/ts-register.mjs',
      'tests/simulators/esp32-rom/cli.ts',
      '--link',
      link,
      '--chip',
      'esp32c3',
      '--mac',
      '7c:df:a1:00:00:42',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const service = new FlasherService({
    dataDir: join(dir, 'data'),
    scanner: new SerialPortScanner({ list: () => Promise.reject(new Error('no udevadm')) }),
  })
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer]
    expect(line.toString().trim()).toBe(link)
    const chip = await service.detect({ port: link })
    expect(chip).toMatchObject({ chip: 'ESP32-C3', mac: '7c:df:a1:00:00:42' })
  } finally {
    service.close()
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }
  expect(stderr).toContain('ESP32-C3')
  expect(existsSync(link)).toBe(false)
})
