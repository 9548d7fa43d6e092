import { sql, type Kysely } from 'kysely'
import type { TestDialect } from '../../helpers/databases.js'
import { parseCreateTable } from '../../../src/dialects/sqlite/parser.js'

/*
 * Small catalog readers: what each database says a schema holds, in one
 * shape, so tests can check results and compare before/after snapshots.
 * Names and lists are sorted where the database's order means nothing.
 */

export interface CatalogColumn {
  readonly name: string
  /** The type as the catalog spells it (lower case). */
  readonly type: string
  readonly nullable: boolean
  readonly default: string | null
  readonly comment: string | null
  /** Identity / AUTOINCREMENT / AUTO_INCREMENT. */
  readonly generated: boolean
}

export interface CatalogKey {
  readonly name: string | null
  readonly columns: readonly string[]
}

export interface CatalogForeignKey extends CatalogKey {
  readonly table: string
  readonly referencedColumns: readonly string[]
  readonly onDelete: string
  readonly onUpdate: string
}

export interface CatalogCheck {
  readonly name: string | null
  readonly expression: string
}

export interface CatalogIndex {
  readonly name: string
  /** Column names, or the expression text for expression elements. */
  readonly columns: readonly string[]
  readonly unique: boolean
  readonly partial: boolean
}

export interface CatalogTable {
  readonly columns: readonly CatalogColumn[]
  readonly primaryKey: CatalogKey | null
  readonly unique: readonly CatalogKey[]
  readonly foreignKeys: readonly CatalogForeignKey[]
  readonly checks: readonly CatalogCheck[]
  /** Indexes other than those behind primary keys and unique constraints. */
  readonly indexes: readonly CatalogIndex[]
  readonly comment: string | null
}

export type Catalog = Readonly<Record<string, CatalogTable>>

const byName = <T extends { name: string | null }>(a: T, b: T) =>
  String(a.name).localeCompare(String(b.name))
const byColumns = <T extends CatalogKey>(a: T, b: T) =>
  (a.columns.join() + String(a.name)).localeCompare(b.columns.join() + String(b.name))
const action = (a: string) => a.toLowerCase()

async function sqliteCatalog(db: Kysely<any>): Promise<Catalog> {
  const tables = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
    where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
  const out: Record<string, CatalogTable> = {}
  for (const t of tables.rows) {
    const parsed = parseCreateTable(t.sql)
    const cols = await sql<{
      name: string
      type: string
      notnull: number
      dflt_value: string | null
      pk: number
    }>`
      select * from pragma_table_info(${t.name})`.execute(db)
    const pkCols = cols.rows.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
    const pkName =
      parsed.constraints.find((k) => k.kind === 'primaryKey')?.name ??
      parsed.columns.find((c) => c.primaryKey)?.primaryKey?.name ??
      null
    const fks = await sql<{
      id: number
      seq: number
      table: string
      from: string
      to: string | null
      on_update: string
      on_delete: string
    }>`
      select * from pragma_foreign_key_list(${t.name}) order by id, seq`.execute(db)
    const fkNames = [
      ...parsed.columns.flatMap((c) => (c.references ? [c.references] : [])),
      ...parsed.constraints.flatMap((k) => (k.kind === 'foreignKey' ? [k] : [])),
    ]
    const foreignKeys: CatalogForeignKey[] = []
    for (const id of [...new Set(fks.rows.map((r) => r.id))]) {
      const rows = fks.rows.filter((r) => r.id === id)
      const columns = rows.map((r) => r.from)
      const named = fkNames.find(
        (f) =>
          f.columns.join() === columns.join() &&
          f.table.toLowerCase() === rows[0]!.table.toLowerCase(),
      )
      foreignKeys.push({
        name: named?.name ?? null,
        columns,
        table: rows[0]!.table,
        referencedColumns: rows.map((r) => r.to ?? ''),
        onDelete: action(rows[0]!.on_delete),
        onUpdate: action(rows[0]!.on_update),
      })
    }
    const indexList = await sql<{ name: string; unique: number; origin: string; partial: number }>`
      select * from pragma_index_list(${t.name})`.execute(db)
    const unique: CatalogKey[] = []
    const indexes: CatalogIndex[] = []
    const uniqueNames = [
      ...parsed.columns.flatMap((c) =>
        c.unique ? [{ name: c.unique.name, columns: [c.name] }] : [],
      ),
      ...parsed.constraints.flatMap((k) => (k.kind === 'unique' ? [k] : [])),
    ]
    for (const ix of indexList.rows) {
      const info = await sql<{ cid: number; name: string | null; key: number }>`
        select * from pragma_index_xinfo(${ix.name}) where key = 1 order by seqno`.execute(db)
      const columns = info.rows.map((r) => r.name ?? '<expression>')
      if (ix.origin === 'u') {
        const named = uniqueNames.find((u) => u.columns.join() === columns.join())
        unique.push({ name: named?.name ?? null, columns })
      } else if (ix.origin === 'c') {
        indexes.push({ name: ix.name, columns, unique: ix.unique === 1, partial: ix.partial === 1 })
      }
    }
    const checks: CatalogCheck[] = [
      ...parsed.columns.flatMap((c) =>
        c.checks.map((k) => ({ name: k.name ?? null, expression: k.text })),
      ),
      ...parsed.constraints.flatMap((k) =>
        k.kind === 'check' ? [{ name: k.name ?? null, expression: k.text }] : [],
      ),
    ]
    out[t.name] = {
      columns: cols.rows.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        nullable: c.notnull === 0,
        default: c.dflt_value,
        comment: null,
        generated:
          parsed.columns.find((p) => p.name === c.name)?.primaryKey?.autoIncrement ?? false,
      })),
      primaryKey: pkCols.length ? { name: pkName, columns: pkCols.map((c) => c.name) } : null,
      unique: unique.sort(byColumns),
      foreignKeys: foreignKeys.sort(byColumns),
      checks: checks.sort(byName),
      indexes: indexes.sort(byName),
      comment: null,
    }
  }
  return out
}

const PG_ACTIONS: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
}

async function postgresCatalog(db: Kysely<any>, schema: string): Promise<Catalog> {
  const tables = await sql<{ oid: number; name: string; comment: string | null }>`
    select c.oid, c.relname as name, obj_description(c.oid, 'pg_class') as comment
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'r' order by c.relname`.execute(db)
  const out: Record<string, CatalogTable> = {}
  for (const t of tables.rows) {
    const cols = await sql<{
      num: number
      name: string
      type: string
      notnull: boolean
      dflt: string | null
      comment: string | null
      identity: string
    }>`
      select a.attnum as num, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull,
        pg_get_expr(d.adbin, d.adrelid) as dflt, col_description(a.attrelid, a.attnum) as comment, a.attidentity as identity
      from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = ${t.oid} and a.attnum > 0 and not a.attisdropped order by a.attnum`.execute(
      db,
    )
    const colName = (num: number) => cols.rows.find((c) => c.num === num)?.name ?? `#${num}`
    const cons = await sql<{
      name: string
      type: string
      conkey: number[]
      reftable: string | null
      refcols: string[] | null
      deltype: string
      updtype: string
      def: string
    }>`
      select k.conname as name, k.contype as type, k.conkey, r.relname as reftable,
        (select array_agg(a.attname::text order by x.ord) from unnest(k.confkey) with ordinality x(num, ord)
          join pg_attribute a on a.attrelid = k.confrelid and a.attnum = x.num) as refcols,
        k.confdeltype as deltype, k.confupdtype as updtype, pg_get_constraintdef(k.oid) as def
      from pg_constraint k left join pg_class r on r.oid = k.confrelid
      where k.conrelid = ${t.oid} and k.contype in ('p', 'u', 'f', 'c')`.execute(db)
    const keyCols = (k: { conkey: number[] }) => k.conkey.map(colName)
    const pk = cons.rows.find((k) => k.type === 'p')
    const idx = await sql<{ name: string; unique: boolean; partial: boolean; cols: string[] }>`
      select i.relname as name, x.indisunique as unique, x.indpred is not null as partial,
        (select array_agg(pg_get_indexdef(x.indexrelid, k, true) order by k) from generate_series(1, x.indnkeyatts) k) as cols
      from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = ${t.oid} and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = x.indrelid)`.execute(
      db,
    )
    out[t.name] = {
      columns: cols.rows.map((c) => ({
        name: c.name,
        type: c.type,
        nullable: !c.notnull,
        default: c.dflt,
        comment: c.comment,
        generated: c.identity !== '',
      })),
      primaryKey: pk ? { name: pk.name, columns: keyCols(pk) } : null,
      unique: cons.rows
        .filter((k) => k.type === 'u')
        .map((k) => ({ name: k.name, columns: keyCols(k) }))
        .sort(byColumns),
      foreignKeys: cons.rows
        .filter((k) => k.type === 'f')
        .map((k) => ({
          name: k.name,
          columns: keyCols(k),
          table: k.reftable!,
          referencedColumns: k.refcols ?? [],
          onDelete: PG_ACTIONS[k.deltype]!,
          onUpdate: PG_ACTIONS[k.updtype]!,
        }))
        .sort(byColumns),
      checks: cons.rows
        .filter((k) => k.type === 'c')
        .map((k) => ({ name: k.name, expression: k.def.replace(/^CHECK /, '') }))
        .sort(byName),
      indexes: idx.rows
        .map((i) => ({ name: i.name, columns: i.cols, unique: i.unique, partial: i.partial }))
        .sort(byName),
      comment: t.comment,
    }
  }
  return out
}

async function mysqlCatalog(db: Kysely<any>, schema: string): Promise<Catalog> {
  const tables = await sql<{
    name: string
    comment: string
  }>`select TABLE_NAME as name, TABLE_COMMENT as comment
    from information_schema.TABLES where TABLE_SCHEMA = ${schema} order by TABLE_NAME`.execute(db)
  const out: Record<string, CatalogTable> = {}
  for (const t of tables.rows) {
    const cols = await sql<{
      name: string
      type: string
      nullable: string
      dflt: string | null
      comment: string
      extra: string
    }>`
      select COLUMN_NAME as name, COLUMN_TYPE as type, IS_NULLABLE as nullable, COLUMN_DEFAULT as dflt,
        COLUMN_COMMENT as comment, EXTRA as extra
      from information_schema.COLUMNS where TABLE_SCHEMA = ${schema} and TABLE_NAME = ${t.name}
      order by ORDINAL_POSITION`.execute(db)
    const cons = await sql<{
      name: string
      type: string
    }>`select CONSTRAINT_NAME as name, CONSTRAINT_TYPE as type
      from information_schema.TABLE_CONSTRAINTS where TABLE_SCHEMA = ${schema} and TABLE_NAME = ${t.name}`.execute(
      db,
    )
    const usage = await sql<{
      name: string
      col: string
      reftable: string | null
      refcol: string | null
    }>`
      select CONSTRAINT_NAME as name, COLUMN_NAME as col, REFERENCED_TABLE_NAME as reftable, REFERENCED_COLUMN_NAME as refcol
      from information_schema.KEY_COLUMN_USAGE where TABLE_SCHEMA = ${schema} and TABLE_NAME = ${t.name}
      order by CONSTRAINT_NAME, ORDINAL_POSITION`.execute(db)
    const rules = await sql<{ name: string; del: string; upd: string }>`
      select CONSTRAINT_NAME as name, DELETE_RULE as del, UPDATE_RULE as upd
      from information_schema.REFERENTIAL_CONSTRAINTS where CONSTRAINT_SCHEMA = ${schema} and TABLE_NAME = ${t.name}`.execute(
      db,
    )
    const checks = await sql<{
      name: string
      clause: string
    }>`select CONSTRAINT_NAME as name, CHECK_CLAUSE as clause
      from information_schema.CHECK_CONSTRAINTS where CONSTRAINT_SCHEMA = ${schema} and TABLE_NAME = ${t.name}`.execute(
      db,
    )
    const stats = await sql<{ name: string; nonUnique: number; col: string | null }>`
      select INDEX_NAME as name, NON_UNIQUE as nonUnique, COLUMN_NAME as col
      from information_schema.STATISTICS where TABLE_SCHEMA = ${schema} and TABLE_NAME = ${t.name}
      order by INDEX_NAME, SEQ_IN_INDEX`.execute(db)
    const colsOf = (name: string) => usage.rows.filter((u) => u.name === name).map((u) => u.col)
    const uniqueNames = new Set(cons.rows.filter((k) => k.type === 'UNIQUE').map((k) => k.name))
    const indexNames = [...new Set(stats.rows.map((s) => s.name))].filter(
      (n) => n !== 'PRIMARY' && !uniqueNames.has(n),
    )
    out[t.name] = {
      columns: cols.rows.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        nullable: c.nullable === 'YES',
        default: c.dflt,
        comment: c.comment === '' ? null : c.comment,
        generated: /auto_increment/i.test(c.extra),
      })),
      primaryKey: cons.rows.some((k) => k.type === 'PRIMARY KEY')
        ? { name: 'PRIMARY', columns: colsOf('PRIMARY') }
        : null,
      unique: [...uniqueNames].map((name) => ({ name, columns: colsOf(name) })).sort(byColumns),
      foreignKeys: cons.rows
        .filter((k) => k.type === 'FOREIGN KEY')
        .map((k) => {
          const u = usage.rows.filter((r) => r.name === k.name)
          const rule = rules.rows.find((r) => r.name === k.name)!
          return {
            name: k.name,
            columns: u.map((r) => r.col),
            table: u[0]!.reftable!,
            referencedColumns: u.map((r) => r.refcol!),
            onDelete: action(rule.del),
            onUpdate: action(rule.upd),
          }
        })
        .sort(byColumns),
      checks: checks.rows.map((c) => ({ name: c.name, expression: c.clause })).sort(byName),
      indexes: indexNames
        .map((name) => {
          const rows = stats.rows.filter((s) => s.name === name)
          return {
            name,
            columns: rows.map((r) => r.col ?? '<expression>'),
            unique: Number(rows[0]!.nonUnique) === 0,
            partial: false,
          }
        })
        .sort(byName),
      comment: t.comment === '' ? null : t.comment,
    }
  }
  return out
}

/** Everything the schema (PostgreSQL schema, MariaDB database, SQLite file) holds. */
export function readCatalog(
  dialect: TestDialect,
  db: Kysely<any>,
  namespace: string,
): Promise<Catalog> {
  switch (dialect) {
    case 'sqlite':
      return sqliteCatalog(db)
    case 'postgres':
      return postgresCatalog(db, namespace)
    case 'mysql':
      return mysqlCatalog(db, namespace)
  }
}
