import type { Expression } from 'kysely'
import type {
  AlterColumnOptions,
  ColumnDefinition,
  ConstraintType,
  ForeignKeyOptions,
  IndexDefinition,
} from './definitions.js'

interface OnTable {
  readonly table: string
  readonly schema: string | undefined
}

/**
 * One change to one table, as data: what `op.addColumn(...)` and friends
 * record, and what a batch collects. Dialects turn these into statements.
 */
export type TableOperation =
  | (OnTable &
      (
        | { readonly kind: 'addColumn'; readonly column: ColumnDefinition }
        | { readonly kind: 'dropColumn'; readonly column: string }
        | {
            readonly kind: 'alterColumn'
            readonly column: string
            readonly changes: AlterColumnOptions
          }
        | {
            readonly kind: 'createPrimaryKey'
            readonly name: string
            readonly columns: readonly string[]
          }
        | {
            readonly kind: 'createUniqueConstraint'
            readonly name: string
            readonly columns: readonly string[]
          }
        | {
            readonly kind: 'createForeignKey'
            readonly name: string
            readonly columns: readonly string[]
            readonly referencedTable: string
            readonly referencedColumns: readonly string[]
            readonly options: ForeignKeyOptions
          }
        | {
            readonly kind: 'createCheckConstraint'
            readonly name: string
            readonly expression: Expression<unknown>
          }
        | {
            readonly kind: 'dropConstraint'
            readonly name: string
            readonly type: ConstraintType | undefined
          }
        | { readonly kind: 'createIndex'; readonly index: IndexDefinition }
      ))
  | {
      readonly kind: 'dropIndex'
      readonly name: string
      /** Known when the caller named it (MariaDB needs it). */
      readonly table: string | undefined
      readonly schema: string | undefined
    }

/** The operation named `K`. */
export type OperationOf<K extends TableOperation['kind']> = Extract<TableOperation, { kind: K }>

/**
 * The end of every `switch` over operation kinds: a new kind of
 * TableOperation does not compile until each switch (the shared DDL, every
 * dialect, SQLite batch mode, messages) handles it.
 */
export function unhandledOperation(op: never): never {
  throw new Error(`operation kind '${(op as { kind?: string }).kind}' is not handled`)
}

/** How an operation names itself in messages, e.g. `dropColumn('cart', 'note')`. */
export function describeOperation(op: TableOperation): string {
  const what = (() => {
    switch (op.kind) {
      case 'addColumn':
        return `'${op.column.name}'`
      case 'dropColumn':
      case 'alterColumn':
        return `'${op.column}'`
      case 'createIndex':
        return `'${op.index.name}'`
      case 'createPrimaryKey':
      case 'createUniqueConstraint':
      case 'createForeignKey':
      case 'createCheckConstraint':
      case 'dropConstraint':
        return `'${op.name}'`
      case 'dropIndex':
        return `'${op.name}'`
      default:
        return unhandledOperation(op)
    }
  })()
  return op.table === undefined ? `${op.kind}(${what})` : `${op.kind}(${what} on '${op.table}')`
}
