// Lets `node --import ./tests/simulators/ts-register.mjs some.ts` run our TypeScript CLIs
// with Node's built-in type stripping (Node >= 22.18): it only adds the `.ts` extension
// that TypeScript's bundler-style imports leave out. No build step, no extra dependency.
import { register } from 'node:module'

register('./ts-resolve-hook.mjs', import.meta.url)
