import { sql } from 'kysely'
import { numericSql, type ParsedType } from '../../ops/column-type.js'
import {
  defaultExpression,
  inlineValues,
  runTableOperation,
  schemaModule,
  typeExpression,
} from '../../ops/ddl.js'
import { commonParameter } from '../../ops/values.js'
import type { DdlHooks, OpsRuntime } from '../dialect.js'

function typeSql(type: ParsedType): string {
  switch (type.kind) {
    case 'varchar':
      return `varchar(${type.length})`
    case 'numeric':
      return numericSql('numeric', type)
    case 'double':
      return 'double precision'
    // jsonb rather than json: comparable, indexable, what PostgreSQL users pick.
    case 'json':
      return 'jsonb'
    case 'blob':
      return 'bytea'
    case 'raw':
      return type.sql
    default:
      return type.kind
  }
}

async function setComment(
  rt: OpsRuntime,
  target: 'table' | 'column',
  name: string[],
  comment: string | null,
) {
  const text = comment === null ? sql`null` : sql.lit(comment)
  await sql`comment on ${sql.raw(target)} ${sql.id(...name)} is ${text}`.execute(rt.db)
}

/** PostgreSQL 15: everything is an ALTER; comments are COMMENT ON statements. */
export const postgresDdl: DdlHooks = {
  capabilities: {
    comments: true,
    inlineColumnComments: false,
    partialIndexes: true,
    expressionIndexes: true,
    inlineIndexes: false,
    inlineReferences: true,
    qualifiedRenameTarget: false,
    dropCascade: true,
    autoIncrementNeedsColumnPrimaryKey: false,
    maxParameters: 65535,
    transactionalDdl: true,
    scriptTransactions: true,
    lockIsTransaction: false,
  },
  typeSql,
  decorateColumn: (b, column) => (column.autoIncrement ? b.generatedByDefaultAsIdentity() : b),
  inPlaceProblem: () => undefined,
  setTableComment: (rt, table, schema, comment) =>
    setComment(rt, 'table', schema ? [schema, table] : [table], comment),
  setColumnComment: (rt, table, schema, column, comment) =>
    setComment(rt, 'column', schema ? [schema, table, column] : [table, column], comment),
  async dropColumn(rt, op) {
    await schemaModule(rt, op.schema).alterTable(op.table).dropColumn(op.column).execute()
  },
  async alterColumn(rt, op) {
    const ch = op.changes
    const alter = () => schemaModule(rt, op.schema).alterTable(op.table)
    if (ch.type !== undefined) {
      const type = typeExpression(rt, ch.type)
      const target = ch.using ? sql`${type} using ${inlineValues(ch.using)}` : type
      await alter()
        .alterColumn(op.column, (c) => c.setDataType(target))
        .execute()
    }
    if (ch.nullable !== undefined) {
      await alter()
        .alterColumn(op.column, (c) => (ch.nullable ? c.dropNotNull() : c.setNotNull()))
        .execute()
    }
    if (ch.default !== undefined) {
      const value = ch.default
      await alter()
        .alterColumn(op.column, (c) =>
          value === null ? c.dropDefault() : c.setDefault(defaultExpression(value)),
        )
        .execute()
    }
    if (ch.comment !== undefined)
      await postgresDdl.setColumnComment(rt, op.table, op.schema, op.column, ch.comment)
    if (ch.newName !== undefined && ch.newName !== op.column) {
      await alter().renameColumn(op.column, ch.newName).execute()
    }
  },
  async dropConstraint(rt, op) {
    await schemaModule(rt, op.schema).alterTable(op.table).dropConstraint(op.name).execute()
  },
  async dropIndex(rt, op) {
    await schemaModule(rt, op.schema).dropIndex(op.name).execute()
  },
  async batch(rt, _table, ops) {
    for (const op of ops) await runTableOperation(rt, op)
  },
  parameter(value) {
    // Dates as ISO text in UTC: pg would render them in the client's time zone.
    if (value instanceof Date) return value.toISOString()
    if (typeof value === 'bigint') return value.toString()
    return commonParameter(value)
  },
}
