// SQL literal rendering for offline scripts, shared by the three drivers.

/** How one dialect writes the values that differ. */
export interface LiteralStyle {
  /** MySQL/MariaDB treat a backslash in a string literal as an escape. */
  readonly escapeBackslash: boolean
  readonly true: string
  readonly false: string
  bytes(hex: string): string
  date(value: Date): string
  /** Arrays (PostgreSQL has array literals; elsewhere they become JSON text). */
  array(values: readonly unknown[], literal: (v: unknown) => string): string
}

/** Render `value` as a literal in `style`. Objects become JSON text. */
export function renderLiteral(value: unknown, style: LiteralStyle): string {
  const self = (v: unknown): string => renderLiteral(v, style)
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return quoteString(value, style.escapeBackslash)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as a SQL literal`)
    return String(value)
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? style.true : style.false
  if (value instanceof Date) return style.date(value)
  if (value instanceof Uint8Array)
    return style.bytes(
      Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex'),
    )
  if (Array.isArray(value)) return style.array(value, self)
  return quoteString(JSON.stringify(value), style.escapeBackslash)
}

/** `'text'` with quotes doubled (and backslashes doubled when the dialect needs it). */
export function quoteString(value: string, escapeBackslash: boolean): string {
  const body = value.replace(escapeBackslash ? /[\\']/g : /'/g, (c) => (c === "'" ? "''" : '\\\\'))
  return `'${body}'`
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** `YYYY-MM-DD HH:MM:SS.mmm` in local time, optionally with `T` and the `+HH:MM` offset. */
export function localTimestamp(date: Date, withOffset: boolean): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  if (!withOffset) return `${day} ${time}`
  const offset = -date.getTimezoneOffset()
  const sign = offset >= 0 ? '+' : '-'
  return `${day}T${time}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
}

// Words that cannot stand unquoted as a table or schema name on at least one of the dialects.
const RESERVED = new Set(
  (
    'all alter and any as asc between by case check column constraint create cross current_date current_time ' +
    'current_timestamp current_user default delete desc distinct drop else end except exists false fetch for ' +
    'foreign from full grant group having in index inner insert intersect into is join key left like limit ' +
    'natural not null offset on or order outer primary references right select session_user set table then ' +
    'to true union unique update user using values when where with'
  ).split(' '),
)

/** Quote `name` with `quote` (doubling it inside) unless it is a plain lower-case, non-reserved word. */
export function quoteIdentifierIfNeeded(name: string, quote: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name
  return quote + name.split(quote).join(quote + quote) + quote
}
