import type { Revision, SimChip } from './chips'
import type { FlashMemory } from './flash-memory'

/** SPI_CMD_REG bit that starts a "user" command (esptool run_spiflash_command). */
const SPI_CMD_USR = 1 << 18
const CHIP_DETECT_MAGIC_REG = 0x40001000

/**
 * The 32-bit address space READ_REG/WRITE_REG reach (serial-protocol "32-bit
 * Read/Write"). Unmapped addresses read back whatever was last written (0 at first).
 * Two peripherals are modelled because esptool relies on them:
 *  - eFuses and the chip-detect magic word, for chip identification;
 *  - the SPI0 "user command" block, which esptool drives by hand to read the flash
 *    JEDEC id (RDID 0x9F) and status: writing SPI_CMD_USR runs the command in
 *    USR2's low byte, puts the answer in W0 and clears the bit again.
 */
export class RegisterFile {
  private readonly values = new Map<number, number>()
  private readonly chip: SimChip
  private readonly flash: FlashMemory
  /** Current UART baud, so UART_CLKDIV reads back as the ROM would program it. */
  private readonly baud: () => number
  private readonly xtalMhz: number

  constructor(
    chip: SimChip,
    mac: Uint8Array,
    revision: Revision,
    flash: FlashMemory,
    baud: () => number,
    xtalMhz = 40,
  ) {
    this.chip = chip
    this.flash = flash
    this.baud = baud
    this.xtalMhz = xtalMhz
    for (const [addr, value] of chip.registers(mac, revision)) this.values.set(addr, value >>> 0)
    this.values.set(CHIP_DETECT_MAGIC_REG, chip.magic >>> 0)
  }

  read(addr: number): number {
    // The ROM programs UART_CLKDIV = APB (= XTAL in download mode) / baud; esptool
    // infers the crystal from it (esp32.py get_crystal_freq).
    if (addr === this.chip.uartClkdivReg) return Math.round((this.xtalMhz * 1e6) / this.baud())
    return this.values.get(addr >>> 0) ?? 0
  }

  /** WRITE_REG semantics: new = (old & ~mask) | (value & mask). */
  write(addr: number, value: number, mask = 0xffffffff): void {
    const key = addr >>> 0
    const old = this.values.get(key) ?? 0
    const next = ((old & ~mask) | (value & mask)) >>> 0
    this.values.set(key, next)
    if (key === this.chip.spi.base && (next & SPI_CMD_USR) !== 0) this.runSpiCommand()
  }

  private runSpiCommand(): void {
    const { base, usr2, w0 } = this.chip.spi
    const command = (this.values.get(base + usr2) ?? 0) & 0xff
    let answer = 0
    if (command === 0x9f)
      answer = this.flash.jedecId // RDID
    else if (command === 0x05 || command === 0x35) answer = 0 // RDSR/RDSR2: idle, no WEL
    this.values.set(base + w0, answer >>> 0)
    this.values.set(base, (this.values.get(base) ?? 0) & ~SPI_CMD_USR)
  }
}
