import { sql } from 'kysely'
import { RetortError } from '../../errors.js'
import { qualify, verbatimDefault, type StoredForeignKey } from '../../ops/ddl.js'
import type { OpsRuntime } from '../dialect.js'
import type { TableModel } from './batch-model.js'
import { parseCreateTable, type ParsedForeignKey } from './parser.js'

// SQLite batch mode, the catalog side: what the rebuild reads from the
// database (the table's definition, the foreign keys pointing at it, its
// AUTOINCREMENT counter).

function storedForeignKey(
  fk: ParsedForeignKey,
  referencedColumns: readonly string[],
): StoredForeignKey {
  return {
    ...(fk.name === undefined ? {} : { name: fk.name }),
    columns: fk.columns,
    references: { table: fk.table, columns: referencedColumns },
    ...(fk.onDelete ? { onDelete: fk.onDelete } : {}),
    ...(fk.onUpdate ? { onUpdate: fk.onUpdate } : {}),
    ...(fk.initiallyDeferred ? { initiallyDeferred: true } : {}),
  }
}

/** Read the table back from sqlite_master: CREATE TABLE text, indexes, triggers. */
export async function reflect(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
): Promise<TableModel> {
  const master = qualify('sqlite_master', schema)
  const row = await rt.db
    .selectFrom(master)
    .select('sql')
    .where('type', '=', 'table')
    .where(sql`lower(name)`, '=', table.toLowerCase())
    .executeTakeFirst()
  if (!row) throw new RetortError(`batchAlterTable('${table}'): there is no table '${table}'`)
  const parsed = parseCreateTable(String(row.sql))
  const pragma = await sql<{
    name: string
  }>`select name from pragma_table_xinfo(${table}, ${schema ?? 'main'})`.execute(rt.db)
  const names = pragma.rows.map((r) => r.name.toLowerCase()).join()
  if (names !== parsed.columns.map((c) => c.name.toLowerCase()).join()) {
    throw new RetortError(
      `batchAlterTable('${table}'): could not read the table's definition; describe it with { table }`,
    )
  }
  const referenced = async (fk: ParsedForeignKey): Promise<readonly string[]> => {
    if (fk.referencedColumns.length) return fk.referencedColumns
    // REFERENCES parent without columns means the parent's primary key.
    const pk = await sql<{
      name: string
    }>`select name from pragma_table_info(${fk.table}, ${schema ?? 'main'}) where pk > 0 order by pk`.execute(
      rt.db,
    )
    return pk.rows.map((r) => r.name)
  }
  const model: TableModel = {
    columns: [],
    primaryKey: undefined,
    unique: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
    triggers: [],
    options: parsed.options,
  }
  for (const c of parsed.columns) {
    if (c.generated)
      throw new RetortError(
        `batchAlterTable('${table}'): batch mode cannot rebuild generated column '${c.name}'`,
      )
    const type = c.collate ? `${c.type} collate ${c.collate}` : c.type
    model.columns.push({
      def: {
        name: c.name,
        type: sql.raw(type),
        nullable: !c.notNull,
        ...(c.default === undefined ? {} : { default: verbatimDefault(c.default) }),
        ...(c.primaryKey?.autoIncrement ? { autoIncrement: true } : {}),
      },
      source: c.name,
    })
    if (c.primaryKey)
      model.primaryKey = {
        ...(c.primaryKey.name ? { name: c.primaryKey.name } : {}),
        columns: [c.name],
      }
    if (c.unique) model.unique.push({ ...c.unique, columns: [c.name] })
    for (const ck of c.checks)
      model.checks.push({ ...(ck.name ? { name: ck.name } : {}), expression: sql.raw(ck.text) })
    if (c.references)
      model.foreignKeys.push(storedForeignKey(c.references, await referenced(c.references)))
  }
  for (const k of parsed.constraints) {
    if (k.kind === 'primaryKey')
      model.primaryKey = { ...(k.name ? { name: k.name } : {}), columns: k.columns }
    if (k.kind === 'unique')
      model.unique.push({ ...(k.name ? { name: k.name } : {}), columns: k.columns })
    if (k.kind === 'check')
      model.checks.push({ ...(k.name ? { name: k.name } : {}), expression: sql.raw(k.text) })
    if (k.kind === 'foreignKey') model.foreignKeys.push(storedForeignKey(k, await referenced(k)))
  }
  // A lone INTEGER PRIMARY KEY is the rowid, never NULL (as the catalog reader has it):
  // it stays NOT NULL when a batch drops the key.
  const pk = model.primaryKey?.columns.length === 1 ? model.primaryKey.columns[0]! : undefined
  const rowid = parsed.columns.find(
    (c) => pk !== undefined && c.name.toLowerCase() === pk.toLowerCase(),
  )
  if (rowid && /^integer$/i.test(rowid.type) && !/\bwithout\s+rowid\b/i.test(parsed.options)) {
    const column = model.columns.find((c) => c.source === rowid.name)!
    column.def = { ...column.def, nullable: false }
  }
  const others = await rt.db
    .selectFrom(master)
    .select(['type', 'name', 'sql'])
    .where(sql`lower(tbl_name)`, '=', table.toLowerCase())
    .where('type', 'in', ['index', 'trigger'])
    .where('sql', 'is not', null)
    .execute()
  for (const o of others) {
    if (o.type === 'index')
      model.indexes.push({ kind: 'stored', name: String(o.name), sql: String(o.sql) })
    else model.triggers.push(String(o.sql))
  }
  return model
}

export interface ChildKey {
  readonly child: string
  readonly id: number
  readonly from: string
  readonly onDelete: string
}

/** Foreign keys of other tables that point at `table`. */
export async function childKeys(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
): Promise<ChildKey[]> {
  const result =
    await sql<ChildKey>`select m.name as child, f.id as id, f."from" as "from", f.on_delete as "onDelete"
    from ${sql.table(qualify('sqlite_master', schema))} m join pragma_foreign_key_list(m.name, ${schema ?? 'main'}) f
    where m.type = 'table' and lower(f."table") = ${table.toLowerCase()} and lower(m.name) <> ${table.toLowerCase()}
    order by m.name, f.id, f.seq`.execute(rt.db)
  return result.rows
}

/** The table's AUTOINCREMENT high-water mark, which the rebuild must not lower. */
export async function readSequence(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
  model: TableModel,
): Promise<number | undefined> {
  if (!model.columns.some((c) => c.def.autoIncrement)) return undefined
  const hasSequences = await rt.db
    .selectFrom(qualify('sqlite_master', schema))
    .select('name')
    .where('name', '=', 'sqlite_sequence')
    .executeTakeFirst()
  if (!hasSequences) return undefined
  const row = await rt.db
    .selectFrom(qualify('sqlite_sequence', schema))
    .select('seq')
    .where(sql`lower(name)`, '=', table.toLowerCase())
    .executeTakeFirst()
  return row ? Number(row.seq) : undefined
}
