import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { z } from 'zod'

export const BACKUP_FORMAT = 'iotcc-backup'
export const BACKUP_VERSION = 1

/** A path inside the archive's data/: relative, forward slashes, no `..`, no empty levels. */
const SafePath = z
  .string()
  .min(1)
  .max(400)
  .refine(
    (p) => !p.startsWith('/') && p.split('/').every((l) => l !== '' && l !== '.' && l !== '..'),
    {
      message: 'unsafe path',
    },
  )

/** `manifest.json`, the archive's first entry: what it holds and the SHA-256 of every file. */
export const Manifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int().min(1),
  appVersion: z.string(),
  createdAt: z.number(),
  files: z.array(
    z.object({
      path: SafePath,
      bytes: z.number().int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
})
export type Manifest = z.infer<typeof Manifest>

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}
