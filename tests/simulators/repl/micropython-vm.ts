import {
  clearDefaultDirs,
  patchFs,
  restoreFs,
  snapshotFs,
  type EmFs,
  type FsFaults,
  type FsSnapshot,
} from './wasm-fs'

/** What the wasm module's `loadMicroPython` returns (the parts we use). */
interface WasmMicroPython {
  FS: EmFs
  runPython(code: string): unknown
  registerJsModule(name: string, module: object): void
}

type LoadMicroPython = (options: {
  heapsize?: number
  stdout?: (bytes: Uint8Array) => void
  stderr?: (bytes: Uint8Array) => void
  linebuffer?: boolean
}) => Promise<WasmMicroPython>

/** How a piece of source is compiled, as pyexec.c's parse_compile_execute does. */
export type ExecKind =
  /** Raw REPL / raw-paste: MP_PARSE_FILE_INPUT from "<stdin>". */
  | { kind: 'stdin' }
  /** Friendly REPL line: MP_PARSE_SINGLE_INPUT (expression values are printed). */
  | { kind: 'single' }
  /** pyexec_file(): boot.py / main.py from the filesystem. */
  | { kind: 'file'; filename: string }

export interface ExecOutcome {
  /** Everything the program printed, already "cooked" (\n → \r\n) like a UART REPL. */
  stdout: Buffer
  /** The traceback as mp_obj_print_exception prints it, cooked; empty when none. */
  exception: Buffer
  exceptionType: string | null
  /** SystemExit: pyexec returns PYEXEC_FORCED_EXIT and the board soft-resets. */
  forcedExit: boolean
  /** machine.reset() was called. */
  hardReset: boolean
}

export interface VmOptions {
  faults: FsFaults
  /** Six bytes, returned by machine.unique_id() (the ESP32's base MAC). */
  mac: Uint8Array
  /**
   * Features this firmware build lacks, e.g. ['hashlib.sha256', 'binascii.crc32']: the
   * module is replaced by a copy without them (like a build with them configured out).
   */
  without?: string[]
  heapBytes?: number
}

const MODULE = '@micropython/micropython-webassembly-pyscript'
let live: MicroPythonVm | null = null

/**
 * One MicroPython interpreter (the official WebAssembly build, the same VM as on the
 * board) with a flash filesystem in MEMFS. The wasm module keeps its state on globalThis,
 * so only one interpreter can be alive per process: a soft reset disposes this one and
 * boots a fresh one on a snapshot of the filesystem, which is exactly what survives a
 * soft reset on a board (heap, globals and sys.modules do not).
 */
export class MicroPythonVm {
  private out: number[] = []
  private hardResetRequested = false
  private readonly io = { src: '', reset: (): void => void (this.hardResetRequested = true) }

  private readonly mp: WasmMicroPython

  private constructor(mp: WasmMicroPython) {
    this.mp = mp
  }

  static async boot(options: VmOptions, files?: FsSnapshot): Promise<MicroPythonVm> {
    if (live) throw new Error('another simulated MicroPython is running in this process')
    const specifier = MODULE
    await import(specifier)
    const load = (globalThis as { loadMicroPython?: LoadMicroPython }).loadMicroPython
    if (!load) throw new Error(`${MODULE} did not define loadMicroPython`)
    // stdout is wired before the VM object exists; it writes to whichever VM owns it.
    const owner: { vm?: MicroPythonVm } = {}
    const sink = (bytes: Uint8Array): void => {
      for (const b of bytes) owner.vm?.out.push(b)
    }
    const mp = await load({
      heapsize: options.heapBytes ?? 1024 * 1024,
      stdout: sink,
      stderr: sink,
      linebuffer: false,
    })
    const vm = new MicroPythonVm(mp)
    owner.vm = vm
    live = vm
    clearDefaultDirs(mp.FS)
    patchFs(mp.FS, options.faults)
    if (files) restoreFs(mp.FS, files)
    mp.registerJsModule('_simio', vm.io)
    mp.runPython(machineModule(options.mac))
    if (options.without?.length) mp.runPython(withoutFeatures(options.without))
    return vm
  }

  get fs(): EmFs {
    return this.mp.FS
  }

  exec(source: string, how: ExecKind): ExecOutcome {
    this.out = []
    this.hardResetRequested = false
    let exception = ''
    let exceptionType: string | null = null
    try {
      if (how.kind === 'stdin') {
        this.mp.runPython(source)
      } else {
        // compile() names the code like pyexec does; the wrapper's own frame is removed below.
        this.io.src = source
        const name = how.kind === 'file' ? how.filename : '<stdin>'
        const mode = how.kind === 'file' ? 'exec' : 'single'
        this.mp.runPython(
          `exec(compile(__import__('_simio').src, ${JSON.stringify(name)}, '${mode}'))`,
        )
      }
    } catch (error) {
      const e = error as { name?: string; type?: string; message?: string }
      if (e.name !== 'PythonError') throw error
      exceptionType = e.type ?? 'Exception'
      exception = e.message ?? ''
      if (how.kind !== 'stdin') exception = dropWrapperFrame(exception)
    }
    const hardReset = this.hardResetRequested
    return {
      stdout: cook(Buffer.from(this.out)),
      exception: exceptionType === 'SystemExit' ? Buffer.alloc(0) : cook(Buffer.from(exception)),
      exceptionType,
      forcedExit: exceptionType === 'SystemExit' && !hardReset,
      hardReset,
    }
  }

  snapshot(): FsSnapshot {
    return snapshotFs(this.mp.FS)
  }

  dispose(): void {
    if (live === this) live = null
  }
}

/** The UART REPL converts \n to \r\n on output (mp_hal_stdout_tx_strn_cooked). */
function cook(bytes: Buffer): Buffer {
  const out: number[] = []
  for (const b of bytes) {
    if (b === 0x0a) out.push(0x0d)
    out.push(b)
  }
  return Buffer.from(out)
}

function dropWrapperFrame(traceback: string): string {
  const lines = traceback.split('\n')
  if (lines[0]?.startsWith('Traceback') && lines[1]?.startsWith('  File "<stdin>", line 1')) {
    lines.splice(1, 1)
  }
  return lines.join('\n')
}

/**
 * The few `machine` functions file tools and installers call: unique_id() (base MAC,
 * used for the default device id) and reset(). Registered in sys.modules so it is a
 * built-in like on the board, not a file on the simulated flash.
 */
function machineModule(mac: Uint8Array): string {
  const bytes = [...mac].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')
  return [
    'def _sim_setup():',
    '    import sys',
    '    class machine:',
    "        __name__ = 'machine'",
    '        @staticmethod',
    `        def unique_id(): return b'${bytes}'`,
    '        @staticmethod',
    '        def freq(): return 160000000',
    '        @staticmethod',
    '        def reset():',
    "            __import__('_simio').reset()",
    '            raise SystemExit',
    '        @staticmethod',
    '        def soft_reset():',
    '            raise SystemExit',
    "    sys.modules['machine'] = machine",
    '_sim_setup()',
    'del _sim_setup',
  ].join('\n')
}

function withoutFeatures(features: string[]): string {
  const byModule = new Map<string, string[]>()
  for (const feature of features) {
    const [module = '', attr = ''] = feature.split('.')
    byModule.set(module, [...(byModule.get(module) ?? []), attr])
  }
  const calls = [...byModule].map(
    ([module, attrs]) => `_sim_hide(${JSON.stringify(module)}, ${JSON.stringify(attrs)})`,
  )
  return [
    'def _sim_hide(name, drop):',
    '    import sys',
    '    m = __import__(name)',
    '    class Stub:',
    '        pass',
    '    stub = Stub()',
    '    for k in dir(m):',
    "        if k not in drop and not k.startswith('__'):",
    '            setattr(stub, k, getattr(m, k))',
    '    sys.modules[name] = stub',
    ...calls,
    'del _sim_hide',
  ].join('\n')
}
