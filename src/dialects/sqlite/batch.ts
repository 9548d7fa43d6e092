import { sql, type Expression } from 'kysely'
import { RetortError } from '../../errors.js'
import type { BatchOptions } from '../../ops/definitions.js'
import {
  createIndex,
  createTableBuilder,
  qualify,
  runTableOperation,
  schemaModule,
} from '../../ops/ddl.js'
import type { TableOperation } from '../../ops/operation.js'
import type { OpsRuntime } from '../dialect.js'
import { childKeys, readSequence, reflect, type ChildKey } from './batch-catalog.js'
import {
  applyOps,
  cloneModel,
  modelFromDescription,
  planRenames,
  renameInModel,
  runsInPlace,
  type TableModel,
} from './batch-model.js'

/*
 * SQLite batch mode (SQLite 3.4x as shipped in better-sqlite3 12).
 *
 * SQLite's ALTER TABLE renames and adds columns, little else. A batch that
 * needs more rebuilds the table:
 *
 *   SAVEPOINT; column renames as native RENAME COLUMN (SQLite then rewrites
 *   every index, CHECK, trigger, view and foreign key of other tables that
 *   names the column); copy the rows out to a holding table; DROP the table;
 *   CREATE it again, new shape, same name; copy the rows back; drop the
 *   holding table; recreate indexes and triggers; PRAGMA foreign_key_check;
 *   RELEASE.
 *
 * Why copy out and back rather than SQLite's create-new/copy/drop/rename:
 * PRAGMA foreign_keys cannot change inside a transaction, and with
 * enforcement on, DROP TABLE deletes the rows first. Under
 * defer_foreign_keys each orphaned child row counts one deferred violation;
 * rows inserted under the *same name* cancel those counts, a renamed table
 * does not, so the rename recipe fails at COMMIT. ON DELETE CASCADE / SET
 * NULL / SET DEFAULT actions of other tables still fire on that DROP: when
 * enforcement is on and cannot be switched off (inside a transaction) and
 * such a child has rows, the batch refuses before changing anything.
 * Outside a transaction enforcement is switched off for the batch, as
 * SQLite's own procedure does.
 */

const holdingTable = (table: string): string => `_retort_batch_${table}`

/** The move-and-copy itself, on the model's final shape. */
async function rebuild(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
  model: TableModel,
): Promise<void> {
  const hold = holdingTable(table)
  const s = schemaModule(rt, schema)
  await s
    .createTable(hold)
    .as(rt.db.selectFrom(qualify(table, schema)).selectAll())
    .execute()
  await s.dropTable(table).execute()
  let create = createTableBuilder(
    rt,
    table,
    model.columns.map((c) => c.def),
    {
      ...(schema ? { schema } : {}),
      ...(model.primaryKey ? { primaryKey: model.primaryKey } : {}),
      unique: model.unique,
      foreignKeys: model.foreignKeys,
      checks: model.checks,
    },
  )
  if (model.options) create = create.modifyEnd(sql.raw(model.options))
  await create.execute()
  const copied = model.columns.filter((c) => c.source !== undefined)
  if (copied.length) {
    const select = rt.db
      .selectFrom(qualify(hold, schema))
      .select(copied.map((c) => (c.using ? sql`${c.using}` : sql.ref(c.source!)).as(c.def.name)))
    await rt.db
      .insertInto(qualify(table, schema))
      .columns(copied.map((c) => c.def.name))
      .expression(select)
      .execute()
  }
  await s.dropTable(hold).execute()
  for (const ix of model.indexes) {
    if (ix.kind === 'stored') await sql.raw(ix.sql).execute(rt.db)
    else await createIndex(rt, { kind: 'createIndex', table, schema, index: ix.index })
  }
  for (const trigger of model.triggers) await sql.raw(trigger).execute(rt.db)
}

async function pragmaFlag(
  rt: OpsRuntime,
  name: 'foreign_keys' | 'defer_foreign_keys',
): Promise<boolean> {
  const result = await sql<Record<string, number>>`pragma ${sql.raw(name)}`.execute(rt.db)
  return Number(Object.values(result.rows[0] ?? {})[0] ?? 0) === 1
}

async function setPragma(
  rt: OpsRuntime,
  name: 'foreign_keys' | 'defer_foreign_keys',
  on: boolean,
): Promise<void> {
  await sql`pragma ${sql.raw(name)} = ${sql.raw(on ? 'on' : 'off')}`.execute(rt.db)
}

/**
 * With enforcement on inside a transaction, dropping the table would run the
 * ON DELETE actions of other tables' rows that point at it: refuse first.
 */
async function refuseDestructiveChildren(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
): Promise<void> {
  const keys = await childKeys(rt, table, schema)
  const destructive = keys.filter((k) =>
    ['CASCADE', 'SET NULL', 'SET DEFAULT'].includes(k.onDelete.toUpperCase()),
  )
  const groups = new Map<string, ChildKey[]>()
  for (const k of destructive)
    groups.set(`${k.child}\u0000${k.id}`, [...(groups.get(`${k.child}\u0000${k.id}`) ?? []), k])
  for (const group of groups.values()) {
    const { child, onDelete } = group[0]!
    const hit = await rt.db
      .selectFrom(qualify(child, schema))
      .select(sql`1`.as('hit'))
      .where((eb) => eb.and(group.map((k) => eb(k.from, 'is not', null))))
      .limit(1)
      .executeTakeFirst()
    if (hit) {
      throw new RetortError(
        `batchAlterTable('${table}') must drop and recreate '${table}', and rows of '${child}' point at it ` +
          `with ON DELETE ${onDelete.toUpperCase()}, which SQLite would carry out; foreign key enforcement cannot ` +
          `be switched off inside a transaction. Run this migration with PRAGMA foreign_keys = OFF set before ` +
          `its transaction begins. Nothing was changed.`,
      )
    }
  }
}

/** PRAGMA foreign_key_check on the table and on the tables pointing at it. */
async function checkForeignKeys(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
): Promise<void> {
  const tables = [table, ...new Set((await childKeys(rt, table, schema)).map((k) => k.child))]
  for (const t of tables) {
    const result = await sql<{
      table: string
      rowid: number | null
      parent: string
    }>`select * from pragma_foreign_key_check(${t}, ${schema ?? 'main'})`.execute(rt.db)
    const first = result.rows[0]
    if (first) {
      throw new RetortError(
        `batchAlterTable('${table}'): after the rebuild ${result.rows.length} row(s) of '${first.table}' ` +
          `point at missing rows of '${first.parent}' (first: rowid ${first.rowid}); nothing was changed`,
      )
    }
  }
}

async function inSavepoint(rt: OpsRuntime, body: () => Promise<void>): Promise<void> {
  await sql`savepoint retort_batch`.execute(rt.db)
  try {
    await body()
  } catch (error) {
    if (!rt.offline) {
      await sql`rollback to retort_batch`.execute(rt.db)
      await sql`release retort_batch`.execute(rt.db)
    }
    throw error
  }
  await sql`release retort_batch`.execute(rt.db)
}

async function restoreSequence(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
  seq: number,
): Promise<void> {
  const sequences = sql.table(qualify('sqlite_sequence', schema))
  await sql`update ${sequences} set seq = ${seq} where name = ${table} and seq < ${seq}`.execute(
    rt.db,
  )
  await sql`insert into ${sequences} (name, seq) select ${table}, ${seq}
    where not exists (select 1 from ${sequences} where name = ${table})`.execute(rt.db)
}

/** SQL text of an expression as this run compiles it (for the model's column mentions). */
const expressionText =
  (rt: OpsRuntime) =>
  (e: Expression<unknown>): string =>
    sql`${e}`.compile(rt.db).sql

/** batchAlterTable on SQLite: in place when SQLite's ALTER can, otherwise move and copy. */
export async function sqliteBatch(
  rt: OpsRuntime,
  table: string,
  ops: readonly TableOperation[],
  options: BatchOptions,
): Promise<void> {
  const schema = options.schema
  if (ops.length === 0) return
  if (ops.every(runsInPlace)) {
    // Check column names first where they can be known; SQLite's own errors would say less.
    const names = options.table
      ? options.table.columns.map((c) => c.name)
      : rt.offline
        ? undefined
        : (
            await sql<{
              name: string
            }>`select name from pragma_table_xinfo(${table}, ${schema ?? 'main'})`.execute(rt.db)
          ).rows.map((r) => r.name)
    if (names?.length === 0)
      throw new RetortError(`batchAlterTable('${table}'): there is no table '${table}'`)
    if (names) planRenames(table, names, ops)
    await inSavepoint(rt, async () => {
      for (const op of ops) await runTableOperation(rt, op)
    })
    return
  }
  if (!options.table && rt.offline) {
    throw new RetortError(
      `batchAlterTable('${table}') rebuilds the table on SQLite, which needs its current definition, and in ` +
        `--sql mode the database cannot be read: pass { table: { columns: [...], primaryKey, unique, ` +
        `foreignKeys, checks, indexes } } describing '${table}' as it is now`,
    )
  }
  const described = options.table ? modelFromDescription(options.table) : undefined
  const before = described ?? (await reflect(rt, table, schema))
  const plan = planRenames(
    table,
    before.columns.map((c) => c.def.name),
    ops,
  )
  const renamed = cloneModel(before)
  for (const r of plan.renames) renameInModel(renamed, table, r.from, r.to, true)
  // Check the whole batch against the table before changing anything.
  let model = applyOps(expressionText(rt), table, renamed, ops, plan)

  const enforcing = !rt.offline && (await pragmaFlag(rt, 'foreign_keys'))
  let switchedOff = false
  if (enforcing) {
    await setPragma(rt, 'foreign_keys', false)
    // Inside a transaction SQLite ignores the change.
    switchedOff = !(await pragmaFlag(rt, 'foreign_keys'))
  }
  const stillEnforcing = enforcing && !switchedOff
  const deferWas = stillEnforcing ? await pragmaFlag(rt, 'defer_foreign_keys') : true
  try {
    if (stillEnforcing) await refuseDestructiveChildren(rt, table, schema)
    const sequence = rt.offline ? undefined : await readSequence(rt, table, schema, model)
    await inSavepoint(rt, async () => {
      if (rt.offline || !deferWas) await setPragma(rt, 'defer_foreign_keys', true)
      for (const r of plan.renames)
        await schemaModule(rt, schema).alterTable(table).renameColumn(r.from, r.to).execute()
      // SQLite rewrote the stored SQL that named renamed columns: read it again.
      if (!described && plan.renames.length)
        model = applyOps(expressionText(rt), table, await reflect(rt, table, schema), ops, plan)
      await rebuild(rt, table, schema, model)
      if (sequence !== undefined) await restoreSequence(rt, table, schema, sequence)
      if (enforcing) await checkForeignKeys(rt, table, schema)
    })
  } finally {
    if (!deferWas) await setPragma(rt, 'defer_foreign_keys', false)
    if (switchedOff) await setPragma(rt, 'foreign_keys', true)
  }
}
