import type { Expression } from 'kysely'
import { RetortError } from '../errors.js'
import type {
  AlterColumnOptions,
  ColumnDefinition,
  ConstraintType,
  ForeignKeyOptions,
} from './definitions.js'
import type { TableOperation } from './operation.js'

/** Column changes inside a batch: alterColumn's options without the schema (the batch has it). */
export type BatchAlterColumnOptions = Omit<AlterColumnOptions, 'schema'>

/**
 * The changes batchAlterTable collects for one table, in order. Each call
 * records an operation; nothing runs until the callback returns.
 */
export interface BatchOperations {
  addColumn(column: ColumnDefinition): void
  dropColumn(column: string): void
  alterColumn(column: string, changes: BatchAlterColumnOptions): void
  createPrimaryKey(name: string, columns: readonly string[]): void
  createUniqueConstraint(name: string, columns: readonly string[]): void
  createForeignKey(
    name: string,
    referencedTable: string,
    columns: readonly string[],
    referencedColumns: readonly string[],
    options?: Omit<ForeignKeyOptions, 'schema'>,
  ): void
  createCheckConstraint(name: string, condition: Expression<unknown>): void
  dropConstraint(name: string, options?: { readonly type?: ConstraintType }): void
  createIndex(
    name: string,
    columns: readonly (string | Expression<unknown>)[],
    options?: { readonly unique?: boolean; readonly where?: Expression<unknown> },
  ): void
  dropIndex(name: string): void
}

/** Refuse an alterColumn that changes nothing. */
export function checkAlterColumn(table: string, column: string, changes: AlterColumnOptions): void {
  const { type, nullable, newName, comment, autoIncrement } = changes
  if (
    type === undefined &&
    nullable === undefined &&
    changes.default === undefined &&
    newName === undefined &&
    comment === undefined &&
    autoIncrement === undefined
  ) {
    throw new RetortError(
      `alterColumn('${table}', '${column}') changes nothing: give type, nullable, default, newName, comment or autoIncrement`,
    )
  }
  if (changes.using !== undefined && type === undefined) {
    throw new RetortError(
      `alterColumn('${table}', '${column}'): 'using' converts to a new type; give 'type' too`,
    )
  }
}

/** A BatchOperations that appends to `ops`. */
export function collectBatch(
  table: string,
  schema: string | undefined,
  ops: TableOperation[],
): BatchOperations {
  const on = { table, schema }
  return {
    addColumn: (column) => void ops.push({ ...on, kind: 'addColumn', column }),
    dropColumn: (column) => void ops.push({ ...on, kind: 'dropColumn', column }),
    alterColumn(column, changes) {
      checkAlterColumn(table, column, changes)
      ops.push({ ...on, kind: 'alterColumn', column, changes })
    },
    createPrimaryKey: (name, columns) =>
      void ops.push({ ...on, kind: 'createPrimaryKey', name, columns }),
    createUniqueConstraint: (name, columns) =>
      void ops.push({ ...on, kind: 'createUniqueConstraint', name, columns }),
    createForeignKey: (name, referencedTable, columns, referencedColumns, options = {}) =>
      void ops.push({
        ...on,
        kind: 'createForeignKey',
        name,
        columns,
        referencedTable,
        referencedColumns,
        options,
      }),
    createCheckConstraint: (name, expression) =>
      void ops.push({ ...on, kind: 'createCheckConstraint', name, expression }),
    dropConstraint: (name, options = {}) =>
      void ops.push({ ...on, kind: 'dropConstraint', name, type: options.type }),
    createIndex: (name, columns, options = {}) =>
      void ops.push({ ...on, kind: 'createIndex', index: { name, columns, ...options } }),
    dropIndex: (name) => void ops.push({ ...on, kind: 'dropIndex', name }),
  }
}
