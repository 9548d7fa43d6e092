import { RetortError } from '../../errors.js'
import { numericSql, type ParsedType } from '../../ops/column-type.js'
import { schemaModule } from '../../ops/ddl.js'
import { unhandledOperation, type TableOperation } from '../../ops/operation.js'
import { commonParameter } from '../../ops/values.js'
import type { DdlHooks } from '../dialect.js'
import { sqliteBatch } from './batch.js'

function typeSql(type: ParsedType, column?: { readonly autoIncrement?: boolean }): string {
  switch (type.kind) {
    case 'bigint':
    case 'smallint':
      // SQLite 3.4x: AUTOINCREMENT needs the exact type name INTEGER.
      return column?.autoIncrement ? 'integer' : type.kind
    case 'varchar':
      return `varchar(${type.length})`
    case 'numeric':
      return numericSql('numeric', type)
    // A declared type without TEXT would get NUMERIC affinity and turn JSON "12" into 12.
    case 'json':
      return 'text'
    case 'uuid':
      return 'char(36)'
    case 'raw':
      return type.sql
    default:
      return type.kind
  }
}

/** What SQLite's ALTER TABLE cannot do: the reason, or undefined. */
function inPlaceProblem(op: TableOperation): string | undefined {
  switch (op.kind) {
    case 'addColumn':
      if (op.column.primaryKey) return 'SQLite cannot add a PRIMARY KEY column to an existing table'
      if (op.column.unique) return 'SQLite cannot add a UNIQUE column to an existing table'
      return undefined
    case 'alterColumn': {
      const ch = op.changes
      if (ch.type !== undefined || ch.nullable !== undefined || ch.default !== undefined) {
        return "SQLite cannot change a column's type, nullability or default in place"
      }
      if (ch.autoIncrement !== undefined)
        return "SQLite cannot change a column's AUTOINCREMENT in place"
      return undefined
    }
    case 'createPrimaryKey':
    case 'createUniqueConstraint':
    case 'createForeignKey':
    case 'createCheckConstraint':
    case 'dropConstraint':
      return 'SQLite cannot add or drop constraints of an existing table'
    case 'dropColumn':
    case 'createIndex':
    case 'dropIndex':
      return undefined
    default:
      return unhandledOperation(op)
  }
}

/** SQLite 3.4x (better-sqlite3 12): renames and added columns in place, the rest through batch mode. */
export const sqliteDdl: DdlHooks = {
  capabilities: {
    comments: false,
    inlineColumnComments: false,
    partialIndexes: true,
    expressionIndexes: true,
    inlineIndexes: false,
    inlineReferences: true,
    qualifiedRenameTarget: false,
    dropCascade: false,
    autoIncrementNeedsColumnPrimaryKey: true,
    // SQLITE_MAX_VARIABLE_NUMBER's default since SQLite 3.32.
    maxParameters: 32766,
    // SQLite rolls DDL back; Alembic treats it as non-transactional all the same: its scripts carry no BEGIN/COMMIT.
    transactionalDdl: true,
    scriptTransactions: false,
    lockIsTransaction: true,
  },
  typeSql,
  decorateColumn(b, column) {
    if (!column.autoIncrement) return b
    if (!column.primaryKey) {
      throw new RetortError(
        `column '${column.name}': SQLite can only auto-increment the INTEGER PRIMARY KEY column`,
      )
    }
    return b.autoIncrement()
  },
  inPlaceProblem,
  // SQLite keeps no comments; Retort drops them quietly, as Alembic does.
  setTableComment: async () => {},
  setColumnComment: async () => {},
  async dropColumn(rt, op) {
    try {
      await schemaModule(rt, op.schema).alterTable(op.table).dropColumn(op.column).execute()
    } catch (error) {
      // SQLite 3.35+ drops plain columns; keyed, indexed or constrained ones need a rebuild.
      throw new RetortError(
        `SQLite could not drop column '${op.column}' of '${op.table}' in place (${(error as Error).message}); ` +
          `run it inside op.batchAlterTable('${op.table}', (batch) => { batch.dropColumn('${op.column}') })`,
        { cause: error },
      )
    }
  },
  async alterColumn(rt, op) {
    // Only a rename gets here (inPlaceProblem refuses the rest); comments are ignored.
    const to = op.changes.newName
    if (to !== undefined && to !== op.column) {
      await schemaModule(rt, op.schema).alterTable(op.table).renameColumn(op.column, to).execute()
    }
  },
  dropConstraint() {
    throw new RetortError('SQLite cannot drop constraints in place; use op.batchAlterTable')
  },
  async dropIndex(rt, op) {
    await schemaModule(rt, op.schema).dropIndex(op.name).execute()
  },
  batch: sqliteBatch,
  parameter(value) {
    // better-sqlite3 binds numbers, bigints, strings, Buffers and null only.
    if (typeof value === 'boolean') return value ? 1 : 0
    if (value instanceof Date) return value.toISOString()
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value)
    return commonParameter(value)
  },
}
