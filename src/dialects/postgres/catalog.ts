import { sql, type Kysely } from 'kysely'
import {
  draftTables,
  finishModel,
  referentialAction,
  unwrapParens,
  type TableDraft,
} from '../../schema/catalog-rows.js'
import type { CatalogConventions, ReadSchemaOptions, RenderDialect } from '../catalog.js'
import type { IndexPart, SchemaModel } from '../../schema/model.js'

/*
 * PostgreSQL 15 catalog reader: five queries over pg_catalog for the whole
 * schema, whatever the number of tables.
 */

/**
 * format_type() spellings whose portable name renders back to them
 * (src/dialects/postgres/ddl.ts typeSql); anything else stays as spelled.
 */
const PORTABLE: Readonly<Record<string, string>> = {
  integer: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  text: 'text',
  boolean: 'boolean',
  real: 'real',
  'double precision': 'double',
  numeric: 'numeric',
  date: 'date',
  'time without time zone': 'time',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  jsonb: 'json',
  uuid: 'uuid',
  bytea: 'blob',
}

/** The portable name of a format_type() spelling, or the spelling itself. */
export function portableType(spelling: string): string {
  const varchar = /^character varying\((\d+)\)$/.exec(spelling)
  if (varchar) return `varchar(${varchar[1]})`
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(spelling)
  if (numeric) return `numeric(${numeric[1]},${numeric[2]})`
  return PORTABLE[spelling] ?? spelling
}

const ACTIONS: Readonly<Record<string, string>> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
}

// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1).
const MAX_NAME = 63

/**
 * Whether PostgreSQL made `name` up itself for a constraint of `table` over
 * `columns` (`t_pkey`, `t_a_b_key`, `t_a_fkey`, `t_a_check`, `t_check1`):
 * such names are not part of the model.
 */
export function isGeneratedName(
  name: string,
  table: string,
  columns: readonly string[],
  suffix: 'pkey' | 'key' | 'fkey' | 'check',
): boolean {
  const bases = [[table, ...columns].join('_')]
  if (suffix === 'check' || suffix === 'pkey') bases.push(table)
  const shape = new RegExp(`_${suffix}\\d*$`)
  if (!shape.test(name)) return false
  const stem = name.replace(shape, '')
  // A long name is cut to fit 63 bytes, so only its beginning can be checked.
  return bases.some((b) => stem === b || (name.length >= MAX_NAME - 2 && b.startsWith(stem)))
}

interface ColumnRow {
  table: string
  name: string
  type: string
  notnull: boolean
  default: string | null
  identity: string
  comment: string | null
}

interface ConstraintRow {
  table: string
  name: string
  type: 'p' | 'u' | 'f' | 'c'
  columns: string[]
  refTable: string | null
  refColumns: string[] | null
  onDelete: string
  onUpdate: string
  definition: string
}

interface IndexRow {
  table: string
  name: string
  unique: boolean
  keys: number[]
  options: number[]
  parts: string[]
  columnNames: (string | null)[]
  where: string | null
}

/**
 * Read the model of one PostgreSQL schema (default: the first of search_path),
 * in one transaction, so every query sees the same snapshot, and with JIT off:
 * the row estimates of these catalog queries cross `jit_above_cost`, and
 * compiling them took most of their time (0.33 of 0.38 s at 500 tables).
 */
export async function readSchema(
  db: Kysely<any>,
  options: ReadSchemaOptions,
): Promise<SchemaModel> {
  if (db.isTransaction) return readCatalog(db, options)
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx)
    return readCatalog(trx, options)
  })
}

async function readCatalog(db: Kysely<any>, options: ReadSchemaOptions): Promise<SchemaModel> {
  const ns =
    options.schema === undefined
      ? sql`(select oid from pg_namespace where nspname = current_schema())`
      : sql`(select oid from pg_namespace where nspname = ${options.schema})`

  const tableRows = await sql<{ name: string; comment: string | null }>`
    select c.relname as name, ds.description as comment
    from pg_class c left join pg_description ds on ds.objoid = c.oid
      and ds.classoid = 'pg_class'::regclass and ds.objsubid = 0
    where c.relnamespace = ${ns} and c.relkind in ('r', 'p')
      and not c.relispartition`.execute(db)
  const tables = draftTables(tableRows.rows, options)
  if (tables.size === 0) return finishModel(tables)

  const columns = await sql<ColumnRow>`
    select c.relname as "table", a.attname as name,
      format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull,
      pg_get_expr(d.adbin, d.adrelid) as "default", a.attidentity as identity,
      ds.description as comment
    from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
    -- A join, not col_description(): that function costs a query per column.
    left join pg_description ds on ds.objoid = c.oid and ds.classoid = 'pg_class'::regclass
      and ds.objsubid = a.attnum
    where c.relnamespace = ${ns} and c.relkind in ('r', 'p')
    order by c.relname, a.attnum`.execute(db)
  for (const row of columns.rows) {
    const table = tables.get(row.table)
    if (!table) continue
    // A serial column's nextval() default is its auto-increment, not a default to compare.
    const serial = row.default !== null && /^nextval\(/.test(row.default)
    table.columns.push({
      name: row.name,
      type: portableType(row.type),
      nullable: !row.notnull,
      default: serial ? null : row.default,
      autoIncrement: row.identity !== '' || serial,
      comment: row.comment,
    })
  }

  const constraints = await sql<ConstraintRow>`
    select c.relname as "table", k.conname as name, k.contype as type,
      array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i)
        join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as columns,
      r.relname as "refTable",
      case when k.contype = 'f' then array(select a.attname::text from unnest(k.confkey) with ordinality u(n, i)
        join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) end as "refColumns",
      k.confdeltype as "onDelete", k.confupdtype as "onUpdate",
      pg_get_constraintdef(k.oid, true) as definition
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    left join pg_class r on r.oid = k.confrelid
    where c.relnamespace = ${ns} and k.contype in ('p', 'u', 'f', 'c')`.execute(db)
  for (const row of constraints.rows) {
    const table = tables.get(row.table)
    if (table) addConstraint(table, row)
  }

  const indexes = await sql<IndexRow>`
    select c.relname as "table", ci.relname as name, i.indisunique as unique,
      i.indkey::int2[] as keys, i.indoption::int2[] as options,
      array(select pg_get_indexdef(i.indexrelid, k, true) from generate_series(1, i.indnkeyatts) k
        order by k) as parts,
      array(select a.attname::text from generate_series(1, i.indnkeyatts) k
        left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = (i.indkey::int2[])[k - 1]
        order by k) as "columnNames",
      pg_get_expr(i.indpred, i.indrelid, true) as "where"
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_class ci on ci.oid = i.indexrelid
    where c.relnamespace = ${ns}
      and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid
        and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x'))`.execute(db)
  for (const row of indexes.rows) {
    const table = tables.get(row.table)
    if (!table) continue
    const parts = row.parts.map((part, k): IndexPart => {
      const column = row.columnNames[k]
      // indoption bit 0: DESC.
      const descending = ((row.options[k] ?? 0) & 1) === 1
      return row.keys[k] !== 0 && column
        ? { column, descending }
        : { expression: unwrapParens(part) }
    })
    table.indexes.push({ name: row.name, columns: parts, unique: row.unique, where: row.where })
  }
  return finishModel(tables)
}

function addConstraint(table: TableDraft, row: ConstraintRow): void {
  // The name, or null and the made-up name kept aside for a drop.
  const named = (generated: boolean) =>
    generated ? { name: null, generatedName: row.name } : { name: row.name }
  switch (row.type) {
    case 'p':
      table.primaryKey = {
        ...named(isGeneratedName(row.name, table.name, row.columns, 'pkey')),
        columns: row.columns,
      }
      return
    case 'u':
      table.uniques.push({
        ...named(isGeneratedName(row.name, table.name, row.columns, 'key')),
        columns: row.columns,
      })
      return
    case 'f':
      table.foreignKeys.push({
        ...named(isGeneratedName(row.name, table.name, row.columns, 'fkey')),
        columns: row.columns,
        referencedTable: row.refTable ?? '',
        referencedColumns: row.refColumns ?? [],
        onDelete: referentialAction(ACTIONS[row.onDelete] ?? 'no action'),
        onUpdate: referentialAction(ACTIONS[row.onUpdate] ?? 'no action'),
      })
      return
    case 'c': {
      // pg_get_constraintdef: `CHECK ((price >= 0))`, maybe followed by NOT VALID.
      const body = row.definition.replace(/^CHECK\s*/i, '').replace(/\s+NOT VALID$/i, '')
      table.checks.push({
        ...named(isGeneratedName(row.name, table.name, row.columns, 'check')),
        expression: unwrapParens(body),
      })
      return
    }
  }
}

/** What declared.ts needs to know about this database's catalog habits. */
export const conventions: CatalogConventions = {
  // A key added after its table (a cycle of references) gets the name PostgreSQL would give it.
  foreignKeyName: (table, columns, n) =>
    `${[table, ...columns].join('_')}_fkey${n === 0 ? '' : n}`.slice(-MAX_NAME),
  script: { dollarQuotes: true, backslashEscapes: false, hashComments: false },
  // PostgreSQL itself refuses a type it does not have, naming it.
  isKnownType: () => true,
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`
const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`

/** How autogenerate writes changes here: table comments by COMMENT ON. */
export const render: RenderDialect = {
  rebuildsTables: false,
  quote,
  tableCommentSql: (table, comment) =>
    `COMMENT ON TABLE ${quote(table)} IS ${comment === null ? 'NULL' : sqlString(comment)}`,
}
