import { sql, type Expression } from 'kysely'
import { RetortError } from '../../errors.js'
import type {
  BatchOptions,
  CheckDefinition,
  ColumnDefinition,
  IndexDefinition,
  PrimaryKeyDefinition,
  TableDescription,
  UniqueDefinition,
} from '../../ops/definitions.js'
import {
  createIndex,
  createTableBuilder,
  qualify,
  runTableOperation,
  schemaModule,
  verbatimDefault,
  type StoredForeignKey,
} from '../../ops/ddl.js'
import {
  describeOperation,
  unhandledOperation,
  type TableOperation,
} from '../../ops/operation.js'
import type { OpsRuntime } from '../dialect.js'
import { identifiersIn, parseCreateTable, type ParsedForeignKey } from './parser.js'

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

/** A column of the table being rebuilt. */
interface ModelColumn {
  def: ColumnDefinition
  /** The column of the holding table that feeds it; undefined for a new column. */
  source: string | undefined
  using?: Expression<unknown>
}

type ModelIndex =
  | { readonly kind: 'defined'; readonly index: IndexDefinition }
  | { readonly kind: 'stored'; readonly name: string; readonly sql: string }

/** The table's shape, changed step by step by the batch's operations. */
interface TableModel {
  columns: ModelColumn[]
  primaryKey: PrimaryKeyDefinition | undefined
  unique: UniqueDefinition[]
  foreignKeys: StoredForeignKey[]
  checks: CheckDefinition[]
  indexes: ModelIndex[]
  triggers: string[]
  options: string
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
const bareColumn = (c: string): string => c.replace(/\s+(asc|desc)$/i, '')
const holdingTable = (table: string): string => `_retort_batch_${table}`

/** Whether a batch operation can run as SQLite's own ALTER without rebuilding. */
function runsInPlace(op: TableOperation): boolean {
  switch (op.kind) {
    case 'addColumn': {
      const c = op.column
      const constantDefault =
        c.default === undefined || typeof c.default !== 'object' || c.default === null
      return (
        !c.primaryKey &&
        !c.unique &&
        constantDefault &&
        !(c.nullable === false && c.default === undefined)
      )
    }
    case 'alterColumn': {
      const ch = op.changes
      return ch.type === undefined && ch.nullable === undefined && ch.default === undefined
    }
    case 'createIndex':
    case 'dropIndex':
      return true
    case 'dropColumn':
    case 'createPrimaryKey':
    case 'createUniqueConstraint':
    case 'createForeignKey':
    case 'createCheckConstraint':
    case 'dropConstraint':
      return false
    default:
      return unhandledOperation(op)
  }
}

function withoutConstraints(c: ColumnDefinition): ColumnDefinition {
  return {
    name: c.name,
    type: c.type,
    ...(c.nullable === undefined ? {} : { nullable: c.nullable }),
    ...(c.default === undefined ? {} : { default: c.default }),
    ...(c.autoIncrement ? { autoIncrement: true } : {}),
  }
}

/** Add a column and the constraints written on it. */
function addColumnTo(
  model: TableModel,
  column: ColumnDefinition,
  source: string | undefined,
): void {
  model.columns.push({
    def: withoutConstraints(
      column.primaryKey && column.nullable === undefined ? { ...column, nullable: false } : column,
    ),
    source,
  })
  if (column.primaryKey) {
    if (model.primaryKey)
      throw new RetortError(`column '${column.name}' would be a second primary key`)
    model.primaryKey = { columns: [column.name] }
  }
  if (column.unique) model.unique.push({ columns: [column.name] })
  const ref = column.references
  if (ref) {
    model.foreignKeys.push({
      columns: [column.name],
      references: { table: ref.table, columns: [ref.column] },
      ...(ref.onDelete ? { onDelete: ref.onDelete } : {}),
      ...(ref.onUpdate ? { onUpdate: ref.onUpdate } : {}),
    })
  }
  if (column.check) model.checks.push({ expression: column.check })
}

function modelFromDescription(description: TableDescription): TableModel {
  const model: TableModel = {
    columns: [],
    primaryKey: description.primaryKey,
    unique: [...(description.unique ?? [])],
    foreignKeys: [...(description.foreignKeys ?? [])],
    checks: [...(description.checks ?? [])],
    indexes: (description.indexes ?? []).map((index) => ({ kind: 'defined', index })),
    triggers: [],
    options: '',
  }
  const inPk = new Set(description.primaryKey?.columns.map((c) => c.toLowerCase()) ?? [])
  for (const c of description.columns) {
    const pk =
      inPk.has(c.name.toLowerCase()) && c.nullable === undefined ? { ...c, nullable: false } : c
    addColumnTo(model, pk, c.name)
  }
  return model
}

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
async function reflect(
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

/** A column as the batch's operations see it over time. */
interface Slot {
  /** Its name in the table before the batch; undefined when the batch adds it. */
  readonly origin: string | undefined
  name: string
  dropped: boolean
  /** Its name in the database once the native renames have run. */
  nativeName: string
}

/** A column mentioned by an operation: the slot, and its name at that point. */
interface Mention {
  readonly slot: Slot
  readonly name: string
}

interface RenamePlan {
  /** RENAME COLUMN statements, in order. */
  readonly renames: readonly { readonly from: string; readonly to: string }[]
  /** For each operation, the columns it names, in order of appearance. */
  readonly mentions: readonly (readonly Mention[])[]
}

/** Columns an operation names directly (not inside expressions). */
function namedColumns(op: TableOperation): string[] {
  switch (op.kind) {
    case 'dropColumn':
    case 'alterColumn':
      return [op.column]
    case 'createPrimaryKey':
    case 'createUniqueConstraint':
    case 'createForeignKey':
      return [...op.columns]
    case 'createIndex':
      return op.index.columns.filter((c): c is string => typeof c === 'string').map(bareColumn)
    // addColumn names a new column; the rest name constraints, indexes or expressions.
    case 'addColumn':
    case 'createCheckConstraint':
    case 'dropConstraint':
    case 'dropIndex':
      return []
    default:
      return unhandledOperation(op)
  }
}

/**
 * Follow the batch's column names in order, checking each operation names
 * columns that exist at its point, and plan the native renames: each rename
 * of a column that exists before the batch and survives it, in order, after
 * moving aside any column to be dropped whose name a rename takes over.
 */
function planRenames(
  table: string,
  before: readonly string[],
  ops: readonly TableOperation[],
): RenamePlan {
  const slots: Slot[] = before.map((name) => ({
    origin: name,
    name,
    dropped: false,
    nativeName: name,
  }))
  const live = (name: string) => slots.find((s) => !s.dropped && same(s.name, name))
  const mentions: Mention[][] = []
  const renameOps: { slot: Slot; to: string }[] = []
  for (const op of ops) {
    const found: Mention[] = []
    for (const name of namedColumns(op)) {
      const slot = live(name)
      if (!slot)
        throw new RetortError(
          `${describeOperation(op)}: table '${table}' has no column '${name}' at this point of the batch`,
        )
      found.push({ slot, name: slot.name })
    }
    mentions.push(found)
    if (op.kind === 'addColumn') {
      if (live(op.column.name))
        throw new RetortError(
          `${describeOperation(op)}: table '${table}' already has a column '${op.column.name}'`,
        )
      slots.push({
        origin: undefined,
        name: op.column.name,
        dropped: false,
        nativeName: op.column.name,
      })
    }
    if (op.kind === 'dropColumn') found[0]!.slot.dropped = true
    if (
      op.kind === 'alterColumn' &&
      op.changes.newName !== undefined &&
      op.changes.newName !== found[0]!.slot.name
    ) {
      const taken = live(op.changes.newName)
      if (taken && taken !== found[0]!.slot) {
        throw new RetortError(
          `${describeOperation(op)}: table '${table}' already has a column '${op.changes.newName}'`,
        )
      }
      const slot = found[0]!.slot
      slot.name = op.changes.newName
      renameOps.push({ slot, to: op.changes.newName })
    }
  }
  const renames: { from: string; to: string }[] = []
  let aside = 0
  for (const { slot, to } of renameOps) {
    if (slot.origin === undefined || slot.dropped) continue
    // Only a column dropped by the batch can still hold the name natively.
    const occupant = slots.find(
      (s) => s !== slot && s.origin !== undefined && s.dropped && same(s.nativeName, to),
    )
    if (occupant) {
      const temp = `_retort_dropped_${++aside}`
      renames.push({ from: occupant.nativeName, to: temp })
      occupant.nativeName = temp
    }
    renames.push({ from: slot.nativeName, to })
    slot.nativeName = to
  }
  return { renames, mentions }
}

function cloneModel(m: TableModel): TableModel {
  return {
    ...m,
    columns: m.columns.map((c) => ({ ...c })),
    unique: [...m.unique],
    foreignKeys: [...m.foreignKeys],
    checks: [...m.checks],
    indexes: [...m.indexes],
    triggers: [...m.triggers],
  }
}

/** Rename a column everywhere the model names it by name (not inside SQL text). */
function renameInModel(
  model: TableModel,
  table: string,
  from: string,
  to: string,
  sources: boolean,
): void {
  const swap = (c: string) => (same(c, from) ? to : c)
  const swapOrdered = (c: string) => {
    const bare = bareColumn(c)
    return same(bare, from) ? to + c.slice(bare.length) : c
  }
  for (const c of model.columns) {
    if (same(c.def.name, from)) c.def = { ...c.def, name: to }
    if (sources && c.source !== undefined && same(c.source, from)) c.source = to
  }
  if (model.primaryKey)
    model.primaryKey = { ...model.primaryKey, columns: model.primaryKey.columns.map(swap) }
  model.unique = model.unique.map((u) => ({ ...u, columns: u.columns.map(swap) }))
  model.foreignKeys = model.foreignKeys.map((fk) => ({
    ...fk,
    columns: fk.columns.map(swap),
    references: same(fk.references.table, table)
      ? { ...fk.references, columns: fk.references.columns.map(swap) }
      : fk.references,
  }))
  model.indexes = model.indexes.map((ix) =>
    ix.kind === 'defined'
      ? {
          kind: 'defined',
          index: {
            ...ix.index,
            columns: ix.index.columns.map((c) => (typeof c === 'string' ? swapOrdered(c) : c)),
          },
        }
      : ix,
  )
}

/** Apply the batch's operations to the model, in order, as SQLite's rebuild will realise them. */
function applyOps(
  rt: OpsRuntime,
  table: string,
  base: TableModel,
  ops: readonly TableOperation[],
  plan: RenamePlan,
): TableModel {
  const model = cloneModel(base)
  const textOf = (e: Expression<unknown>) => sql`${e}`.compile(rt.db).sql
  const mentions = (text: string, column: string) => identifiersIn(text).has(column.toLowerCase())
  const indexMentions = (ix: ModelIndex, column: string) =>
    ix.kind === 'stored'
      ? mentions(ix.sql.slice(ix.sql.indexOf('(')), column)
      : ix.index.columns.some((c) =>
          typeof c === 'string' ? same(bareColumn(c), column) : mentions(textOf(c), column),
        ) ||
        (ix.index.where !== undefined && mentions(textOf(ix.index.where), column))
  const column = (name: string) => model.columns.find((c) => same(c.def.name, name))!

  ops.forEach((op, i) => {
    const found = plan.mentions[i]!
    // A column that exists before the batch has its final name by now (renamed natively).
    const names = found.map((m) => (m.slot.origin === undefined ? m.name : m.slot.nativeName))
    const fail = (why: string): never => {
      throw new RetortError(`${describeOperation(op)}: ${why}`)
    }
    switch (op.kind) {
      case 'addColumn':
        if (op.column.primaryKey && model.primaryKey)
          fail(`table '${table}' already has a primary key`)
        addColumnTo(model, op.column, undefined)
        return
      case 'dropColumn': {
        // Like PostgreSQL: constraints and indexes over the column go with it.
        const name = names[0]!
        model.columns = model.columns.filter((c) => !same(c.def.name, name))
        if (model.primaryKey?.columns.some((c) => same(c, name))) model.primaryKey = undefined
        model.unique = model.unique.filter((u) => !u.columns.some((c) => same(c, name)))
        model.foreignKeys = model.foreignKeys.filter(
          (fk) =>
            !fk.columns.some((c) => same(c, name)) &&
            !(same(fk.references.table, table) && fk.references.columns.some((c) => same(c, name))),
        )
        model.checks = model.checks.filter((ck) => !mentions(textOf(ck.expression), name))
        model.indexes = model.indexes.filter((ix) => !indexMentions(ix, name))
        if (model.columns.length === 0) fail(`it would leave table '${table}' without columns`)
        return
      }
      case 'alterColumn': {
        const c = column(names[0]!)
        const ch = op.changes
        let def = c.def
        if (ch.type !== undefined) def = { ...def, type: ch.type }
        if (ch.nullable !== undefined) def = { ...def, nullable: ch.nullable }
        if (ch.default === null) {
          def = Object.fromEntries(
            Object.entries(def).filter(([key]) => key !== 'default'),
          ) as unknown as ColumnDefinition
        } else if (ch.default !== undefined) {
          def = { ...def, default: ch.default }
        }
        c.def = def
        if (ch.using && c.source !== undefined) c.using = ch.using
        if (ch.newName !== undefined && found[0]!.slot.origin === undefined) {
          renameInModel(model, table, names[0]!, ch.newName, false)
        }
        return
      }
      case 'createPrimaryKey':
        if (model.primaryKey) fail(`table '${table}' already has a primary key`)
        model.primaryKey = { name: op.name, columns: names }
        // As PostgreSQL does, primary key columns become NOT NULL.
        for (const n of names) column(n).def = { ...column(n).def, nullable: false }
        return
      case 'createUniqueConstraint':
        model.unique.push({ name: op.name, columns: names })
        return
      case 'createForeignKey':
        model.foreignKeys.push({
          name: op.name,
          columns: names,
          references: { table: op.referencedTable, columns: op.referencedColumns },
          ...(op.options.onDelete ? { onDelete: op.options.onDelete } : {}),
          ...(op.options.onUpdate ? { onUpdate: op.options.onUpdate } : {}),
        })
        return
      case 'createCheckConstraint':
        model.checks.push({ name: op.name, expression: op.expression })
        return
      case 'dropConstraint': {
        const is = (n: string | undefined) => n !== undefined && same(n, op.name)
        const kinds = op.type
        const count = () =>
          (model.primaryKey ? 1 : 0) +
          model.unique.length +
          model.foreignKeys.length +
          model.checks.length
        const before = count()
        if ((!kinds || kinds === 'primaryKey') && is(model.primaryKey?.name))
          model.primaryKey = undefined
        if (!kinds || kinds === 'unique') model.unique = model.unique.filter((u) => !is(u.name))
        if (!kinds || kinds === 'foreignKey')
          model.foreignKeys = model.foreignKeys.filter((fk) => !is(fk.name))
        if (!kinds || kinds === 'check') model.checks = model.checks.filter((ck) => !is(ck.name))
        const after = count()
        if (after === before) fail(`table '${table}' has no constraint named '${op.name}'`)
        return
      }
      case 'createIndex': {
        let k = 0
        const columns = op.index.columns.map((c) =>
          typeof c === 'string' ? names[k++]! + c.slice(bareColumn(c).length) : c,
        )
        model.indexes.push({ kind: 'defined', index: { ...op.index, columns } })
        return
      }
      case 'dropIndex': {
        const kept = model.indexes.filter(
          (ix) => !same(ix.kind === 'stored' ? ix.name : ix.index.name, op.name),
        )
        if (kept.length === model.indexes.length)
          fail(`table '${table}' has no index named '${op.name}'`)
        model.indexes = kept
        return
      }
      default:
        unhandledOperation(op)
    }
  })
  return model
}

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

interface ChildKey {
  readonly child: string
  readonly id: number
  readonly from: string
  readonly onDelete: string
}

/** Foreign keys of other tables that point at `table`. */
async function childKeys(
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

/** The table's AUTOINCREMENT high-water mark, which the rebuild must not lower. */
async function readSequence(
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
  let model = applyOps(rt, table, renamed, ops, plan)

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
        model = applyOps(rt, table, await reflect(rt, table, schema), ops, plan)
      await rebuild(rt, table, schema, model)
      if (sequence !== undefined) await restoreSequence(rt, table, schema, sequence)
      if (enforcing) await checkForeignKeys(rt, table, schema)
    })
  } finally {
    if (!deferWas) await setPragma(rt, 'defer_foreign_keys', false)
    if (switchedOff) await setPragma(rt, 'foreign_keys', true)
  }
}
