import { sql, type Kysely } from 'kysely'
import { RetortError } from '../../errors.js'
import { parseCreateTable, tokenize, type ParsedForeignKey, type ParsedTable } from './parser.js'
import {
  draftTables,
  finishModel,
  referentialAction,
  unwrapParens,
} from '../../schema/catalog-rows.js'
import type { CatalogConventions, ReadSchemaOptions, RenderDialect } from '../catalog.js'
import type { IndexPart, SchemaModel } from '../../schema/model.js'
import { impliedCheckName, impliedKeyName, isImpliedCheckName } from './implied-names.js'

/*
 * SQLite 3.4x catalog reader: sqlite_schema joined with the pragma
 * table-valued functions, one query per kind of thing for all tables. The
 * pragmas do not tell constraint names, CHECKs or AUTOINCREMENT; those come
 * from the CREATE TABLE text (the batch-mode parser).
 */

/**
 * Declared types whose portable name renders back to them
 * (src/dialects/sqlite/ddl.ts typeSql); json renders as `text` and reads
 * back as `text`, and `char(36)` is what `uuid` renders.
 */
const PORTABLE = new Set([
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
  'blob',
  'numeric',
])

/** The portable name of a declared SQLite type, or the type as declared. */
export function portableType(declared: string): string {
  const compact = declared.toLowerCase().replace(/\s+/g, '')
  if (PORTABLE.has(compact)) return compact
  if (compact === 'char(36)') return 'uuid'
  if (/^varchar\(\d+\)$/.test(compact) || /^numeric\(\d+(,\d+)?\)$/.test(compact)) return compact
  return declared
}

/** The parts of a CREATE INDEX after ON t: its element texts and WHERE condition. */
export function parseCreateIndex(text: string): { elements: string[]; where: string | null } {
  const tokens = tokenize(text)
  const on = tokens.findIndex((t) => t.type === 'word' && t.value.toLowerCase() === 'on')
  const open = tokens.findIndex((t, k) => k > on && t.text === '(')
  const elements: string[] = []
  let depth = 0
  let start = open >= 0 ? tokens[open]!.end : 0
  for (let k = open + 1; open >= 0 && k < tokens.length; k++) {
    const t = tokens[k]!
    if (t.text === '(') depth++
    else if (t.text === ')' && depth > 0) depth--
    else if ((t.text === ',' || t.text === ')') && depth === 0) {
      elements.push(text.slice(start, t.start).trim())
      start = t.end
      if (t.text === ')') {
        const where = tokens[k + 1]
        const isWhere = where?.type === 'word' && where.value.toLowerCase() === 'where'
        return { elements, where: isWhere ? unwrapParens(text.slice(where.end).trim()) : null }
      }
    }
  }
  return { elements, where: null }
}

/** An index element as an expression: without a trailing COLLATE / ASC / DESC. */
function elementExpression(element: string): string {
  return unwrapParens(element.replace(/(\s+collate\s+\S+)?(\s+(asc|desc))?\s*$/i, ''))
}

/** The foreign keys as the CREATE TABLE texts write them, per table. */
function writtenForeignKeys(parsed: Map<string, ParsedTable>): Map<string, ParsedForeignKey[]> {
  const out = new Map<string, ParsedForeignKey[]>()
  for (const [name, definition] of parsed) {
    out.set(name, [
      ...definition.columns.flatMap((c) =>
        c.references ? [{ ...c.references, columns: [c.name] }] : [],
      ),
      ...definition.constraints.flatMap((k) => (k.kind === 'foreignKey' ? [k] : [])),
    ])
  }
  return out
}

function parseDefinition(table: string, text: string): ParsedTable {
  try {
    return parseCreateTable(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new RetortError(
      `cannot read the definition of table '${table}' from sqlite_schema: ${reason}`,
      { cause: error },
    )
  }
}

/** Words without which a CREATE TABLE has no constraint name, CHECK or AUTOINCREMENT to read. */
const NEEDS_PARSING = /\b(constraint|check|autoincrement)\b/i

interface ColumnRow {
  tbl: string
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
  hidden: number
}

interface ForeignKeyRow {
  tbl: string
  id: number
  seq: number
  table: string
  from: string
  to: string | null
  on_update: string
  on_delete: string
}

interface IndexRow {
  tbl: string
  idx: string
  unique: number
  origin: string
  partial: number
  cid: number
  col: string | null
  desc: number
}

/** Read the model of an SQLite database (`main`, or the attached `schema`). */
export async function readSchema(
  db: Kysely<any>,
  options: ReadSchemaOptions,
): Promise<SchemaModel> {
  const schemaName = options.schema ?? 'main'
  const master = sql.table(`${schemaName}.sqlite_schema`)
  const tableRows = await sql<{ name: string; sql: string }>`
    select name, sql from ${master} where type = 'table' and name not like 'sqlite_%'
      and sql not like 'create virtual %'`.execute(db)
  const tables = draftTables(
    tableRows.rows.map((r) => ({ name: r.name, comment: null })),
    options,
  )
  if (tables.size === 0) return finishModel(tables)
  // Parsing is the slow part: only tables whose text can hold a name, a CHECK or AUTOINCREMENT.
  const parsed = new Map<string, ParsedTable>()
  const withoutRowid = new Set<string>()
  for (const row of tableRows.rows) {
    if (!tables.has(row.name)) continue
    if (NEEDS_PARSING.test(row.sql)) parsed.set(row.name, parseDefinition(row.name, row.sql))
    if (/\bwithout\s+rowid\b/i.test(row.sql)) withoutRowid.add(row.name)
  }

  const columns = await sql<ColumnRow>`
    select m.name as tbl, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
    from ${master} m join pragma_table_xinfo(m.name, ${schemaName}) p
    where m.type = 'table' and m.name not like 'sqlite_%' and m.sql not like 'create virtual %'
    order by m.name, p.cid`.execute(db)
  // Primary keys of every table, also filtered-out ones: a REFERENCES without columns means them.
  const primaryKeys = new Map<string, string[]>()
  for (const row of columns.rows) {
    if (row.pk > 0) {
      const list = primaryKeys.get(row.tbl.toLowerCase()) ?? []
      list[row.pk - 1] = row.name
      primaryKeys.set(row.tbl.toLowerCase(), list)
    }
    const table = tables.get(row.tbl)
    // hidden 1: a virtual table's hidden column; 2 and 3 are generated columns, kept.
    if (!table || row.hidden === 1) continue
    const definition = parsed.get(row.tbl)?.columns.find((c) => c.name === row.name)
    table.columns.push({
      name: row.name,
      type: portableType(row.type),
      nullable: row.notnull === 0,
      default: row.dflt_value,
      autoIncrement: definition?.primaryKey?.autoIncrement ?? false,
      comment: null,
    })
  }

  for (const [name, table] of tables) {
    const pk = primaryKeys.get(name.toLowerCase())
    // A lone INTEGER PRIMARY KEY of a rowid table is the rowid: never NULL, whatever notnull says.
    const rowid = pk?.length === 1 ? table.columns.find((c) => c.name === pk[0]) : undefined
    if (rowid && rowid.type === 'integer' && !withoutRowid.has(name)) {
      table.columns[table.columns.indexOf(rowid)] = { ...rowid, nullable: false }
    }
    const definition = parsed.get(name)
    const pkName = pk ? impliedKeyName(name, 'pkey', pk) : ''
    if (!definition) {
      if (pk) table.primaryKey = { name: null, generatedName: pkName, columns: pk }
      continue
    }
    if (pk) {
      const written =
        definition.constraints.find((k) => k.kind === 'primaryKey')?.name ??
        definition.columns.find((c) => c.primaryKey)?.primaryKey?.name
      table.primaryKey = { ...nameOrImplied(written, pkName), columns: pk }
    }
    let unnamedChecks = 0
    const check = (written: string | undefined, text: string) => {
      const implied = written === undefined || isImpliedCheckName(name, written)
      table.checks.push({
        ...(implied
          ? { name: null, generatedName: written ?? impliedCheckName(name, unnamedChecks++) }
          : { name: written }),
        expression: unwrapParens(text),
      })
    }
    for (const column of definition.columns) {
      for (const ck of column.checks) check(ck.name, ck.text)
    }
    for (const k of definition.constraints) {
      if (k.kind === 'check') check(k.name, k.text)
    }
  }

  const foreignKeys = await sql<ForeignKeyRow>`
    select m.name as tbl, f.* from ${master} m join pragma_foreign_key_list(m.name, ${schemaName}) f
    where m.type = 'table' and m.name not like 'sqlite_%' and m.sql not like 'create virtual %'
    order by m.name, f.id, f.seq`.execute(db)
  const byKey = new Map<string, ForeignKeyRow[]>()
  for (const row of foreignKeys.rows) {
    if (!tables.has(row.tbl)) continue
    const k = `${row.tbl}\u0000${row.id}`
    byKey.set(k, [...(byKey.get(k) ?? []), row])
  }
  const writtenKeys = writtenForeignKeys(parsed)
  for (const rows of byKey.values()) {
    const first = rows[0]!
    const written = writtenKeys.get(first.tbl) ?? []
    const cols = rows.map((r) => r.from)
    const implicit = primaryKeys.get(first.table.toLowerCase()) ?? []
    const referencedColumns = rows.map((r, k) => r.to ?? implicit[k] ?? '')
    const onDelete = referentialAction(first.on_delete)
    const onUpdate = referentialAction(first.on_update)
    // Several keys may share columns: the one written with the same target and actions.
    const match = written.findIndex(
      (f) =>
        f.columns.join() === cols.join() &&
        f.table.toLowerCase() === first.table.toLowerCase() &&
        (f.referencedColumns.length === 0 ||
          f.referencedColumns.join() === referencedColumns.join()) &&
        (f.onDelete ?? 'no action') === onDelete &&
        (f.onUpdate ?? 'no action') === onUpdate,
    )
    const fkName = match >= 0 ? written[match]!.name : undefined
    if (match >= 0) written.splice(match, 1)
    tables.get(first.tbl)!.foreignKeys.push({
      ...nameOrImplied(fkName, impliedKeyName(first.tbl, 'fkey', cols)),
      columns: cols,
      referencedTable: first.table,
      referencedColumns,
      onDelete,
      onUpdate,
    })
  }

  const indexes = await sql<IndexRow>`
    select m.name as tbl, l.name as idx, l."unique", l.origin, l.partial,
      x.cid, x.name as col, x."desc"
    from ${master} m join pragma_index_list(m.name, ${schemaName}) l
    join pragma_index_xinfo(l.name, ${schemaName}) x
    where m.type = 'table' and m.name not like 'sqlite_%' and x.key = 1
      and l.origin in ('u', 'c')
    order by m.name, l.name, x.seqno`.execute(db)
  // CREATE INDEX texts, for expressions and WHERE (a lookup by name would scan sqlite_schema per index).
  const indexSql = new Map<string, string>()
  const indexTexts = await sql<{ name: string; sql: string | null }>`
    select name, sql from ${master} where type = 'index' and sql is not null`.execute(db)
  for (const row of indexTexts.rows) if (row.sql !== null) indexSql.set(row.name, row.sql)
  const byIndex = new Map<string, IndexRow[]>()
  for (const row of indexes.rows) {
    if (!tables.has(row.tbl)) continue
    const k = `${row.tbl}\u0000${row.idx}`
    byIndex.set(k, [...(byIndex.get(k) ?? []), row])
  }
  for (const rows of byIndex.values()) {
    const first = rows[0]!
    const table = tables.get(first.tbl)!
    if (first.origin === 'u') {
      // A UNIQUE constraint of the CREATE TABLE: its name (if any) is in the text.
      const cols = rows.map((r) => r.col ?? '')
      const definition = parsed.get(first.tbl)
      const written = [
        ...(definition?.columns ?? []).flatMap((c) =>
          c.unique ? [{ name: c.unique.name, columns: [c.name] }] : [],
        ),
        ...(definition?.constraints ?? []).flatMap((k) => (k.kind === 'unique' ? [k] : [])),
      ].find((u) => u.columns.join() === cols.join())
      table.uniques.push({
        ...nameOrImplied(written?.name, impliedKeyName(first.tbl, 'key', cols)),
        columns: cols,
      })
      continue
    }
    const text = indexSql.get(first.idx)
    const parts = text ? parseCreateIndex(text) : { elements: [], where: null }
    table.indexes.push({
      name: first.idx,
      columns: rows.map((r, k): IndexPart =>
        r.cid === -2 || r.col === null
          ? { expression: elementExpression(parts.elements[k] ?? '') }
          : { column: r.col, descending: r.desc === 1 },
      ),
      unique: first.unique === 1,
      where: first.partial === 1 ? parts.where : null,
    })
  }
  return finishModel(tables)
}

/** A constraint's written name, or null and its implied name when it has none or that one. */
function nameOrImplied(
  written: string | undefined,
  implied: string,
): { name: string | null; generatedName?: string } {
  return written === undefined || written.toLowerCase() === implied.toLowerCase()
    ? { name: null, generatedName: implied }
    : { name: written }
}

/**
 * SQLite takes any word as a type (and gives it NUMERIC affinity), so a typo
 * would pass silently: a raw type must name an affinity (SQLite 3.4x rules:
 * INT, CHAR, CLOB, TEXT, BLOB, REAL, FLOA, DOUB) or a usual SQL type name.
 */
function isKnownType(type: string): boolean {
  const t = type.toLowerCase()
  return (
    /int|char|clob|text|blob|real|floa|doub/.test(t) ||
    /^(numeric|decimal|boolean|bool|date|datetime|time|timestamp|any)\b/.test(t)
  )
}

/** What declared.ts needs to know about this database's catalog habits. */
export const conventions: CatalogConventions = {
  // SQLite checks references only when rows change: tables are created in any order.
  foreignKeyName: undefined,
  script: { dollarQuotes: false, backslashEscapes: false, hashComments: false },
  isKnownType,
}

/** How autogenerate writes changes here: rebuild tables for what ALTER TABLE cannot do; no comments. */
export const render: RenderDialect = {
  rebuildsTables: true,
  quote: (name) => `"${name.replaceAll('"', '""')}"`,
}
