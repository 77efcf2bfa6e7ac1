import { describe, expect, it } from 'vitest'
import { isFramingLine, RawReplFraming } from '../../../src/main/core/provisioning/raw-repl-text'

/** What the simulated board sent during a provisioning run (test/integration/provisioning). */
const session = [
  'old firmware: wifi attempt 3 failed (status 202)\r\n',
  '\r\n>>> \r\n>>> ',
  'raw REPL; CTRL-B to exit\r\n>',
  'OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>',
  'R\x01\x80\x00\x01\x01\x04240ac4a1b2c3 esp32 1.24.1\r\n\x04\x04>',
  'R\x01\x00\x01\x01\x04\x04Traceback (most recent call last):\r\nOSError: 2\r\n\x04>',
  'R\x00>OKsha256 b64\r\n\x04\x04>',
  '\r\nMicroPython v1.24.1 on 2024-11-29; Generic ESP32 module with ESP32\r\n',
  'Type "help()" for more information.\r\n>>> \r\nMPY: soft reboot\r\nboot: ok\r\n',
]
const expected =
  'old firmware: wifi attempt 3 failed (status 202)\r\n\r\n>>> \r\n>>> raw REPL; CTRL-B to exit\r\n' +
  '\r\nMicroPython v1.24.1 on 2024-11-29; Generic ESP32 module with ESP32\r\n' +
  'Type "help()" for more information.\r\n>>> \r\nMPY: soft reboot\r\nboot: ok\r\n'

function run(chunks: string[]): string {
  const framing = new RawReplFraming()
  return chunks
    .map((c) => Buffer.from(framing.feed(Buffer.from(c, 'latin1'))).toString('latin1'))
    .join('')
}

describe('RawReplFraming: what the board printed, without the raw REPL around it', () => {
  it('drops the banner prompt, OK / raw-paste handshakes, \\x04 ends and the answers to commands', () => {
    expect(run(session)).toBe(expected)
  })

  it('gives the same text whatever the USB packets split', () => {
    const bytes = session.join('')
    for (const size of [1, 2, 3, 7]) {
      const chunks: string[] = []
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size))
      expect(run(chunks), `chunks of ${size}`).toBe(expected)
    }
  })

  it('an answer cut short by a reset does not swallow what follows', () => {
    expect(
      run(['raw REPL; CTRL-B to exit\r\n>', 'R\x01\x80\x00\x01\x04partial', '\r\n>>> hello\r\n']),
    ).toBe('raw REPL; CTRL-B to exit\r\nhello\r\n')
  })

  it('banner and bare prompts are framing lines; words are not', () => {
    expect(['raw REPL; CTRL-B to exit', '>>> ', '>>> >>> ', '>'].every(isFramingLine)).toBe(true)
    expect(['>>> print(1)', 'boot: ok', ''].some(isFramingLine)).toBe(false)
  })
})
