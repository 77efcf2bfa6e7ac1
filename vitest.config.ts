import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@shared': resolve('src/shared') } },
  test: {
    include: ['tests/{unit,integration,firmware,simulators,cluster,packaging}/**/*.test.ts'],
    testTimeout: 30_000,
    // Real brokers, ptys and MicroPython share two cores: on CI, one retry absorbs a scheduling
    // hiccup; a test that fails twice still fails the run.
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 60_000,
    // Integration suites start real brokers and ptys; two cores run them best serially per file.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
