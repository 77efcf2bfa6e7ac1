/**
 * The board's serial console and its file browser (core/provisioning). One operation per
 * port at a time; file operations borrow an open console's port.
 */
import { z } from 'zod'
import { method, Ok } from './define'

const PortPath = z.string().min(1).max(512)
const BoardPath = z
  .string()
  .min(1)
  .max(255)
  .regex(/^\//, 'an absolute path on the board, e.g. /main.py')

export const BoardEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['file', 'dir']),
  size: z.number().int(),
})
export type BoardEntry = z.infer<typeof BoardEntry>

export const consoleMethods = {
  'console.open': method(
    z.object({ port: PortPath }).strict(),
    Ok,
    'Open the board REPL console; output arrives as serial.data events.',
  ),
  'console.write': method(
    z
      .object({
        port: PortPath,
        /** Keystrokes, e.g. "print(1)\r", or control keys "\x03" (Ctrl-C), "\x04" (Ctrl-D). */
        data: z.string().min(1).max(65_536),
      })
      .strict(),
    Ok,
    'Send keystrokes to an open console.',
  ),
  'console.close': method(z.object({ port: PortPath }).strict(), Ok, 'Close the console and port.'),
  'files.list': method(
    z.object({ port: PortPath, path: BoardPath.default('/') }).strict(),
    z.array(BoardEntry),
    "List a folder on the board's filesystem (raw REPL).",
  ),
  'files.read': method(
    z.object({ port: PortPath, path: BoardPath }).strict(),
    z.object({ path: z.string(), size: z.number().int(), base64: z.string() }),
    'Read a file from the board (secrets.py is never read back).',
  ),
  'files.remove': method(
    z.object({ port: PortPath, path: BoardPath }).strict(),
    Ok,
    'Delete a file on the board.',
  ),
}

export const consoleEvents = {
  /** Text the board printed on an open console (or during an install). */
  'serial.data': z.object({ port: z.string(), text: z.string() }),
  /** The console's port closed: by us, by the board going away, or released to the flasher. */
  'serial.closed': z.object({
    port: z.string(),
    reason: z.enum(['closed', 'lost', 'released']),
  }),
}
