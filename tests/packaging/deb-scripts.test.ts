/**
 * The .deb's install and remove scripts run as dpkg would run them (issue 15.2), rendered the
 * way electron-builder renders them, inside a throwaway user + mount namespace: /etc and /opt
 * are temporary copies there, and the system tools the scripts call (update-alternatives,
 * udevadm, …) are stubs that only record their arguments. Nothing on this machine changes.
 * Skipped where the kernel refuses unprivileged namespaces.
 */
import { execFile, spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir'

const ROOT = resolve(__dirname, '../..')
const RULE = '99-esp32-iot-control-center.rules'
const PRODUCT = 'ESP32 IoT Control Center'
const EXECUTABLE = 'esp32-iot-control-center'
const run = promisify(execFile)

const namespaces =
  spawnSync('unshare', ['--mount', '--map-root-user', 'true'], { stdio: 'ignore' }).status === 0

/** electron-builder's FpmTarget writeConfigFile: `${name}` replaced, an unknown name throws. */
function render(template: string): string {
  const values: Record<string, string> = {
    executable: EXECUTABLE,
    sanitizedProductName: PRODUCT,
    productFilename: PRODUCT,
  }
  return template.replace(/\$\{([a-zA-Z]+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`Macro ${name} is not defined`)
    return values[name]!
  })
}

/** Runs one rendered script as root of a new namespace with /etc and /opt swapped for copies. */
const RUNNER = `
set -e
etc=$1 opt=$2 stubs=$3 script=$4
shift 4
if [ ! -e "$etc/.copied" ]; then
  cp -a /etc/. "$etc"/ 2>/dev/null || true
  mkdir -p "$etc/udev/rules.d"
  touch "$etc/.copied"
fi
mount --bind "$etc" /etc
mount --bind "$opt" /opt
PATH="$stubs:$PATH" SUDO_USER=nobody bash "$script" "$@"
`

let work: { path: string; cleanup: () => Promise<void> }
let etc: string
let opt: string
let stubs: string
let calls: string
let scripts: { install: string; remove: string }

async function dpkgRuns(
  script: string,
  ...args: string[]
): Promise<{ stdout: string; stderr: string }> {
  return run('unshare', [
    '--mount',
    '--map-root-user',
    'bash',
    '-c',
    RUNNER,
    'runner',
    etc,
    opt,
    stubs,
    script,
    ...args,
  ])
}

beforeAll(async () => {
  if (!namespaces) return
  work = await tempDir('iotcc-deb-')
  etc = join(work.path, 'etc')
  opt = join(work.path, 'opt')
  stubs = join(work.path, 'stubs')
  calls = join(work.path, 'calls.log')
  for (const dir of [etc, stubs]) mkdirSync(dir)
  // What the .deb unpacks into /opt/<productName> (extraResources: resources/udev).
  const app = join(opt, PRODUCT)
  mkdirSync(join(app, 'resources/udev'), { recursive: true })
  copyFileSync(join(ROOT, 'resources/udev', RULE), join(app, 'resources/udev', RULE))
  writeFileSync(join(app, 'chrome-sandbox'), '')
  writeFileSync(join(app, EXECUTABLE), '')
  for (const tool of ['update-alternatives', 'update-mime-database', 'update-desktop-database']) {
    writeFileSync(join(stubs, tool), `#!/bin/sh\necho "${tool} $*" >> '${calls}'\n`)
  }
  writeFileSync(join(stubs, 'udevadm'), `#!/bin/sh\necho "udevadm $*" >> '${calls}'\n`)
  writeFileSync(join(stubs, 'apparmor_status'), '#!/bin/sh\nexit 1\n') // AppArmor off
  for (const tool of ['update-alternatives', 'update-mime-database', 'update-desktop-database']) {
    chmodSync(join(stubs, tool), 0o755)
  }
  chmodSync(join(stubs, 'udevadm'), 0o755)
  chmodSync(join(stubs, 'apparmor_status'), 0o755)
  scripts = { install: join(work.path, 'postinst'), remove: join(work.path, 'postrm') }
  writeFileSync(
    scripts.install,
    render(readFileSync(join(ROOT, 'resources/linux/after-install.sh'), 'utf8')),
  )
  writeFileSync(
    scripts.remove,
    render(readFileSync(join(ROOT, 'resources/linux/after-remove.sh'), 'utf8')),
  )
}, 60_000)

afterAll(async () => {
  await work?.cleanup()
})

describe.skipIf(!namespaces)('the .deb scripts, run as dpkg runs them', () => {
  const installed = (): string => join(etc, 'udev/rules.d', RULE)

  it('postinst links the app, installs the udev rule and tells the installing user about dialout', async () => {
    const { stdout } = await dpkgRuns(scripts.install, 'configure')
    expect(readFileSync(installed(), 'utf8')).toBe(
      readFileSync(join(ROOT, 'resources/udev', RULE), 'utf8'),
    )
    expect(statSync(installed()).mode & 0o777).toBe(0o644)
    expect(readFileSync(calls, 'utf8')).toContain(
      `update-alternatives --install /usr/bin/${EXECUTABLE} ${EXECUTABLE} /opt/${PRODUCT}/${EXECUTABLE} 100`,
    )
    expect(stdout).toContain(`Installed /etc/udev/rules.d/${RULE}`)
    expect(stdout).toContain('sudo usermod -aG dialout YOUR_USER')
    expect(stdout).toContain('nobody is not in dialout yet: sudo usermod -aG dialout nobody')
  })

  it('postrm keeps the rule during an upgrade and removes it on remove', async () => {
    await dpkgRuns(scripts.remove, 'upgrade', '0.1.0')
    expect(existsSync(installed())).toBe(true)
    await dpkgRuns(scripts.remove, 'remove')
    expect(existsSync(installed())).toBe(false)
    expect(readFileSync(calls, 'utf8')).toContain(
      `update-alternatives --remove ${EXECUTABLE} /opt/${PRODUCT}/${EXECUTABLE}`,
    )
  })
})
