// Electronegativity (Doyensec's Electron security scanner) over the sources and the build.
// Fails on any MEDIUM or higher finding that is not listed, with its reason, in
// scripts/electronegativity-reviewed.json (see docs/electronegativity.md). LOW findings are
// printed for review and do not fail. Usage: npm run scan:electron (builds out/ first).
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const require = createRequire(import.meta.url)
const root = join(import.meta.dirname, '..')
const cli = require.resolve('@doyensec/electronegativity/dist/index.js')
const offline = join(import.meta.dirname, 'electronegativity-offline.cjs')
const electronVersion = require('electron/package.json').version
const reviewed = JSON.parse(
  readFileSync(join(import.meta.dirname, 'electronegativity-reviewed.json'), 'utf8'),
).reviewed
const FAILING = new Set(['MEDIUM', 'HIGH', 'CRITICAL'])
// Needs Electron's release list from the internet, which CI does not have; the Electron
// version is kept current with the other dependencies instead.
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck']

/** RFC 4180 CSV (quoted fields, doubled quotes), as electronegativity writes it. */
function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  const endField = () => {
    row.push(field.trim())
    field = ''
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"'
      i++
    } else if (quoted && c === '"') quoted = false
    else if (quoted) field += c
    else if (c === '"') quoted = true
    else if (c === ',') endField()
    else if (c === '\n') {
      endField()
      rows.push(row)
      row = []
    } else if (c !== '\r') field += c
  }
  if (field || row.length) {
    endField()
    rows.push(row)
  }
  return rows
}

async function scan(dir) {
  const work = mkdtempSync(join(tmpdir(), 'eng-'))
  const csv = join(work, 'findings.csv')
  try {
    await promisify(execFile)(
      process.execPath,
      [
        '--require',
        offline,
        cli,
        '-i',
        dir,
        '-r',
        '-v',
        'false',
        '-e',
        electronVersion,
        '-x',
        EXCLUDED.join(','),
        '-o',
        csv,
      ],
      { cwd: root, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
    )
    const [header, ...rows] = parseCsv(readFileSync(csv, 'utf8'))
    const at = (name) => header.indexOf(name)
    return rows
      .filter((r) => r.length >= header.length)
      .map((r) => ({
        check: r[at('issue')],
        severity: r[at('severity')],
        confidence: r[at('confidence')],
        file: `${relative(root, join(root, dir))}/${r[at('filename')]}`,
        location: r[at('location')],
        sample: r[at('sample')],
      }))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

// Both at once: two cores.
const findings = (await Promise.all(['src', 'out'].map(scan))).flat()
let failed = 0
for (const f of findings) {
  const review = reviewed.find((r) => r.check === f.check && r.files.includes(f.file))
  const where = `${f.file}:${f.location}`
  if (review) console.log(`reviewed  ${f.severity.padEnd(6)} ${f.check} ${where}: ${review.reason}`)
  else if (FAILING.has(f.severity)) {
    failed++
    console.log(
      `FINDING   ${f.severity.padEnd(6)} ${f.check} ${where} (${f.confidence}): ${f.sample}`,
    )
  } else console.log(`note      ${f.severity.padEnd(6)} ${f.check} ${where}`)
}
const counts = (s) => findings.filter((f) => f.severity === s).length
console.log(
  `electronegativity (Electron ${electronVersion}): ${findings.length} findings ` +
    `(high ${counts('HIGH')}, medium ${counts('MEDIUM')}, low ${counts('LOW')}, informational ${counts('INFORMATIONAL')}); ` +
    `${failed} unreviewed at MEDIUM or above`,
)
process.exit(failed > 0 ? 1 : 0)
