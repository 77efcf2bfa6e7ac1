import type { Readable, Writable } from 'node:stream'

/**
 * Reads one line without echo: on a terminal in raw mode (typed characters are not shown
 * and never reach the shell history or `ps`), otherwise the first line of piped stdin.
 */
export function readSecret(
  prompt: string,
  input: Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown },
  output: Writable,
): Promise<string> {
  output.write(prompt)
  return new Promise((resolve, reject) => {
    let value = ''
    const raw = input.isTTY === true && typeof input.setRawMode === 'function'
    if (raw) input.setRawMode?.(true)
    input.setEncoding?.('utf8')
    const finish = (result: string | Error): void => {
      input.off('data', onData)
      input.off('end', onEnd)
      if (raw) input.setRawMode?.(false)
      input.pause()
      output.write('\n')
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    const onData = (chunk: string | Buffer): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(value)
        if (ch === '\u0003') return finish(new Error('cancelled'))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    const onEnd = (): void => finish(value)
    input.on('data', onData)
    input.on('end', onEnd)
    input.resume()
  })
}
