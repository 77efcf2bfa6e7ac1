/**
 * The small subset of Home Assistant `value_template` (Jinja2) that sensors publish in
 * practice, and nothing more:
 *   {{ value }}                      the payload as a number
 *   {{ value_json.a.b }}             a path into the JSON payload
 *   {{ value_json['a']["b"][0] }}    bracket keys and array indexes, mixed with dots
 *   … | float | float(0) | int | round(1)   optional filters, applied left to right
 * Anything else (conditionals, arithmetic, other filters) is "unsupported": the entity is
 * still learned, and its state messages are reported as unparsed with that reason.
 */
import { isPlainObject, jsonNumber, parseJson, parseNumber } from './text'

type Filter = { name: 'float' | 'int' } | { name: 'round'; digits: number }

export interface CompiledTemplate {
  source: 'value' | 'value_json'
  path: (string | number)[]
  filters: Filter[]
}

const TEMPLATE =
  /^\{\{\s*(value_json|value)((?:\s*\.\s*[A-Za-z_][A-Za-z0-9_-]*|\s*\[\s*(?:'[^'\]]*'|"[^"\]]*"|\d+)\s*\])*)\s*((?:\|\s*[a-z]+(?:\(\s*[-\d.]*\s*\))?\s*)*)\}\}$/
const SEGMENT = /\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*(?:'([^'\]]*)'|"([^"\]]*)"|(\d+))\s*\]/g
const FILTER = /\|\s*([a-z]+)(?:\(\s*([-\d.]*)\s*\))?/g

/** Compiles a template; null when it is outside the supported subset. */
export function compileTemplate(template: string): CompiledTemplate | null {
  if (template.length > 300) return null
  const match = TEMPLATE.exec(template.trim())
  if (!match) return null
  const source = match[1] === 'value_json' ? 'value_json' : 'value'
  const path: (string | number)[] = []
  for (const segment of (match[2] ?? '').matchAll(SEGMENT)) {
    const key = segment[1] ?? segment[2] ?? segment[3]
    if (key !== undefined) path.push(key)
    else path.push(Number(segment[4]))
  }
  if (source === 'value' && path.length > 0) return null
  const filters: Filter[] = []
  for (const filter of (match[3] ?? '').matchAll(FILTER)) {
    const name = filter[1]
    if (name === 'float' || name === 'int') filters.push({ name })
    else if (name === 'round') {
      const digits = filter[2] === undefined || filter[2] === '' ? 0 : Number(filter[2])
      if (!Number.isInteger(digits) || digits < 0 || digits > 10) return null
      filters.push({ name: 'round', digits })
    } else return null
  }
  return { source, path, filters }
}

/** Applies a compiled template to a payload; null when it yields no finite number. */
export function evaluateTemplate(template: CompiledTemplate, text: string): number | null {
  let value: number | null
  if (template.source === 'value') {
    const n = parseNumber(text)
    value = n.ok ? n.value : null
  } else {
    const json = parseJson(text)
    if (!json.ok) return null
    let node: unknown = json.value
    for (const key of template.path) {
      if (typeof key === 'number') node = Array.isArray(node) ? node[key] : undefined
      else node = isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined
    }
    value = jsonNumber(node)
  }
  if (value === null) return null
  for (const filter of template.filters) {
    if (filter.name === 'int') value = Math.trunc(value)
    else if (filter.name === 'round') value = Number(value.toFixed(filter.digits))
  }
  return Number.isFinite(value) ? value : null
}
