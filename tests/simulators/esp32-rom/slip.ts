/**
 * SLIP framing as used by the ESP serial bootloader protocol (esptool docs,
 * advanced-topics/serial-protocol, "Low Level Protocol"): every packet starts and ends
 * with 0xC0; inside a packet 0xC0 is sent as 0xDB 0xDC and 0xDB as 0xDB 0xDD.
 */
export const SLIP_END = 0xc0
export const SLIP_ESC = 0xdb
export const SLIP_ESC_END = 0xdc
export const SLIP_ESC_ESC = 0xdd

export function slipEncode(payload: Uint8Array): Uint8Array {
  const out: number[] = [SLIP_END]
  for (const byte of payload) {
    if (byte === SLIP_END) out.push(SLIP_ESC, SLIP_ESC_END)
    else if (byte === SLIP_ESC) out.push(SLIP_ESC, SLIP_ESC_ESC)
    else out.push(byte)
  }
  out.push(SLIP_END)
  return Uint8Array.from(out)
}

/**
 * Streaming decoder: feed it chunks as they arrive, get complete packets back. Bytes
 * outside a packet (boot log text, line noise) are skipped, as the ROM does; a packet
 * with an invalid escape is dropped and counted rather than half-delivered.
 */
export class SlipDecoder {
  private packet: number[] | null = null
  private escaping = false
  /** Packets dropped because of an invalid escape sequence. */
  droppedPackets = 0
  /** Bytes seen outside any packet. */
  noiseBytes = 0

  push(chunk: Uint8Array): Uint8Array[] {
    const packets: Uint8Array[] = []
    for (const byte of chunk) {
      if (this.packet === null) {
        if (byte === SLIP_END) this.packet = []
        else this.noiseBytes++
        continue
      }
      if (this.escaping) {
        this.escaping = false
        if (byte === SLIP_ESC_END) this.packet.push(SLIP_END)
        else if (byte === SLIP_ESC_ESC) this.packet.push(SLIP_ESC)
        else {
          this.droppedPackets++
          this.packet = null
        }
        continue
      }
      if (byte === SLIP_ESC) this.escaping = true
      else if (byte === SLIP_END) {
        // Back-to-back 0xC0 0xC0 is an empty packet: treat the second END as a new start.
        if (this.packet.length > 0) {
          packets.push(Uint8Array.from(this.packet))
          this.packet = null
        }
      } else this.packet.push(byte)
    }
    return packets
  }

  reset(): void {
    this.packet = null
    this.escaping = false
  }
}
