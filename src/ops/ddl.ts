import {
  CompiledQuery,
  OperationNodeTransformer,
  ValueNode,
  isExpression,
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Expression,
  type OperationNode,
  type SchemaModule,
  type SqlBool,
} from 'kysely'
import { RetortError } from '../errors.js'
import { parseColumnType } from './column-type.js'
import type {
  ColumnDefinition,
  ColumnType,
  CreateTableOptions,
  DefaultValue,
  ForeignKeyDefinition,
  IndexDefinition,
} from './definitions.js'
import type { OpsRuntime } from '../dialects/dialect.js'
import {
  describeOperation,
  unhandledOperation,
  type OperationOf,
  type TableOperation,
} from './operation.js'

/** Turns bind parameters into literals: DDL (CHECK, DEFAULT, index WHERE) takes no parameters. */
class InlineValues extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return node.immediate ? node : ValueNode.createImmediate(node.value)
  }
}
const inliner = new InlineValues()

/** The same expression with every value rendered as an escaped literal. */
export function inlineValues<T>(expression: Expression<T>): Expression<T> {
  return {
    get expressionType() {
      return undefined
    },
    toOperationNode: (): OperationNode => inliner.transformNode(expression.toOperationNode()),
  }
}

/** The SQL type of a column: a portable name mapped for the dialect, a raw type, or an expression. */
export function typeExpression(
  rt: OpsRuntime,
  type: ColumnType,
  column?: Pick<ColumnDefinition, 'autoIncrement'>,
): Expression<unknown> {
  if (isExpression(type)) return type
  return sql.raw(rt.dialect.typeSql(parseColumnType(type), column))
}

const VERBATIM = Symbol('retort.verbatimDefault')

/** A default read back from the database, to be restated exactly as stored. */
export function verbatimDefault(text: string): Expression<unknown> {
  const raw = sql.raw(text)
  return {
    get expressionType() {
      return undefined
    },
    toOperationNode: () => raw.toOperationNode(),
    [VERBATIM]: true,
  } as Expression<unknown>
}

/** A column default: values become literals, expressions are parenthesised (SQLite requires it). */
export function defaultExpression(
  value: DefaultValue,
): Expression<unknown> | string | number | bigint | boolean | null | Date {
  if (!isExpression(value)) return value
  return VERBATIM in value ? value : sql`(${inlineValues(value)})`
}

/** The schema module, scoped to `schema` when one is given. */
export function schemaModule(rt: OpsRuntime, schema: string | undefined): SchemaModule {
  return schema ? rt.db.schema.withSchema(schema) : rt.db.schema
}

/** `schema.table` for Kysely's string references, or the bare table. */
export function qualify(table: string, schema: string | undefined): string {
  return schema ? `${schema}.${table}` : table
}

/** Whether a column is NOT NULL: explicitly, or by being in the primary key. */
export function isNotNull(column: ColumnDefinition, inPrimaryKey: boolean): boolean {
  return (
    column.nullable === false ||
    (column.nullable === undefined && (column.primaryKey === true || inPrimaryKey))
  )
}

/** The clauses of one column definition, shared by createTable, addColumn and batch rebuilds. */
export function columnClauses(
  rt: OpsRuntime,
  column: ColumnDefinition,
  inPrimaryKey: boolean,
): (builder: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return (builder) => {
    let b = builder
    if (column.default !== undefined) b = b.defaultTo(defaultExpression(column.default))
    if (isNotNull(column, inPrimaryKey)) b = b.notNull()
    if (column.unique) b = b.unique()
    if (column.primaryKey) b = b.primaryKey()
    const ref = column.references
    if (ref && rt.dialect.capabilities.inlineReferences) {
      b = b.references(`${qualify(ref.table, ref.schema)}.${ref.column}`)
      if (ref.onDelete) b = b.onDelete(ref.onDelete)
      if (ref.onUpdate) b = b.onUpdate(ref.onUpdate)
    }
    if (column.check) b = b.check(inlineValues(column.check))
    return rt.dialect.decorateColumn(b, column)
  }
}

/** A column-level reference as a table-level foreign key (for dialects that ignore inline ones). */
function referenceAsForeignKey(column: ColumnDefinition): ForeignKeyDefinition | undefined {
  const ref = column.references
  if (!ref) return undefined
  return {
    columns: [column.name],
    references: {
      table: ref.table,
      columns: [ref.column],
      ...(ref.schema ? { schema: ref.schema } : {}),
    },
    ...(ref.onDelete ? { onDelete: ref.onDelete } : {}),
    ...(ref.onUpdate ? { onUpdate: ref.onUpdate } : {}),
  }
}

/** A foreign key as SQLite batch mode restates it, possibly INITIALLY DEFERRED. */
export interface StoredForeignKey extends ForeignKeyDefinition {
  readonly initiallyDeferred?: boolean
}

/** The CREATE TABLE statement (without comments) for a table's columns and constraints. */
export function createTableBuilder(
  rt: OpsRuntime,
  table: string,
  columns: readonly ColumnDefinition[],
  options: CreateTableOptions & { readonly foreignKeys?: readonly StoredForeignKey[] },
): CreateTableBuilder<string, string> {
  let primaryKey = options.primaryKey
  let cols = columns
  // SQLite 3.4x: AUTOINCREMENT is only allowed on a column-level INTEGER PRIMARY KEY.
  const pkColumn =
    primaryKey?.columns.length === 1
      ? columns.find((c) => c.name === primaryKey?.columns[0])
      : undefined
  // (A constraint name cannot be given to a column-level key; SQLite shows such names nowhere but the DDL.)
  if (
    rt.dialect.capabilities.autoIncrementNeedsColumnPrimaryKey &&
    pkColumn?.autoIncrement &&
    !pkColumn.primaryKey
  ) {
    cols = columns.map((c) => (c === pkColumn ? { ...c, primaryKey: true } : c))
    primaryKey = undefined
  }
  const inPk = new Set(primaryKey?.columns ?? [])
  let b: CreateTableBuilder<string, any> = schemaModule(rt, options.schema).createTable(table)
  if (options.ifNotExists) b = b.ifNotExists()
  for (const c of cols)
    b = b.addColumn(c.name, typeExpression(rt, c.type, c), columnClauses(rt, c, inPk.has(c.name)))
  if (primaryKey) b = b.addPrimaryKeyConstraint(primaryKey.name ?? '', [...primaryKey.columns])
  for (const u of options.unique ?? []) b = b.addUniqueConstraint(u.name ?? '', [...u.columns])
  const foreignKeys: StoredForeignKey[] = [
    ...(rt.dialect.capabilities.inlineReferences
      ? []
      : cols.flatMap((c) => referenceAsForeignKey(c) ?? [])),
    ...(options.foreignKeys ?? []),
  ]
  // Kysely leaves a constraint unnamed when its name is empty; the database names it.
  for (const fk of foreignKeys) {
    b = b.addForeignKeyConstraint(
      fk.name ?? '',
      [...fk.columns],
      qualify(fk.references.table, fk.references.schema),
      [...fk.references.columns],
      (cb) => {
        let c = cb
        if (fk.onDelete) c = c.onDelete(fk.onDelete)
        if (fk.onUpdate) c = c.onUpdate(fk.onUpdate)
        if (fk.initiallyDeferred) c = c.deferrable().initiallyDeferred()
        return c
      },
    )
  }
  for (const ck of options.checks ?? [])
    b = b.addCheckConstraint(ck.name ?? '', inlineValues(ck.expression))
  return b
}

/** createTable: the table, then its comments where they are separate statements, then its indexes. */
export async function createTable(
  rt: OpsRuntime,
  table: string,
  columns: readonly ColumnDefinition[],
  options: CreateTableOptions,
): Promise<void> {
  if (columns.length === 0)
    throw new RetortError(`createTable('${table}') needs at least one column`)
  const indexes = options.indexes ?? []
  for (const index of indexes) checkIndex(rt, index)
  const builder = createTableBuilder(rt, table, columns, options)
  const inline = indexes.length > 0 && rt.dialect.capabilities.inlineIndexes
  if (inline) await executeWithIndexes(rt, builder, indexes)
  else await builder.execute()
  const caps = rt.dialect.capabilities
  if (caps.comments) {
    if (options.comment !== undefined)
      await rt.dialect.setTableComment(rt, table, options.schema, options.comment)
    if (!caps.inlineColumnComments) {
      for (const c of columns) {
        if (c.comment !== undefined)
          await rt.dialect.setColumnComment(rt, table, options.schema, c.name, c.comment)
      }
    }
  }
  if (inline) return
  for (const index of indexes)
    await createIndex(rt, { kind: 'createIndex', table, schema: options.schema, index })
}

/**
 * Run CREATE TABLE with `INDEX name (columns)` entries at the end of its
 * element list (MariaDB): one DDL statement, where each CREATE INDEX would be
 * a table rebuild of its own.
 */
async function executeWithIndexes(
  rt: OpsRuntime,
  builder: CreateTableBuilder<string, string>,
  indexes: readonly IndexDefinition[],
): Promise<void> {
  const compiled = builder.compile()
  if (!compiled.sql.endsWith(')'))
    throw new Error(`internal: CREATE TABLE does not end with its element list: ${compiled.sql}`)
  const entries = indexes.map((index) => {
    const columns = index.columns.map((c) => {
      const [, name, direction] = /^(.*?)(?:\s+(asc|desc))?$/i.exec(c as string)!
      return direction ? sql`${sql.id(name!)} ${sql.raw(direction.toLowerCase())}` : sql.id(name!)
    })
    return sql`${sql.raw(index.unique ? 'unique index' : 'index')} ${sql.id(index.name)} (${sql.join(columns)})`
  })
  const extra = sql.join(entries).compile(rt.db)
  await rt.db.executeQuery(
    CompiledQuery.raw(`${compiled.sql.slice(0, -1)}, ${extra.sql})`, [...compiled.parameters]),
  )
}

async function addColumn(rt: OpsRuntime, op: OperationOf<'addColumn'>): Promise<void> {
  const { column } = op
  const alter = schemaModule(rt, op.schema).alterTable(op.table)
  await alter
    .addColumn(
      column.name,
      typeExpression(rt, column.type, column),
      columnClauses(rt, column, false),
    )
    .execute()
  const fk = rt.dialect.capabilities.inlineReferences ? undefined : referenceAsForeignKey(column)
  if (fk) await addForeignKey(rt, op.table, op.schema, fk)
  if (
    column.comment !== undefined &&
    rt.dialect.capabilities.comments &&
    !rt.dialect.capabilities.inlineColumnComments
  ) {
    await rt.dialect.setColumnComment(rt, op.table, op.schema, column.name, column.comment)
  }
}

async function addForeignKey(
  rt: OpsRuntime,
  table: string,
  schema: string | undefined,
  fk: ForeignKeyDefinition,
): Promise<void> {
  await schemaModule(rt, schema)
    .alterTable(table)
    .addForeignKeyConstraint(
      fk.name ?? '',
      [...fk.columns],
      qualify(fk.references.table, fk.references.schema),
      [...fk.references.columns],
      (cb) => {
        let c = cb
        if (fk.onDelete) c = c.onDelete(fk.onDelete)
        if (fk.onUpdate) c = c.onUpdate(fk.onUpdate)
        return c
      },
    )
    .execute()
}

/** Refuse, before anything runs, an index the dialect cannot make. */
function checkIndex(rt: OpsRuntime, index: IndexDefinition): void {
  const caps = rt.dialect.capabilities
  if (index.where && !caps.partialIndexes) {
    throw new RetortError(
      `index '${index.name}' has a 'where' condition, but this database has no partial indexes`,
    )
  }
  if (index.columns.some((c) => typeof c !== 'string') && !caps.expressionIndexes) {
    throw new RetortError(
      `index '${index.name}' indexes an expression, but this database has no expression indexes; index a generated column instead`,
    )
  }
  if (index.columns.length === 0)
    throw new RetortError(`index '${index.name}' needs at least one column or expression`)
}

/** createIndex on any dialect, refusing what the dialect lacks before emitting anything. */
export async function createIndex(rt: OpsRuntime, op: OperationOf<'createIndex'>): Promise<void> {
  const { index } = op
  checkIndex(rt, index)
  let b = schemaModule(rt, op.schema).createIndex(index.name).on(op.table)
  if (index.unique) b = b.unique()
  for (const c of index.columns) {
    // PostgreSQL 15 wants a parenthesised expression as an index element; SQLite accepts it.
    b = typeof c === 'string' ? b.column(c) : b.expression(sql`(${inlineValues(c)})`)
  }
  if (index.where) b = b.where(inlineValues(index.where) as Expression<SqlBool>)
  await b.execute()
}

/**
 * Run one table operation. Operations the dialect cannot do in place fail
 * here, before any statement, pointing at batchAlterTable.
 */
export async function runTableOperation(rt: OpsRuntime, op: TableOperation): Promise<void> {
  const problem = rt.dialect.inPlaceProblem(op)
  if (problem) {
    const table = op.table ?? '<table>'
    throw new RetortError(
      `${problem}, so ${describeOperation(op)} cannot run on its own; ` +
        `run it inside op.batchAlterTable('${table}', (batch) => { batch.${op.kind}(...) })`,
    )
  }
  if (op.kind === 'dropIndex') return rt.dialect.dropIndex(rt, op)
  const alter = () => schemaModule(rt, op.schema).alterTable(op.table)
  switch (op.kind) {
    case 'addColumn':
      return addColumn(rt, op)
    case 'dropColumn':
      return rt.dialect.dropColumn(rt, op)
    case 'alterColumn':
      return rt.dialect.alterColumn(rt, op)
    case 'createPrimaryKey':
      return alter()
        .addPrimaryKeyConstraint(op.name, [...op.columns])
        .execute()
    case 'createUniqueConstraint':
      return alter()
        .addUniqueConstraint(op.name, [...op.columns])
        .execute()
    case 'createForeignKey':
      return addForeignKey(rt, op.table, op.schema, {
        name: op.name,
        columns: op.columns,
        references: {
          table: op.referencedTable,
          columns: op.referencedColumns,
          ...(op.options.referencedSchema ? { schema: op.options.referencedSchema } : {}),
        },
        ...(op.options.onDelete ? { onDelete: op.options.onDelete } : {}),
        ...(op.options.onUpdate ? { onUpdate: op.options.onUpdate } : {}),
      })
    case 'createCheckConstraint':
      return alter().addCheckConstraint(op.name, inlineValues(op.expression)).execute()
    case 'dropConstraint':
      return rt.dialect.dropConstraint(rt, op)
    case 'createIndex':
      return createIndex(rt, op)
    default:
      return unhandledOperation(op)
  }
}
