import { sql, type Kysely } from 'kysely'
import { draftTables, finishModel, referentialAction } from '../../schema/catalog-rows.js'
import type { CatalogConventions, ReadSchemaOptions, RenderDialect } from '../catalog.js'
import type { IndexModel, SchemaModel } from '../../schema/model.js'

/*
 * MariaDB 10.11 catalog reader: five information_schema queries for the
 * whole database, whatever the number of tables.
 */

/**
 * COLUMN_TYPE spellings whose portable name renders back to them
 * (src/dialects/mysql/ddl.ts typeSql: `integer` is `int`, shown `int(11)`).
 * `timestamp` and `timestamptz` both render `datetime(6)`: it reads back as `timestamp`.
 */
const PORTABLE: Readonly<Record<string, string>> = {
  'int(11)': 'integer',
  'bigint(20)': 'bigint',
  'smallint(6)': 'smallint',
  text: 'text',
  'tinyint(1)': 'boolean',
  float: 'real',
  double: 'double',
  date: 'date',
  'time(6)': 'time',
  'datetime(6)': 'timestamp',
  uuid: 'uuid',
  blob: 'blob',
}

/** The portable name of a COLUMN_TYPE spelling, or the spelling itself. */
export function portableType(spelling: string): string {
  const varchar = /^varchar\((\d+)\)$/.exec(spelling)
  if (varchar) return `varchar(${varchar[1]})`
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(spelling)
  if (decimal) return `numeric(${decimal[1]},${decimal[2]})`
  return PORTABLE[spelling] ?? spelling
}

interface ColumnRow {
  table: string
  name: string
  type: string
  nullable: string
  default: string | null
  extra: string
  comment: string
}

interface StatisticsRow {
  table: string
  name: string
  nonUnique: number | string
  column: string | null
  collation: string | null
  subPart: number | null
}

interface ForeignKeyRow {
  table: string
  name: string
  column: string
  refTable: string
  refColumn: string
  onDelete: string
  onUpdate: string
}

interface CheckRow {
  table: string
  name: string
  level: string
  clause: string
}

/** Read the model of one MariaDB database (default: the connection's). */
export async function readSchema(
  db: Kysely<any>,
  options: ReadSchemaOptions,
): Promise<SchemaModel> {
  const schema = options.schema === undefined ? sql`database()` : sql`${options.schema}`

  const tableRows = await sql<{ name: string; comment: string | null }>`
    select TABLE_NAME as name, TABLE_COMMENT as comment from information_schema.TABLES
    where TABLE_SCHEMA = ${schema} and TABLE_TYPE = 'BASE TABLE'`.execute(db)
  const tables = draftTables(tableRows.rows, options)
  if (tables.size === 0) return finishModel(tables)

  const checks = await sql<CheckRow>`
    select TABLE_NAME as "table", CONSTRAINT_NAME as name, LEVEL as level, CHECK_CLAUSE as clause
    from information_schema.CHECK_CONSTRAINTS where CONSTRAINT_SCHEMA = ${schema}`.execute(db)
  // MariaDB's JSON is LONGTEXT with a column CHECK (json_valid(`c`)) named after the column.
  const jsonColumns = new Set<string>()
  const checkRows: CheckRow[] = []
  for (const row of checks.rows) {
    if (!tables.has(row.table)) continue
    if (row.level === 'Column' && row.clause === `json_valid(\`${row.name}\`)`) {
      jsonColumns.add(`${row.table}\u0000${row.name}`)
      continue
    }
    checkRows.push(row)
  }

  const columns = await sql<ColumnRow>`
    select TABLE_NAME as "table", COLUMN_NAME as name, COLUMN_TYPE as type,
      IS_NULLABLE as nullable, COLUMN_DEFAULT as "default", EXTRA as extra,
      COLUMN_COMMENT as comment
    from information_schema.COLUMNS where TABLE_SCHEMA = ${schema}
    order by TABLE_NAME, ORDINAL_POSITION`.execute(db)
  for (const row of columns.rows) {
    const table = tables.get(row.table)
    if (!table) continue
    const isJson = row.type === 'longtext' && jsonColumns.has(`${row.table}\u0000${row.name}`)
    table.columns.push({
      name: row.name,
      type: isJson ? 'json' : portableType(row.type),
      nullable: row.nullable === 'YES',
      // MariaDB 10.2+ shows "no default" of a nullable column as the text NULL.
      default: row.default === null || row.default === 'NULL' ? null : row.default,
      autoIncrement: /\bauto_increment\b/i.test(row.extra),
      comment: row.comment === '' ? null : row.comment,
    })
  }

  for (const row of checkRows) {
    const table = tables.get(row.table)!
    // A column CHECK is named after its column (a table CHECK so named is one added back
    // under that name); CONSTRAINT_n is a made-up table CHECK name.
    const madeUp =
      row.level === 'Column' ||
      /^CONSTRAINT_\d+$/.test(row.name) ||
      table.columns.some((c) => c.name === row.name)
    table.checks.push({
      ...(madeUp ? { name: null, generatedName: row.name } : { name: row.name }),
      expression: row.clause,
    })
  }

  const foreignKeys = await sql<ForeignKeyRow>`
    select k.TABLE_NAME as "table", k.CONSTRAINT_NAME as name, k.COLUMN_NAME as "column",
      k.REFERENCED_TABLE_NAME as "refTable", k.REFERENCED_COLUMN_NAME as "refColumn",
      r.DELETE_RULE as "onDelete", r.UPDATE_RULE as "onUpdate"
    from information_schema.KEY_COLUMN_USAGE k
    join information_schema.REFERENTIAL_CONSTRAINTS r
      on r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA and r.TABLE_NAME = k.TABLE_NAME
      and r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
    where k.TABLE_SCHEMA = ${schema} and k.REFERENCED_TABLE_NAME is not null
    order by k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`.execute(db)
  const fkColumns = new Map<string, ForeignKeyRow[]>()
  for (const row of foreignKeys.rows) {
    if (!tables.has(row.table)) continue
    const k = `${row.table}\u0000${row.name}`
    fkColumns.set(k, [...(fkColumns.get(k) ?? []), row])
  }
  for (const rows of fkColumns.values()) {
    const first = rows[0]!
    tables.get(first.table)!.foreignKeys.push({
      // InnoDB names an unnamed foreign key `<table>_ibfk_<n>`.
      ...(first.name.startsWith(`${first.table}_ibfk_`)
        ? { name: null, generatedName: first.name }
        : { name: first.name }),
      columns: rows.map((r) => r.column),
      referencedTable: first.refTable,
      referencedColumns: rows.map((r) => r.refColumn),
      onDelete: referentialAction(first.onDelete),
      onUpdate: referentialAction(first.onUpdate),
    })
  }

  const statistics = await sql<StatisticsRow>`
    select TABLE_NAME as "table", INDEX_NAME as name, NON_UNIQUE as "nonUnique",
      COLUMN_NAME as "column", COLLATION as collation, SUB_PART as "subPart"
    from information_schema.STATISTICS where TABLE_SCHEMA = ${schema}
    order by TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`.execute(db)
  const byIndex = new Map<string, StatisticsRow[]>()
  for (const row of statistics.rows) {
    if (!tables.has(row.table)) continue
    const k = `${row.table}\u0000${row.name}`
    byIndex.set(k, [...(byIndex.get(k) ?? []), row])
  }
  for (const rows of byIndex.values()) {
    const first = rows[0]!
    const table = tables.get(first.table)!
    const cols = rows.map((r) => r.column ?? '')
    if (first.name === 'PRIMARY') {
      // Always named PRIMARY: a name MariaDB chose.
      table.primaryKey = { name: null, generatedName: 'PRIMARY', columns: cols }
      continue
    }
    // An unnamed key is named after its first column (`a`, then `a_2`).
    const madeUp =
      first.name === cols[0] || new RegExp(`^${escape(cols[0]!)}_\\d+$`).test(first.name)
    if (Number(first.nonUnique) === 0) {
      // MariaDB has no unique index apart from a UNIQUE key (information_schema lists it as a constraint).
      table.uniques.push({
        ...(madeUp ? { name: null, generatedName: first.name } : { name: first.name }),
        columns: cols,
      })
      continue
    }
    const index: IndexModel = {
      name: first.name,
      columns: rows.map((r) =>
        r.subPart === null
          ? { column: r.column ?? '', descending: r.collation === 'D' }
          : { expression: `\`${r.column}\`(${r.subPart})` },
      ),
      unique: false,
      where: null,
    }
    // The index InnoDB made for a foreign key belongs to the key, not to the model's indexes.
    const ownedByForeignKey = table.foreignKeys.some(
      (fk) =>
        fk.columns.join() === cols.join() &&
        (first.name === (fk.name ?? fk.generatedName) ||
          madeUp ||
          first.name.startsWith(`${table.name}_ibfk_`)) &&
        rows.every((r) => r.collation !== 'D' && r.subPart === null),
    )
    if (!ownedByForeignKey) table.indexes.push(index)
  }
  return finishModel(tables)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** What declared.ts needs to know about this database's catalog habits. */
export const conventions: CatalogConventions = {
  // InnoDB's own shape for an unnamed key, which the reader leaves unnamed.
  foreignKeyName: (table, _columns, n) => `${table}_ibfk_${100 + n}`,
  script: { dollarQuotes: false, backslashEscapes: true, hashComments: true },
  // MariaDB itself refuses a type it does not have.
  isKnownType: () => true,
}

const quote = (name: string): string => `\`${name.replaceAll('`', '``')}\``
const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`

/**
 * How autogenerate writes changes here: the table comment by ALTER TABLE ... COMMENT;
 * a dropped key's index; auto-increment off while its key is replaced.
 */
export const render: RenderDialect = {
  rebuildsTables: false,
  // MariaDB 10.11: error 1075 when an AUTO_INCREMENT column leads no key.
  autoIncrementNeedsKey: true,
  primaryKeyName: 'PRIMARY',
  quote,
  tableCommentSql: (table, comment) =>
    `ALTER TABLE ${quote(table)} COMMENT = ${sqlString(comment ?? '')}`,
  // InnoDB names a key's index after the key, or after its first column when the key had no name.
  foreignKeyIndexSql: (table, fk) =>
    `ALTER TABLE ${quote(table)} ` +
    [...new Set([fk.name ?? fk.generatedName, fk.name === null ? fk.columns[0] : undefined])]
      .filter((n) => n !== undefined)
      .map((n) => `DROP INDEX IF EXISTS ${quote(n)}`)
      .join(', '),
}
