/**
 * The installer CLI as a person runs it: the built out/main/cli.js driving a running web
 * mode (out/main/serve.js) over its WebSocket, installing onto the simulated board, with
 * the Wi-Fi password from the environment, never from a flag.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir'
import { BoardSimulator } from '../../simulators/board/board-simulator'
import { testImage } from './rig'

const ROOT = resolve(__dirname, '../../..')
const CLI = join(ROOT, 'out/main/cli.js')
const SERVE = join(ROOT, 'out/main/serve.js')
const run = promisify(execFile)

/** Builds out/main when it is missing or older than the installer sources it must contain. */
async function ensureBuild(): Promise<void> {
  const sources = [
    'src/main/cli.ts',
    'src/main/cli/install-command.ts',
    'src/main/core/installer/installer-service.ts',
    'src/main/serve.ts',
  ]
  const newest = Math.max(...sources.map((s) => statSync(join(ROOT, s)).mtimeMs))
  const built = (file: string): number => {
    try {
      return statSync(file).mtimeMs
    } catch {
      return 0
    }
  }
  if (Math.min(built(CLI), built(SERVE)) < newest) {
    await run('npx', ['electron-vite', 'build'], { cwd: ROOT })
  }
}

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdin.end()
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

describe('npm run cli', () => {
  beforeAll(ensureBuild, 60_000)

  it('refuses a password flag, and says what is missing', async () => {
    const flag = await cli([
      'install',
      '--port',
      '/dev/null',
      '--wifi-ssid',
      'lab',
      '--wifi-password',
      'hunter2',
    ])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/--wifi-password is not accepted.*IOTCC_WIFI_PASSWORD/)
    expect(flag.stderr).not.toContain('hunter2')
    const missing = await cli(['install', '--wifi-ssid', 'lab'])
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/--port is required/) })
    const unknown = await cli(['frobnicate'])
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Unknown command "frobnicate"/),
    })
  })

  describe('against a running web mode', () => {
    let dir: { path: string; cleanup: () => Promise<void> }
    let serve: ChildProcess
    let url: string
    let board: BoardSimulator

    beforeAll(async () => {
      dir = await tempDir('installer-cli-')
      serve = spawn(
        process.execPath,
        [
          '--disable-warning=ExperimentalWarning',
          SERVE,
          '--port',
          '0',
          '--broker-port',
          '0',
          '--data-dir',
          join(dir.path, 'data'),
        ],
        {
          cwd: ROOT,
          env: { ...process.env, IOTCC_ADVERTISED_HOST: '127.0.0.1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      url = await new Promise<string>((resolve, reject) => {
        let out = ''
        serve.stdout?.on('data', (d: Buffer) => {
          out += d.toString()
          const match = /Web UI: (\S+)/.exec(out)
          if (match?.[1]) resolve(match[1])
        })
        serve.once('exit', (code) => reject(new Error(`serve exited ${code}`)))
      })
      board = await BoardSimulator.start({
        hostPath: join(dir.path, 'ttyACM0'),
        wifi: { ssid: 'lab', password: 'pw 1' },
        speed: 20,
      })
    }, 30_000)
    afterAll(async () => {
      await board?.close()
      // Wait for serve to shut down: it still writes to its data folder while it does.
      if (serve && serve.exitCode === null) {
        const exited = new Promise((resolve) => serve.once('exit', resolve))
        serve.kill('SIGTERM')
        await exited
      }
      await dir?.cleanup()
    })

    it('installs a local .bin with progress bars and prints the result', async () => {
      const bin = join(dir.path, 'micropython.bin')
      writeFileSync(bin, testImage())
      const result = await cli(
        [
          'install',
          '--server',
          url,
          '--port',
          board.hostPath,
          '--wifi-ssid',
          'lab',
          '--firmware',
          bin,
          '--name',
          'Porch',
          '--pin',
          '5',
          '--json',
        ],
        { IOTCC_WIFI_PASSWORD: 'pw 1' },
      )
      expect(result.stderr).toMatch(/write\s+\[[█░]+\]\s+\d+%/)
      expect(result.stderr).toMatch(/done\s+\[█+\] 100%/)
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout)).toMatchObject({
        deviceId: 'esp32-a1b2c3',
        online: true,
        brokerHost: '127.0.0.1',
      })
      expect(`${result.stdout}${result.stderr}`).not.toContain('pw 1')
      const config = JSON.parse(board.boardFiles().get('/config.json')!.toString()) as {
        name: string
        sensor: { pin: number }
      }
      expect(config).toMatchObject({ name: 'Porch', sensor: { pin: 5 } })
    }, 30_000)

    it('Ctrl-C cancels a running install (exit 130)', async () => {
      const child = spawn(
        process.execPath,
        [
          '--disable-warning=ExperimentalWarning',
          CLI,
          'install',
          '--server',
          url,
          '--port',
          board.hostPath,
          '--wifi-ssid',
          'lab',
          '--firmware',
          'keep',
          '--id',
          'porch',
          '--name',
          'Porch',
        ],
        {
          cwd: ROOT,
          env: { ...process.env, IOTCC_WIFI_PASSWORD: 'not the one' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stderr = ''
      const waiting = new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString()
          // While files are copied: a wrong Wi-Fi password now ends the install by itself soon after the reset.
          if (/upload/.test(stderr)) resolve()
        }),
      )
      const exited = new Promise<number>((resolve) =>
        child.on('exit', (code) => resolve(code ?? -1)),
      )
      await waiting
      child.kill('SIGINT')
      expect(await exited).toBe(130)
      expect(stderr).toMatch(/Installation failed: Installation cancelled/)
    }, 30_000)
  })
})
