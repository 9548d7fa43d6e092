import type { ReferentialAction } from '../ops/definitions.js'
import { matchesFilter } from './filter.js'
import type { ReadSchemaOptions } from '../dialects/catalog.js'
import type {
  CheckModel,
  ColumnModel,
  ForeignKeyModel,
  IndexModel,
  PrimaryKeyModel,
  SchemaModel,
  TableModel,
  UniqueModel,
} from './model.js'

/*
 * What the three catalog readers share: collecting rows per table, the
 * order of a model's lists, and the referential action spellings.
 */

/** A table being assembled from catalog rows. */
export interface TableDraft {
  name: string
  comment: string | null
  columns: ColumnModel[]
  primaryKey: PrimaryKeyModel | null
  uniques: UniqueModel[]
  foreignKeys: ForeignKeyModel[]
  checks: CheckModel[]
  indexes: IndexModel[]
}

/** Tables by name, with the version table and filtered-out tables left out. */
export function draftTables(
  rows: readonly { name: string; comment: string | null }[],
  options: ReadSchemaOptions,
): Map<string, TableDraft> {
  const out = new Map<string, TableDraft>()
  for (const row of rows) {
    if (row.name === options.versionTable || !matchesFilter(row.name, options.filter)) continue
    out.set(row.name, {
      name: row.name,
      comment: row.comment === '' ? null : row.comment,
      columns: [],
      primaryKey: null,
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
    })
  }
  return out
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))
const key = (name: string | null, rest: unknown) => `${name ?? '\uffff'}\u0000${text(rest)}`
const sortBy = <T>(list: T[], f: (x: T) => string): T[] =>
  list.sort((a, b) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0))

/** The finished model: tables by name, constraints and indexes in a stable order. */
export function finishModel(tables: Map<string, TableDraft>): SchemaModel {
  const list = sortBy([...tables.values()], (t) => t.name).map((t): TableModel => ({
    name: t.name,
    comment: t.comment,
    columns: t.columns,
    primaryKey: t.primaryKey,
    uniques: sortBy(t.uniques, (u) => key(u.name, u.columns)),
    foreignKeys: sortBy(t.foreignKeys, (f) => key(f.name, [f.columns, f.referencedTable])),
    checks: sortBy(t.checks, (c) => key(c.name, c.expression)),
    indexes: sortBy(t.indexes, (i) => i.name),
  }))
  return { tables: list }
}

/** A catalog's action spelling (`NO ACTION`, `SET NULL`) in the model's words. */
export function referentialAction(value: string): ReferentialAction {
  const v = value.trim().toLowerCase().replace(/_/g, ' ')
  switch (v) {
    case 'cascade':
    case 'set null':
    case 'set default':
    case 'restrict':
      return v
    default:
      return 'no action'
  }
}

/** Drop one pair of parentheses around the whole of `text`, when they enclose all of it. */
export function unwrapParens(text: string): string {
  let t = text.trim()
  for (;;) {
    if (!t.startsWith('(') || !t.endsWith(')')) return t
    let depth = 0
    let quote: string | null = null
    for (let i = 0; i < t.length; i++) {
      const ch = t[i]!
      if (quote) {
        if (ch === quote) quote = null
        continue
      }
      if (ch === "'" || ch === '"' || ch === '`') quote = ch
      else if (ch === '(') depth++
      else if (ch === ')' && --depth === 0 && i < t.length - 1) return t
    }
    t = t.slice(1, -1).trim()
  }
}
