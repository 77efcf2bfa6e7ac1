import { createHash } from 'node:crypto'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { validateFirmware } from './esp-image'
import { FlasherError, cancelledError } from './errors'
import type { EspSession } from './esptool-session'
import type { Operation } from './operation'
import { RateMeter } from './progress'
import type { ChipInfo, FlashProgress, FlashRequest, FlashResult, FlashStage } from './types'

export const DEFAULT_FLASH_BAUD = 460800
const FALLBACK_FLASH_SIZE = 4 * 1024 * 1024

export interface FlashJobContext {
  session: EspSession
  operation: Operation
  request: FlashRequest
  image: Uint8Array
  clock: Clock
  logger: Logger
  stallTimeoutMs: number
  emit: (progress: FlashProgress) => void
}

/** esptool pads images to 4 bytes with 0xFF before writing and hashing (writeFlash/padTo). */
function padded(image: Uint8Array): Uint8Array {
  const rest = image.length % 4
  if (rest === 0) return image
  const out = new Uint8Array(image.length + 4 - rest).fill(0xff)
  out.set(image)
  return out
}

/**
 * The one-click install, step by step: sync and identify, check the image against the
 * chip, stub + faster baud, (erase,) compressed write with progress, MD5 read-back,
 * reset into the new firmware.
 */
export async function runFlashJob(ctx: FlashJobContext): Promise<FlashResult> {
  const { session, operation: op, request, clock } = ctx
  const started = clock.now()
  const stage = (name: FlashStage, message?: string) =>
    ctx.emit({
      port: request.port,
      stage: name,
      bytesDone: 0,
      bytesTotal: 0,
      percent: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
      message,
    })

  stage('connecting')
  await op.step(session.connect(request.baudRate ?? DEFAULT_FLASH_BAUD))
  stage('detecting')
  const chip: ChipInfo = await op.step(session.chipInfo())
  // Wrong chip or corrupt file: refuse before anything is uploaded or erased.
  stage('validating')
  const offset = request.offset ?? chip.bootloaderOffset
  validateFirmware(ctx.image, { chip: chip.chip, offset })
  if (request.useStub !== false) {
    stage('loading-stub')
    await op.step(session.loadStub())
  }
  stage('changing-baud')
  const baudRate = await op.step(session.changeBaud(request.baudRate ?? DEFAULT_FLASH_BAUD))
  chip.flashSizeBytes = await op.step(session.flashSize())
  validateFirmware(ctx.image, { chip: chip.chip, offset, flashSize: chip.flashSizeBytes })
  await op.step(session.attachFlash(chip.flashSizeBytes ?? FALLBACK_FLASH_SIZE))
  if (request.eraseAll) {
    stage('erasing', 'Erasing the whole flash')
    await op.step(session.eraseAll())
  }

  const data = padded(ctx.image)
  await writeWithProgress(ctx, data, offset)

  stage('verifying')
  const expected = createHash('md5').update(data).digest('hex')
  const md5 = await op.step(session.md5(offset, data.length))
  if (md5 !== expected) {
    throw new FlasherError(
      'VERIFY_FAILED',
      `Verification failed: the flash reads back MD5 ${md5}, the image is ${expected}.`,
      'Retry; if it keeps failing, use a lower baud rate or another cable.',
    )
  }
  if (request.resetAfter !== false) {
    stage('resetting')
    await op.step(session.runFirmware())
  }
  ctx.emit({
    port: request.port,
    stage: 'done',
    bytesDone: data.length,
    bytesTotal: data.length,
    percent: 100,
    bytesPerSecond: 0,
    etaSeconds: 0,
  })
  return {
    chip,
    offset,
    bytesWritten: data.length,
    md5,
    baudRate,
    usedStub: session.usingStub,
    durationMs: clock.now() - started,
  }
}

async function writeWithProgress(
  ctx: FlashJobContext,
  data: Uint8Array,
  offset: number,
): Promise<void> {
  const { session, operation: op, clock, request } = ctx
  const meter = new RateMeter(() => clock.now())
  meter.reset()
  const stalled = () =>
    new FlasherError(
      'TIMEOUT',
      `The board stopped answering while writing (no progress for ${ctx.stallTimeoutMs / 1000} s).`,
      'Check the cable and power, press RESET while holding BOOT, then Retry.',
    )
  let watching = false
  const writing = session.write(data, offset, (sent, total) => {
    // Runs between blocks: the place where stopping leaves the protocol in step.
    if (op.failure) throw op.cancelled ? cancelledError() : op.failure
    // Armed at the first call (after esptool-js has compressed the image), then re-armed per block.
    if (watching) op.kick()
    else op.startWatchdog(ctx.stallTimeoutMs, stalled)
    watching = true
    const rate = meter.update(sent, total)
    ctx.emit({
      port: request.port,
      stage: 'writing',
      bytesDone: sent,
      bytesTotal: total,
      percent: rate.percent ?? 0,
      bytesPerSecond: rate.bytesPerSecond,
      etaSeconds: rate.etaSeconds,
    })
  })
  try {
    await op.step(writing)
  } catch (error) {
    if (op.cancelled) await leaveCleanly(ctx, writing)
    throw error
  } finally {
    op.stopWatchdog()
  }
}

/** After a cancel: let the block in flight finish, then put a stub back into the ROM loader. */
async function leaveCleanly(ctx: FlashJobContext, writing: Promise<void>): Promise<void> {
  const settled = await Promise.race([
    writing.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => ctx.clock.setTimeout(() => resolve(false), 2000)),
  ])
  if (!settled) return
  try {
    await Promise.race([
      ctx.session.returnToBootloader(),
      new Promise((_, reject) => ctx.clock.setTimeout(() => reject(new Error('timeout')), 1500)),
    ])
  } catch (error) {
    ctx.logger.debug('could not return to the bootloader after cancel', { error: String(error) })
  }
}
