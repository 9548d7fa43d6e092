import { RetortError } from '../errors.js'

/** A column type after reading the portable vocabulary; `raw` passes through as written. */
export type ParsedType =
  | {
      readonly kind:
        | 'integer'
        | 'bigint'
        | 'smallint'
        | 'text'
        | 'boolean'
        | 'real'
        | 'double'
        | 'date'
        | 'time'
        | 'timestamp'
        | 'timestamptz'
        | 'json'
        | 'uuid'
        | 'blob'
    }
  | { readonly kind: 'varchar'; readonly length: number }
  | { readonly kind: 'numeric'; readonly precision?: number; readonly scale?: number }
  | { readonly kind: 'raw'; readonly sql: string }

const SIMPLE = new Set([
  'integer',
  'bigint',
  'smallint',
  'text',
  'boolean',
  'real',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'json',
  'uuid',
  'blob',
])

/**
 * Read a type string: a portable name (any case, spaces ignored) or a raw
 * type that goes to the database as written.
 */
/** `name`, `name(p)` or `name(p,s)` for a numeric type under the dialect's own name. */
export function numericSql(
  name: string,
  type: { readonly precision?: number; readonly scale?: number },
): string {
  if (type.precision === undefined) return name
  return `${name}(${type.precision}${type.scale === undefined ? '' : `,${type.scale}`})`
}

export function parseColumnType(type: string): ParsedType {
  const compact = type.toLowerCase().replace(/\s+/g, '')
  if (SIMPLE.has(compact)) return { kind: compact } as ParsedType
  const varchar = /^varchar\((\d+)\)$/.exec(compact)
  if (varchar) return { kind: 'varchar', length: Number(varchar[1]) }
  const numeric = /^numeric(?:\((\d+)(?:,(\d+))?\))?$/.exec(compact)
  if (numeric) {
    return {
      kind: 'numeric',
      ...(numeric[1] === undefined ? {} : { precision: Number(numeric[1]) }),
      ...(numeric[2] === undefined ? {} : { scale: Number(numeric[2]) }),
    }
  }
  checkRawType(type)
  return { kind: 'raw', sql: type.trim() }
}

/**
 * A raw type is SQL written by the migration author; refuse what cannot be a
 * type (statement separators, comments, unbalanced parentheses) so that a
 * mistyped value fails here rather than as a confusing statement.
 */
export function checkRawType(type: string): void {
  const bad = (why: string): never => {
    throw new RetortError(`column type '${type}' is not usable: ${why}`)
  }
  if (type.trim() === '') bad('it is empty')
  if (/;|--|\/\*/.test(type)) bad("it contains ';' or a comment")
  let depth = 0
  for (const ch of type) {
    if (ch === '(') depth++
    if (ch === ')' && --depth < 0) bad('its parentheses do not balance')
  }
  if (depth !== 0) bad('its parentheses do not balance')
}
