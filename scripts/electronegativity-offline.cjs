// Preloaded into Electronegativity by scan-electron.mjs: the scanner downloads translations
// on start (and Electron's release list in a check the scan excludes). The scan must make no
// network call, so `got`, its only HTTP client, fails at once; the scanner then goes on with
// its bundled English texts.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload (node --require)
const Module = require('node:module')

const load = Module._load
Module._load = function loadOffline(request, ...rest) {
  if (request === 'got') return () => Promise.reject(new Error('offline: no network in the scan'))
  return load.call(this, request, ...rest)
}
