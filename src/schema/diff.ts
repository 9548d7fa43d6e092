/**
 * The difference between two schema models as a list of changes, in an
 * order the database accepts, each with its inverse (shared/spec/schema.md).
 * Pure: no Kysely, no node:*, so it is tested on plain models.
 */
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

/** What an alterColumn change touches; one change per attribute. */
export type ColumnAttribute = 'type' | 'nullable' | 'default' | 'comment' | 'autoIncrement'

/**
 * One change, enough to write one `op` call and its inverse. Tables carry
 * their whole model (minus indexes, which are changes of their own, and minus
 * foreign keys split out to break a cycle).
 */
export type SchemaChange =
  | { readonly kind: 'addTable'; readonly table: TableModel }
  | { readonly kind: 'dropTable'; readonly table: TableModel }
  | { readonly kind: 'addColumn'; readonly table: string; readonly column: ColumnModel }
  | { readonly kind: 'dropColumn'; readonly table: string; readonly column: ColumnModel }
  | {
      readonly kind: 'alterColumn'
      readonly table: string
      readonly attribute: ColumnAttribute
      /** The column before and after this one change. */
      readonly from: ColumnModel
      readonly to: ColumnModel
      /**
       * Auto-increment turned off only while the key under the column is
       * replaced, and on again after ({@link DiffOptions.autoIncrementNeedsKey}).
       */
      readonly whileKeyChanges?: boolean
    }
  | {
      readonly kind: 'tableComment'
      readonly table: string
      readonly from: string | null
      readonly to: string | null
    }
  | { readonly kind: 'addPrimaryKey'; readonly table: string; readonly primaryKey: PrimaryKeyModel }
  | {
      readonly kind: 'dropPrimaryKey'
      readonly table: string
      readonly primaryKey: PrimaryKeyModel
    }
  | { readonly kind: 'addUnique'; readonly table: string; readonly unique: UniqueModel }
  | { readonly kind: 'dropUnique'; readonly table: string; readonly unique: UniqueModel }
  | { readonly kind: 'addForeignKey'; readonly table: string; readonly foreignKey: ForeignKeyModel }
  | {
      readonly kind: 'dropForeignKey'
      readonly table: string
      readonly foreignKey: ForeignKeyModel
    }
  | { readonly kind: 'addCheck'; readonly table: string; readonly check: CheckModel }
  | { readonly kind: 'dropCheck'; readonly table: string; readonly check: CheckModel }
  | { readonly kind: 'addIndex'; readonly table: string; readonly index: IndexModel }
  | { readonly kind: 'dropIndex'; readonly table: string; readonly index: IndexModel }

/** Options of {@link diffSchemas}. */
export interface DiffOptions {
  /**
   * Which tables (and, with a column name, which columns) are compared;
   * default: all. Applied to both sides.
   */
  readonly include?: (table: string, column?: string) => boolean
  /**
   * Whether an auto-increment column must lead a key at every step (MariaDB):
   * when the only keys it leads are replaced, it is turned off before they
   * are dropped and on again after the new ones are added. Default: false
   * (the schemas' differences only, as `check` lists them).
   */
  readonly autoIncrementNeedsKey?: boolean
}

/** The table a change is about. */
export function changeTable(change: SchemaChange): string {
  return typeof change.table === 'string' ? change.table : change.table.name
}

/** The change that undoes `change`. */
export function invertChange(change: SchemaChange): SchemaChange {
  switch (change.kind) {
    case 'addTable':
      return { kind: 'dropTable', table: change.table }
    case 'dropTable':
      return { kind: 'addTable', table: change.table }
    case 'addColumn':
      return { ...change, kind: 'dropColumn' }
    case 'dropColumn':
      return { ...change, kind: 'addColumn' }
    case 'alterColumn':
      return { ...change, from: change.to, to: change.from }
    case 'tableComment':
      return { ...change, from: change.to, to: change.from }
    case 'addPrimaryKey':
      return { ...change, kind: 'dropPrimaryKey' }
    case 'dropPrimaryKey':
      return { ...change, kind: 'addPrimaryKey' }
    case 'addUnique':
      return { ...change, kind: 'dropUnique' }
    case 'dropUnique':
      return { ...change, kind: 'addUnique' }
    case 'addForeignKey':
      return { ...change, kind: 'dropForeignKey' }
    case 'dropForeignKey':
      return { ...change, kind: 'addForeignKey' }
    case 'addCheck':
      return { ...change, kind: 'dropCheck' }
    case 'dropCheck':
      return { ...change, kind: 'addCheck' }
    case 'addIndex':
      return { ...change, kind: 'dropIndex' }
    case 'dropIndex':
      return { ...change, kind: 'addIndex' }
  }
}

/** The downgrade of an upgrade: each change inverted, in reverse order. */
export function invertChanges(changes: readonly SchemaChange[]): SchemaChange[] {
  return changes.map(invertChange).reverse()
}

/**
 * The changes that turn `current` into `wanted`, ordered so that the
 * database accepts them one after the other:
 *
 * 1. foreign keys dropped (those of surviving tables, and those that tie
 *    dropped tables in a cycle);
 * 2. tables dropped, referencing tables before the tables they reference,
 *    then indexes, uniques, checks and keys of surviving tables (a dropped
 *    table may reference a key that goes);
 * 3. columns of surviving tables dropped, added and altered (auto-increment
 *    turned off before the keys of step 2, on at the end of step 4; with
 *    `autoIncrementNeedsKey`, also where it stays on but its keys are replaced);
 * 4. keys, uniques, checks and indexes of surviving tables added;
 * 5. tables added, referenced tables first (foreign keys inline), with
 *    their indexes;
 * 6. foreign keys added (of surviving tables, and those split out of a cycle
 *    of new tables).
 *
 * The downgrade is {@link invertChanges} of the result, which runs the same
 * steps backwards and is accepted for the same reasons. Names the database
 * made up (null) are never compared: such constraints match by content.
 */
export function diffSchemas(
  current: SchemaModel,
  wanted: SchemaModel,
  options: DiffOptions = {},
): SchemaChange[] {
  const keep = options.include ?? (() => true)
  const filterTable = (t: TableModel): TableModel =>
    options.include ? { ...t, columns: t.columns.filter((c) => keep(t.name, c.name)) } : t
  const have = new Map(
    current.tables.filter((t) => keep(t.name)).map((t) => [t.name, filterTable(t)]),
  )
  const want = new Map(
    wanted.tables.filter((t) => keep(t.name)).map((t) => [t.name, filterTable(t)]),
  )

  const dropFks: SchemaChange[] = []
  const dropOthers: SchemaChange[] = []
  const columns: SchemaChange[] = []
  const addOthers: SchemaChange[] = []
  const addFks: SchemaChange[] = []

  // Surviving tables, in name order.
  for (const name of [...want.keys()].sort()) {
    const before = have.get(name)
    const after = want.get(name)!
    if (!before) continue
    diffTable(
      before,
      after,
      { dropFks, dropOthers, columns, addOthers, addFks },
      options.autoIncrementNeedsKey ?? false,
    )
  }

  // Dropped tables: referencing first; foreign keys in a cycle dropped beforehand.
  const dropped = [...have.values()].filter((t) => !want.has(t.name))
  const dropOrder = orderByReferences(dropped)
  for (const { table, split } of dropOrder) {
    for (const fk of split)
      dropFks.push({ kind: 'dropForeignKey', table: table.name, foreignKey: fk })
  }
  const dropTables: SchemaChange[] = dropOrder
    .reverse()
    // The indexes go with the table (its inverse creates them again).
    .map(({ table, split }) => ({ kind: 'dropTable', table: withoutForeignKeys(table, split) }))

  // Added tables: referenced first; foreign keys in a cycle added afterwards.
  const added = [...want.values()].filter((t) => !have.has(t.name))
  const addTables: SchemaChange[] = []
  for (const { table, split } of orderByReferences(added)) {
    addTables.push({
      kind: 'addTable',
      table: { ...withoutForeignKeys(table, split), indexes: [] },
    })
    for (const index of table.indexes)
      addTables.push({ kind: 'addIndex', table: table.name, index })
    for (const fk of split)
      addFks.push({ kind: 'addForeignKey', table: table.name, foreignKey: fk })
  }

  return [
    ...dropFks,
    ...dropTables,
    ...dropOthers,
    ...columns,
    ...addOthers,
    ...addTables,
    ...addFks,
  ]
}

interface Buckets {
  dropFks: SchemaChange[]
  dropOthers: SchemaChange[]
  columns: SchemaChange[]
  addOthers: SchemaChange[]
  addFks: SchemaChange[]
}

function diffTable(
  before: TableModel,
  after: TableModel,
  out: Buckets,
  autoIncrementNeedsKey: boolean,
): void {
  const table = after.name

  // Constraints and indexes first: what is dropped goes before the columns change.
  const fks = matchItems(before.foreignKeys, after.foreignKeys, fkKey)
  for (const fk of fks.dropped) out.dropFks.push({ kind: 'dropForeignKey', table, foreignKey: fk })
  for (const fk of fks.added) out.addFks.push({ kind: 'addForeignKey', table, foreignKey: fk })

  const indexes = matchItems(before.indexes, after.indexes, indexKey)
  const uniques = matchItems(before.uniques, after.uniques, uniqueKey)
  const checks = matchItems(before.checks, after.checks, checkKey)
  const pks = matchItems(
    before.primaryKey ? [before.primaryKey] : [],
    after.primaryKey ? [after.primaryKey] : [],
    pkKey,
  )
  // MariaDB: an AUTO_INCREMENT column must lead a key; these are the keys it leads that go.
  const going: readonly Key[] = [...pks.dropped, ...uniques.dropped, ...indexes.dropped]
  const kept = [
    ...(before.primaryKey ? [before.primaryKey] : []),
    ...before.uniques,
    ...before.indexes,
  ].filter((k) => !going.includes(k))
  const losesItsKey = (column: string): boolean =>
    going.some((k) => leadingColumn(k) === column) && !kept.some((k) => leadingColumn(k) === column)
  const columnChanges = after.columns.flatMap((column) => {
    const old = before.columns.find((c) => c.name === column.name)
    if (!old) return []
    const keyGoes =
      autoIncrementNeedsKey && old.autoIncrement && column.autoIncrement && losesItsKey(column.name)
    return diffColumn(table, old, column, keyGoes)
  })
  // Auto-increment goes off before keys are dropped and on after they are added:
  // MariaDB wants the column in a key, SQLite on the lone INTEGER PRIMARY KEY.
  const isAutoIncrementOff = (c: SchemaChange): boolean =>
    c.kind === 'alterColumn' && c.attribute === 'autoIncrement' && !c.to.autoIncrement
  const isAutoIncrementOn = (c: SchemaChange): boolean =>
    c.kind === 'alterColumn' && c.attribute === 'autoIncrement' && c.to.autoIncrement
  out.dropOthers.push(...columnChanges.filter(isAutoIncrementOff))
  for (const index of indexes.dropped) out.dropOthers.push({ kind: 'dropIndex', table, index })
  for (const unique of uniques.dropped) out.dropOthers.push({ kind: 'dropUnique', table, unique })
  for (const check of checks.dropped) out.dropOthers.push({ kind: 'dropCheck', table, check })
  for (const pk of pks.dropped)
    out.dropOthers.push({ kind: 'dropPrimaryKey', table, primaryKey: pk })

  if ((before.comment ?? null) !== (after.comment ?? null)) {
    out.columns.push({ kind: 'tableComment', table, from: before.comment, to: after.comment })
  }
  const wantedColumns = new Map(after.columns.map((c) => [c.name, c]))
  const haveColumns = new Map(before.columns.map((c) => [c.name, c]))
  for (const column of before.columns) {
    if (!wantedColumns.has(column.name)) out.columns.push({ kind: 'dropColumn', table, column })
  }
  for (const column of after.columns) {
    if (!haveColumns.has(column.name)) out.columns.push({ kind: 'addColumn', table, column })
  }
  out.columns.push(...columnChanges.filter((c) => !isAutoIncrementOff(c) && !isAutoIncrementOn(c)))

  for (const pk of pks.added) out.addOthers.push({ kind: 'addPrimaryKey', table, primaryKey: pk })
  for (const unique of uniques.added) out.addOthers.push({ kind: 'addUnique', table, unique })
  for (const check of checks.added) out.addOthers.push({ kind: 'addCheck', table, check })
  for (const index of indexes.added) out.addOthers.push({ kind: 'addIndex', table, index })
  out.addOthers.push(...columnChanges.filter(isAutoIncrementOn))
}

type Key = PrimaryKeyModel | UniqueModel | IndexModel

/** The first column of a key or index (none when it starts with an expression). */
function leadingColumn(key: Key): string | undefined {
  const first = key.columns[0]
  return typeof first === 'string' ? first : first && 'column' in first ? first.column : undefined
}

/**
 * One alterColumn change per attribute, each from the state the previous one
 * left; auto-increment is turned off first and on last (both, with
 * `keyGoes`, for a column that stays auto-increment while its key is replaced).
 */
function diffColumn(
  table: string,
  old: ColumnModel,
  wanted: ColumnModel,
  keyGoes = false,
): SchemaChange[] {
  const changes: SchemaChange[] = []
  let state = old
  const step = (attribute: ColumnAttribute, next: ColumnModel): void => {
    changes.push({
      kind: 'alterColumn',
      table,
      attribute,
      from: state,
      to: next,
      ...(keyGoes && attribute === 'autoIncrement' ? { whileKeyChanges: true } : {}),
    })
    state = next
  }
  if (old.autoIncrement && (!wanted.autoIncrement || keyGoes))
    step('autoIncrement', { ...state, autoIncrement: false })
  if (!sameText(old.type, wanted.type)) step('type', { ...state, type: wanted.type })
  if (old.nullable !== wanted.nullable) step('nullable', { ...state, nullable: wanted.nullable })
  if (defaultMeaning(old.default) !== defaultMeaning(wanted.default))
    step('default', { ...state, default: wanted.default })
  if ((old.comment ?? null) !== (wanted.comment ?? null))
    step('comment', { ...state, comment: wanted.comment })
  if ((!old.autoIncrement || keyGoes) && wanted.autoIncrement)
    step('autoIncrement', { ...state, autoIncrement: true })
  return changes
}

const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/**
 * A default by meaning: a literal keeps no cast, so `'abc'::character varying`
 * (PostgreSQL keeps the old cast after a varchar -> text change) equals `'abc'::text`.
 */
export function defaultMeaning(text: string | null): string | null {
  if (text === null) return null
  const cast = /^('(?:[^']|'')*'|-?\d+(?:\.\d+)?)(?:::[a-z ]+(?:\(\d+(?:,\s*\d+)?\))?)+$/i.exec(
    text.trim(),
  )
  return cast ? cast[1]! : text.trim()
}

interface Named {
  readonly name: string | null
}

/**
 * Pair the items of two lists: by name when both sides chose one (same name,
 * different content: dropped and added again), otherwise by content when
 * either name is the database's own (null).
 */
function matchItems<T extends Named>(
  before: readonly T[],
  after: readonly T[],
  key: (item: T) => string,
): { dropped: T[]; added: T[] } {
  const unmatched = new Set(before)
  const added: T[] = []
  const dropped: T[] = []
  for (const item of after) {
    const sameName =
      item.name === null ? undefined : [...unmatched].find((b) => b.name === item.name)
    if (sameName) {
      unmatched.delete(sameName)
      if (key(sameName) !== key(item)) {
        dropped.push(sameName)
        added.push(item)
      }
      continue
    }
    const sameContent = [...unmatched].find(
      (b) => (b.name === null || item.name === null) && key(b) === key(item),
    )
    if (sameContent) unmatched.delete(sameContent)
    else added.push(item)
  }
  return { dropped: [...before.filter((b) => unmatched.has(b)), ...dropped], added }
}

const list = (values: readonly string[]): string => values.join('\u0000')

const pkKey = (pk: PrimaryKeyModel): string => list(pk.columns)
const uniqueKey = (u: UniqueModel): string => list(u.columns)
const checkKey = (c: CheckModel): string => c.expression
const fkKey = (fk: ForeignKeyModel): string =>
  [list(fk.columns), fk.referencedTable, list(fk.referencedColumns), fk.onDelete, fk.onUpdate].join(
    '\u0001',
  )
const indexKey = (ix: IndexModel): string =>
  [
    ix.unique ? 'unique' : '',
    ix.where ?? '',
    ...ix.columns.map((p) =>
      'column' in p ? `${p.column}${p.descending ? ' desc' : ''}` : `(${p.expression})`,
    ),
  ].join('\u0001')

function withoutForeignKeys(table: TableModel, split: readonly ForeignKeyModel[]): TableModel {
  return split.length === 0
    ? table
    : { ...table, foreignKeys: table.foreignKeys.filter((fk) => !split.includes(fk)) }
}

/**
 * Tables in an order where each comes after the tables (of this list) its
 * foreign keys reference. Where references form a cycle, the foreign keys
 * that close it are split out (`split`) to be added after, or dropped
 * before, all the tables.
 */
function orderByReferences(
  tables: readonly TableModel[],
): { table: TableModel; split: ForeignKeyModel[] }[] {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const state = new Map<string, 'visiting' | 'done'>()
  const order: { table: TableModel; split: ForeignKeyModel[] }[] = []
  const visit = (table: TableModel): void => {
    state.set(table.name, 'visiting')
    const split: ForeignKeyModel[] = []
    for (const fk of table.foreignKeys) {
      const target = byName.get(fk.referencedTable)
      if (!target || target.name === table.name) continue
      const seen = state.get(target.name)
      if (seen === 'visiting') split.push(fk)
      else if (seen === undefined) visit(target)
    }
    state.set(table.name, 'done')
    order.push({ table, split })
  }
  for (const table of [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    if (!state.has(table.name)) visit(table)
  return order
}
