/**
 * Packet layer of the ESP serial bootloader protocol (esptool docs,
 * advanced-topics/serial-protocol: "Command Packet", "Response Packet", "Checksum").
 */

/** Command identifiers ("Commands" tables). */
export const Op = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  GET_SECURITY_INFO: 0x14,
  // Software loader (stub) only.
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
  READ_FLASH: 0xd2,
  RUN_USER_CODE: 0xd3,
} as const

export const OP_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Op).map(([name, op]) => [op, name]),
)

/** "ROM Loader Errors". */
export const RomError = {
  INVALID_MESSAGE: 0x05,
  FAILED_TO_ACT: 0x06,
  INVALID_CRC: 0x07,
  FLASH_WRITE: 0x08,
  FLASH_READ: 0x09,
  FLASH_READ_LENGTH: 0x0a,
  DEFLATE: 0x0b,
} as const

/** "Software Loader Status & Error": esptool flasher_stub/include/stub_flasher.h. */
export const StubError = {
  BAD_DATA_LEN: 0xc0,
  BAD_DATA_CHECKSUM: 0xc1,
  BAD_BLOCKSIZE: 0xc2,
  INVALID_COMMAND: 0xc3,
  FAILED_SPI_OP: 0xc4,
  NOT_IN_FLASH_MODE: 0xc6,
  INFLATE: 0xc7,
  NOT_ENOUGH_DATA: 0xc8,
  TOO_MUCH_DATA: 0xc9,
  CMD_NOT_IMPLEMENTED: 0xff,
} as const

export const CHECKSUM_SEED = 0xef

/** "Checksum": seed 0xEF, XOR of every byte of the data to write. */
export function checksum(data: Uint8Array, seed = CHECKSUM_SEED): number {
  let state = seed
  for (const byte of data) state ^= byte
  return state & 0xff
}

export interface Request {
  op: number
  /** The header's checksum field (only meaningful for *_DATA commands). */
  checksum: number
  data: Uint8Array
}

/** A command, or the command byte of a packet that is not a valid request. */
export type ParseResult = { ok: true; request: Request } | { ok: false; op: number }

/** Byte 0 must be 0x00 (request), bytes 2-3 the exact data length. */
export function parseRequest(packet: Uint8Array): ParseResult {
  const op = packet[1] ?? 0
  if (packet.length < 8 || packet[0] !== 0x00) return { ok: false, op }
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
  const size = view.getUint16(2, true)
  if (size !== packet.length - 8) return { ok: false, op }
  return { ok: true, request: { op, checksum: view.getUint32(4, true), data: packet.subarray(8) } }
}

/** Direction 0x01, command echoed, data length, 32-bit value, then data (status last). */
export function buildResponse(op: number, value: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length)
  const view = new DataView(out.buffer)
  out[0] = 0x01
  out[1] = op
  view.setUint16(2, data.length, true)
  view.setUint32(4, value >>> 0, true)
  out.set(data, 8)
  return out
}

/**
 * A reply with its status bytes ("Status bytes"): the ROM ends replies with 4 bytes
 * (status, error, 0, 0), the stub with 2 (status, error).
 */
export function statusReply(
  rom: boolean,
  op: number,
  value: number,
  body: Uint8Array,
  error?: number,
): Uint8Array {
  const tail = error === undefined ? [0, 0] : [1, error]
  const data = new Uint8Array(body.length + (rom ? 4 : 2))
  data.set(body)
  data.set(tail, body.length)
  return buildResponse(op, value, data)
}

/** Little-endian 32-bit words of a command payload (missing words read as undefined). */
export function words(data: Uint8Array): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const out: number[] = []
  for (let i = 0; i + 4 <= data.length; i += 4) out.push(view.getUint32(i, true))
  return out
}

export function u32le(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4)
  const view = new DataView(out.buffer)
  values.forEach((value, i) => view.setUint32(i * 4, value >>> 0, true))
  return out
}
