import { sql, type Expression } from 'kysely'
import { RetortError } from '../../errors.js'
import { numericSql, type ParsedType } from '../../ops/column-type.js'
import type { ConstraintType, DefaultValue } from '../../ops/definitions.js'
import {
  defaultExpression,
  inlineValues,
  qualify,
  runTableOperation,
  schemaModule,
  typeExpression,
  verbatimDefault,
} from '../../ops/ddl.js'
import { describeOperation, type OperationOf } from '../../ops/operation.js'
import { commonParameter } from '../../ops/values.js'
import type { DdlHooks, OpsRuntime } from '../dialect.js'

function typeSql(type: ParsedType): string {
  switch (type.kind) {
    case 'integer':
      return 'int'
    case 'varchar':
      return `varchar(${type.length})`
    case 'numeric':
      return numericSql('decimal', type)
    // MariaDB's REAL is a DOUBLE; FLOAT is the 4-byte type PostgreSQL calls real.
    case 'real':
      return 'float'
    // MariaDB 10.11 has no zoned timestamp, and TIMESTAMP stops in 2038: DATETIME(6)
    // keeps what is written (write UTC for timestamptz).
    case 'time':
      return 'time(6)'
    case 'timestamp':
    case 'timestamptz':
      return 'datetime(6)'
    case 'raw':
      return type.sql
    default:
      // integer names, text, boolean, double, date, json, uuid (MariaDB 10.7+), blob
      return type.kind
  }
}

/** The schema to look things up in: the operation's, or the connection's database. */
function schemaValue(schema: string | undefined): string | Expression<string> {
  return schema ?? sql<string>`database()`
}

/** A column as MODIFY COLUMN must restate it. */
interface ColumnState {
  readonly type: Expression<unknown>
  readonly nullable: boolean
  readonly default: DefaultValue | undefined
  readonly comment: string | undefined
  readonly autoIncrement: boolean
  /** Other attributes kept as they are (ON UPDATE ...). */
  readonly extra: string | undefined
  /** The column-level CHECK, which MODIFY COLUMN drops unless restated. */
  readonly check: Expression<unknown> | undefined
}

/**
 * The column-level CHECK of a column (MariaDB 10.5.10+ names it after the
 * column, LEVEL 'Column'). MySQL 8 has no LEVEL: it turns column checks into
 * table constraints, which MODIFY COLUMN keeps, so there is nothing to restate.
 */
async function columnCheck(
  rt: OpsRuntime,
  op: OperationOf<'alterColumn'>,
): Promise<Expression<unknown> | undefined> {
  try {
    const row = await rt.db
      .selectFrom('information_schema.CHECK_CONSTRAINTS')
      .select('CHECK_CLAUSE')
      .where('CONSTRAINT_SCHEMA', '=', schemaValue(op.schema))
      .where('TABLE_NAME', '=', op.table)
      .where('CONSTRAINT_NAME', '=', op.column)
      .where('LEVEL', '=', 'Column')
      .executeTakeFirst()
    return row ? sql.raw(String(row.CHECK_CLAUSE)) : undefined
  } catch (e) {
    if (/unknown column/i.test(String((e as Error).message))) return undefined
    throw e
  }
}

async function currentColumn(
  rt: OpsRuntime,
  op: OperationOf<'alterColumn'>,
  typeChanges: boolean,
): Promise<ColumnState> {
  const existing = op.changes.existing
  if (existing) {
    return {
      type: typeExpression(rt, existing.type),
      nullable: existing.nullable,
      default: existing.default ?? undefined,
      comment: existing.comment,
      autoIncrement: existing.autoIncrement ?? false,
      extra: undefined,
      check: existing.check === undefined ? undefined : inlineValues(existing.check),
    }
  }
  if (rt.offline) {
    throw new RetortError(
      `${describeOperation(op)}: MariaDB changes a column's type, nullability or comment by restating the ` +
        `whole column (MODIFY COLUMN), and in --sql mode the database cannot be read; ` +
        `pass { existing: { type, nullable, default?, comment?, check? } } describing the column as it is`,
    )
  }
  const row = await rt.db
    .selectFrom('information_schema.COLUMNS')
    .select([
      'COLUMN_TYPE',
      'IS_NULLABLE',
      'COLUMN_DEFAULT',
      'EXTRA',
      'COLUMN_COMMENT',
      'CHARACTER_SET_NAME',
      'COLLATION_NAME',
    ])
    .where('TABLE_SCHEMA', '=', schemaValue(op.schema))
    .where('TABLE_NAME', '=', op.table)
    .where('COLUMN_NAME', '=', op.column)
    .executeTakeFirst()
  if (!row)
    throw new RetortError(
      `${describeOperation(op)}: table '${op.table}' has no column '${op.column}'`,
    )
  const extra = String(row.EXTRA ?? '')
  if (/generated/i.test(extra)) {
    throw new RetortError(
      `${describeOperation(op)}: '${op.column}' is a generated column; alter it with op.execute`,
    )
  }
  // Text columns keep their character set and collation when only other attributes change.
  const charset =
    !typeChanges && row.CHARACTER_SET_NAME
      ? ` character set ${row.CHARACTER_SET_NAME} collate ${row.COLLATION_NAME}`
      : ''
  // MariaDB 10.2.7+ reports defaults as SQL: 'text' quoted, NULL for an explicit NULL, SQL NULL for none.
  const storedDefault =
    row.COLUMN_DEFAULT === null || row.COLUMN_DEFAULT === 'NULL'
      ? undefined
      : String(row.COLUMN_DEFAULT)
  const onUpdate = /on update [^ ]+/i.exec(extra)?.[0]
  return {
    type: sql.raw(`${row.COLUMN_TYPE}${charset}`),
    nullable: row.IS_NULLABLE === 'YES',
    default: storedDefault === undefined ? undefined : verbatimDefault(storedDefault),
    comment: row.COLUMN_COMMENT ? String(row.COLUMN_COMMENT) : undefined,
    autoIncrement: /auto_increment/i.test(extra),
    extra: onUpdate,
    check: await columnCheck(rt, op),
  }
}

/** MODIFY COLUMN to `state`, the whole new definition. */
async function modifyColumn(
  rt: OpsRuntime,
  op: OperationOf<'alterColumn'>,
  state: ColumnState,
): Promise<void> {
  await schemaModule(rt, op.schema)
    .alterTable(op.table)
    .modifyColumn(op.column, state.type, (c) => {
      let b = c
      if (state.default !== undefined && state.default !== null)
        b = b.defaultTo(defaultExpression(state.default))
      if (!state.nullable) b = b.notNull()
      if (state.autoIncrement) b = b.autoIncrement()
      if (state.extra) b = b.modifyEnd(sql.raw(state.extra))
      if (state.comment) b = b.modifyEnd(sql`comment ${sql.lit(state.comment)}`)
      // MariaDB takes MODIFY COLUMN as the whole new definition: restate the CHECK to keep it
      // (after COMMENT, where MariaDB 10.11's grammar wants it).
      if (state.check) b = b.modifyEnd(sql`check (${state.check})`)
      return b
    })
    .execute()
}

/**
 * Drop a column-level CHECK (named after its column): MariaDB 10.11 cannot
 * DROP CONSTRAINT it, so restate the column without it. False when there is none.
 */
async function dropColumnCheck(
  rt: OpsRuntime,
  op: OperationOf<'dropConstraint'>,
): Promise<boolean> {
  if (rt.offline) return false
  const column: OperationOf<'alterColumn'> = {
    kind: 'alterColumn',
    table: op.table,
    schema: op.schema,
    column: op.name,
    changes: {},
  }
  if ((await columnCheck(rt, column)) === undefined) return false
  await modifyColumn(rt, column, { ...(await currentColumn(rt, column, false)), check: undefined })
  return true
}

async function alterColumn(rt: OpsRuntime, op: OperationOf<'alterColumn'>): Promise<void> {
  const ch = op.changes
  const alter = () => schemaModule(rt, op.schema).alterTable(op.table)
  if (
    ch.type !== undefined ||
    ch.nullable !== undefined ||
    ch.comment !== undefined ||
    ch.autoIncrement !== undefined
  ) {
    const now = await currentColumn(rt, op, ch.type !== undefined)
    await modifyColumn(rt, op, {
      ...now,
      type: ch.type === undefined ? now.type : typeExpression(rt, ch.type),
      nullable: ch.nullable ?? now.nullable,
      default: ch.default === undefined ? now.default : (ch.default ?? undefined),
      comment: ch.comment === undefined ? now.comment : (ch.comment ?? undefined),
      autoIncrement: ch.autoIncrement ?? now.autoIncrement,
    })
  } else if (ch.default !== undefined) {
    const value = ch.default
    await alter()
      .alterColumn(op.column, (c) =>
        value === null ? c.dropDefault() : c.setDefault(defaultExpression(value)),
      )
      .execute()
  }
  if (ch.newName !== undefined && ch.newName !== op.column) {
    await alter().renameColumn(op.column, ch.newName).execute()
  }
}

const CONSTRAINT_TYPES: Readonly<Record<string, ConstraintType>> = {
  'PRIMARY KEY': 'primaryKey',
  UNIQUE: 'unique',
  'FOREIGN KEY': 'foreignKey',
  CHECK: 'check',
}

async function constraintType(
  rt: OpsRuntime,
  op: OperationOf<'dropConstraint'>,
): Promise<ConstraintType> {
  if (op.type) return op.type
  if (rt.offline) {
    throw new RetortError(
      `${describeOperation(op)}: MariaDB drops each kind of constraint differently and in --sql mode the ` +
        `database cannot be read; pass { type: 'primaryKey' | 'unique' | 'foreignKey' | 'check' }`,
    )
  }
  const row = await rt.db
    .selectFrom('information_schema.TABLE_CONSTRAINTS')
    .select('CONSTRAINT_TYPE')
    .where('CONSTRAINT_SCHEMA', '=', schemaValue(op.schema))
    .where('TABLE_NAME', '=', op.table)
    .where('CONSTRAINT_NAME', '=', op.name)
    .executeTakeFirst()
  const type = row ? CONSTRAINT_TYPES[String(row.CONSTRAINT_TYPE)] : undefined
  if (!type) {
    throw new RetortError(
      `${describeOperation(op)}: table '${op.table}' has no constraint named '${op.name}' ` +
        `(MariaDB names every primary key PRIMARY: pass { type: 'primaryKey' } to drop one)`,
    )
  }
  return type
}

async function indexTable(rt: OpsRuntime, op: OperationOf<'dropIndex'>): Promise<string> {
  if (op.table !== undefined) return op.table
  if (rt.offline) {
    throw new RetortError(
      `${describeOperation(op)}: MariaDB drops an index through its table; pass { table }`,
    )
  }
  const rows = await rt.db
    .selectFrom('information_schema.STATISTICS')
    .select('TABLE_NAME')
    .distinct()
    .where('TABLE_SCHEMA', '=', schemaValue(op.schema))
    .where('INDEX_NAME', '=', op.name)
    .execute()
  if (rows.length !== 1) {
    throw new RetortError(
      rows.length === 0
        ? `${describeOperation(op)}: there is no index named '${op.name}'`
        : `${describeOperation(op)}: several tables have an index named '${op.name}'; pass { table }`,
    )
  }
  return String(rows[0]!.TABLE_NAME)
}

/** MariaDB 10.11: column changes restate the column; constraints drop by kind; no partial or expression indexes. */
export const mysqlDdl: DdlHooks = {
  capabilities: {
    comments: true,
    inlineColumnComments: true,
    partialIndexes: false,
    expressionIndexes: false,
    inlineIndexes: true,
    // MariaDB 10.11 parses a column-level REFERENCES and ignores it.
    inlineReferences: false,
    qualifiedRenameTarget: true,
    dropCascade: true,
    autoIncrementNeedsColumnPrimaryKey: false,
    maxParameters: 65535,
    // DDL commits implicitly, so nothing DDL does can be rolled back.
    transactionalDdl: false,
    scriptTransactions: false,
    lockIsTransaction: false,
  },
  typeSql,
  decorateColumn(b, column) {
    let out = b
    if (column.autoIncrement) out = out.autoIncrement()
    if (column.comment !== undefined) out = out.modifyEnd(sql`comment ${sql.lit(column.comment)}`)
    return out
  },
  inPlaceProblem: () => undefined,
  async setTableComment(rt, table, schema, comment) {
    await sql`alter table ${sql.table(qualify(table, schema))} comment = ${sql.lit(comment ?? '')}`.execute(
      rt.db,
    )
  },
  async setColumnComment(rt, table, schema, column, comment) {
    await alterColumn(rt, { kind: 'alterColumn', table, schema, column, changes: { comment } })
  },
  async dropColumn(rt, op) {
    await schemaModule(rt, op.schema).alterTable(op.table).dropColumn(op.column).execute()
  },
  alterColumn,
  async dropConstraint(rt, op) {
    const table = sql.table(qualify(op.table, op.schema))
    switch (await constraintType(rt, op)) {
      case 'primaryKey':
        return void (await sql`alter table ${table} drop primary key`.execute(rt.db))
      case 'foreignKey':
        return void (await sql`alter table ${table} drop foreign key ${sql.id(op.name)}`.execute(
          rt.db,
        ))
      case 'unique':
        // A unique constraint is an index in MariaDB.
        return void (await sql`alter table ${table} drop index ${sql.id(op.name)}`.execute(rt.db))
      case 'check':
        if (await dropColumnCheck(rt, op)) return
        return schemaModule(rt, op.schema).alterTable(op.table).dropConstraint(op.name).execute()
    }
  },
  async dropIndex(rt, op) {
    // ALTER TABLE rather than DROP INDEX, with the index name bare: MariaDB 10.11
    // refuses a schema-qualified index name (Kysely's withSchema would qualify it).
    const table = await indexTable(rt, op)
    await sql`alter table ${sql.table(qualify(table, op.schema))} drop index ${sql.id(op.name)}`.execute(
      rt.db,
    )
  },
  async batch(rt, _table, ops) {
    for (const op of ops) await runTableOperation(rt, op)
  },
  parameter(value) {
    // DATETIME text in UTC: mysql2 would render a Date in the client's time zone.
    if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '')
    if (typeof value === 'bigint') return value.toString()
    return commonParameter(value)
  },
}
