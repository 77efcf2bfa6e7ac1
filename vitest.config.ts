import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@shared': resolve('src/shared') } },
  test: {
    include: ['tests/{unit,integration,firmware,simulators}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start real brokers and ptys; two cores run them best serially per file.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
