import type { Expression } from 'kysely'
import { RetortError } from '../../errors.js'
import type {
  CheckDefinition,
  ColumnDefinition,
  IndexDefinition,
  PrimaryKeyDefinition,
  TableDescription,
  UniqueDefinition,
} from '../../ops/definitions.js'
import type { StoredForeignKey } from '../../ops/ddl.js'
import { describeOperation, unhandledOperation, type TableOperation } from '../../ops/operation.js'
import { identifiersIn } from './parser.js'
import { impliedCheckName, impliedKeyName } from './implied-names.js'

// SQLite batch mode, the pure part: the table as a model, and the batch's
// operations applied to it in order. No database here: the catalog is read
// by batch-catalog.ts and the rebuild run by batch.ts.

/** A column of the table being rebuilt. */
export interface ModelColumn {
  def: ColumnDefinition
  /** The column of the holding table that feeds it; undefined for a new column. */
  source: string | undefined
  using?: Expression<unknown>
}

export type ModelIndex =
  | { readonly kind: 'defined'; readonly index: IndexDefinition }
  | { readonly kind: 'stored'; readonly name: string; readonly sql: string }

/** The table's shape, changed step by step by the batch's operations. */
export interface TableModel {
  columns: ModelColumn[]
  primaryKey: PrimaryKeyDefinition | undefined
  unique: UniqueDefinition[]
  foreignKeys: StoredForeignKey[]
  checks: CheckDefinition[]
  indexes: ModelIndex[]
  triggers: string[]
  options: string
}

export const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
export const bareColumn = (c: string): string => c.replace(/\s+(asc|desc)$/i, '')

/** Whether a batch operation can run as SQLite's own ALTER without rebuilding. */
export function runsInPlace(op: TableOperation): boolean {
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
      return (
        ch.type === undefined &&
        ch.nullable === undefined &&
        ch.default === undefined &&
        ch.autoIncrement === undefined
      )
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
export function addColumnTo(
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

export function modelFromDescription(description: TableDescription): TableModel {
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

export interface RenamePlan {
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
export function planRenames(
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

export function cloneModel(m: TableModel): TableModel {
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
export function renameInModel(
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
export function applyOps(
  textOf: (expression: Expression<unknown>) => string,
  table: string,
  base: TableModel,
  ops: readonly TableOperation[],
  plan: RenamePlan,
): TableModel {
  const model = cloneModel(base)
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
        if (ch.autoIncrement !== undefined) def = { ...def, autoIncrement: ch.autoIncrement }
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
        // An unnamed constraint answers to its implied name (implied-names.ts).
        const key = (
          k: { name?: string; columns: readonly string[] },
          kind: 'pkey' | 'key' | 'fkey',
        ) => is(k.name ?? impliedKeyName(table, kind, k.columns))
        const pk = model.primaryKey
        if ((!kinds || kinds === 'primaryKey') && pk && key(pk, 'pkey'))
          model.primaryKey = undefined
        if (!kinds || kinds === 'unique') model.unique = model.unique.filter((u) => !key(u, 'key'))
        if (!kinds || kinds === 'foreignKey')
          model.foreignKeys = model.foreignKeys.filter((fk) => !key(fk, 'fkey'))
        if (!kinds || kinds === 'check') {
          let unnamed = 0
          model.checks = model.checks.filter(
            (ck) => !is(ck.name ?? impliedCheckName(table, unnamed++)),
          )
        }
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
