import type { ChipInfo, DownloadProgress } from '../../../shared/contract/installer'
import type { FlasherService, FlashProgress, FlashStage } from '../flasher'
import { FlasherError } from '../flasher'
import type { InstallMeter } from './install-progress'
import type { LocalFirmwareStore } from './local-firmware'

export interface FlashStepDeps {
  flasher: FlasherService
  localFirmware: LocalFirmwareStore
  meter: InstallMeter
  signal: AbortSignal
}

type FirmwareChoice = { catalogId: string } | { localId: string }

/** Which install stage a flasher stage belongs to (the rest count as "write" preparations). */
const STAGE_OF: Partial<Record<FlashStage, 'erase' | 'write' | 'verify'>> = {
  erasing: 'erase',
  writing: 'write',
  verifying: 'verify',
  resetting: 'verify',
  done: 'verify',
}

const PREPARING: Partial<Record<FlashStage, string>> = {
  connecting: 'Connecting to the bootloader',
  detecting: 'Reading the chip',
  validating: 'Checking the image',
  'loading-stub': 'Starting the flasher stub',
  'changing-baud': 'Switching to a faster baud rate',
}

/** detect: the ROM bootloader tells chip, MAC and flash size. */
export async function detectChip(port: string, deps: FlashStepDeps): Promise<ChipInfo> {
  deps.meter.stage('detect', { percent: 0, message: `Talking to the bootloader on ${port}` })
  const chip = await deps.flasher.detect({ port }, deps.signal)
  const size = chip.flashSizeBytes ? `, ${chip.flashSizeBytes / 1048576} MB flash` : ''
  deps.meter.stage('detect', { percent: 100, message: `Found ${chip.description}${size}` })
  return chip
}

/**
 * download (catalog images) or look up (imported ones), then validate against the chip
 * that was detected, so a wrong image is refused before anything is erased.
 */
export async function prepareImage(
  choice: FirmwareChoice,
  chip: ChipInfo,
  deps: FlashStepDeps,
): Promise<{ path: string; offset: number }> {
  let path: string
  let offset = chip.bootloaderOffset
  if ('catalogId' in choice) {
    const entry = deps.flasher.catalog().find((e) => e.id === choice.catalogId)
    if (!entry) {
      throw new FlasherError('INVALID_IMAGE', `No firmware "${choice.catalogId}" in the catalog.`)
    }
    if (entry.chip !== chip.chip) {
      throw new FlasherError(
        'WRONG_CHIP',
        `${entry.name} is built for ${entry.chip}, but the board is an ${chip.chip}.`,
        `Pick a firmware for ${chip.chip}.`,
      )
    }
    offset = entry.offset
    deps.meter.stage('download', { percent: 0, message: `Downloading ${entry.name}` })
    const onProgress = (p: DownloadProgress): void => {
      if (p.url !== entry.url) return
      deps.meter.stage('download', {
        percent: p.percent ?? 0,
        message: `Downloading ${entry.name} (${Math.round(p.bytesDone / 1024)} KiB)`,
        bytesPerSecond: p.bytesPerSecond,
        etaSeconds: p.etaSeconds,
      })
    }
    deps.flasher.on('download-progress', onProgress)
    try {
      const result = await deps.flasher.download(entry.id, deps.signal)
      path = result.path
      deps.meter.stage('download', {
        percent: 100,
        message: result.fromCache ? `Using the cached ${entry.name}` : `Downloaded ${entry.name}`,
      })
    } finally {
      deps.flasher.off('download-progress', onProgress)
    }
  } else {
    path = await deps.localFirmware.path(choice.localId)
  }
  await deps.flasher.validateLocal({
    path,
    chip: chip.chip,
    offset,
    ...(chip.flashSizeBytes ? { flashSizeBytes: chip.flashSizeBytes } : {}),
  })
  return { path, offset }
}

/** erase → write → verify (MD5 read back by the chip) → reset into MicroPython. */
export async function flashImage(
  request: { port: string; eraseAll: boolean; baudRate?: number | undefined },
  image: { path: string; offset: number },
  deps: FlashStepDeps,
): Promise<void> {
  const { port } = request
  const onProgress = (p: FlashProgress): void => {
    if (p.port !== port) return
    const stage = STAGE_OF[p.stage]
    if (!stage) {
      const first = request.eraseAll ? 'erase' : 'write'
      deps.meter.stage(first, { percent: 0, message: PREPARING[p.stage] ?? p.message ?? p.stage })
      return
    }
    const percent = p.stage === 'resetting' || p.stage === 'done' ? 100 : p.percent
    deps.meter.stage(stage, {
      percent,
      message: p.message ?? defaultMessage(p.stage, p),
      bytesPerSecond: p.bytesPerSecond,
      etaSeconds: p.etaSeconds,
    })
  }
  deps.flasher.on('progress', onProgress)
  try {
    await deps.flasher.flash(
      {
        port,
        imagePath: image.path,
        offset: image.offset,
        eraseAll: request.eraseAll,
        ...(request.baudRate ? { baudRate: request.baudRate } : {}),
        resetAfter: true,
      },
      deps.signal,
    )
  } finally {
    deps.flasher.off('progress', onProgress)
  }
}

function defaultMessage(stage: FlashStage, p: FlashProgress): string {
  switch (stage) {
    case 'erasing':
      return 'Erasing the flash'
    case 'writing':
      // The flasher sends the image compressed: these are compressed bytes, smaller than the file.
      return `Writing MicroPython: ${Math.round(p.bytesDone / 1024)} of ${Math.round(p.bytesTotal / 1024)} KiB sent (compressed)`
    case 'verifying':
      return 'Verifying (MD5)'
    default:
      return 'Restarting the board into MicroPython'
  }
}
