/**
 * Python literals for code we send to the board and files we write on it. Output is
 * pure ASCII, so it survives any serial line and any editor, and means exactly the input
 * to MicroPython's lexer (py/lexer.c escapes: \\ \" \n \r \t \xNN \uNNNN \UNNNNNNNN).
 */

/** A double-quoted str literal; throws on lone surrogates (not valid Unicode text). */
export function pyStr(value: string): string {
  let out = '"'
  for (const ch of value) {
    const code = ch.codePointAt(0)!
    if (code >= 0xd800 && code <= 0xdfff) throw new RangeError('text contains a lone surrogate')
    if (ch === '\\') out += '\\\\'
    else if (ch === '"') out += '\\"'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`
    else if (code < 0x80) out += ch
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`
    else out += `\\U${hex(code, 8)}`
  }
  return `${out}"`
}

/** A bytes literal b'...' (for boards without binascii). */
export function pyBytes(data: Uint8Array): string {
  let out = "b'"
  for (const b of data) {
    if (b === 0x5c) out += '\\\\'
    else if (b === 0x27) out += "\\'"
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b)
    else out += `\\x${hex(b, 2)}`
  }
  return `${out}'`
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0')
}
