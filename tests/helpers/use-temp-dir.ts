import { afterEach, beforeEach } from 'vitest'
import { tempDir } from './temp-dir'

/**
 * A fresh temp folder for each test of the file, removed after it. Read `path` inside a test.
 */
export function useTempDir(prefix: string): { readonly path: string } {
  let dir: { path: string; cleanup: () => Promise<void> } | undefined
  beforeEach(async () => {
    dir = await tempDir(prefix)
  })
  afterEach(async () => {
    await dir?.cleanup()
  })
  return {
    get path() {
      if (dir === undefined) throw new Error('useTempDir: read the path inside a test')
      return dir.path
    },
  }
}
