import { sql, type Compilable, type Expression, type Kysely, type RawBuilder } from 'kysely'
import { RetortError } from '../errors.js'
import { checkAlterColumn, collectBatch, type BatchOperations } from './batch.js'
import { createTable, qualify, runTableOperation, schemaModule } from './ddl.js'
import type {
  AlterColumnOptions,
  BatchOptions,
  ColumnDefinition,
  CreateIndexOptions,
  CreateTableOptions,
  DropConstraintOptions,
  DropIndexOptions,
  DropTableOptions,
  ForeignKeyOptions,
  SchemaOption,
} from './definitions.js'
import type { DdlHooks, OpsRuntime } from '../dialects/dialect.js'
import type { TableOperation } from './operation.js'

/**
 * The `op` object given to migrations: schema operations that run the same
 * on SQLite, PostgreSQL and MariaDB, online and in `--sql` mode. Identifiers
 * are quoted for the database; values are bind parameters online and escaped
 * literals offline. See docs/operations.md.
 */
export interface Operations {
  /** Kysely on the migration's connection and transaction, for everything else. */
  readonly db: Kysely<any>

  /**
   * Run `fn` outside the transaction (Alembic's `autocommit_block`): the
   * open transaction is committed first and a new one begun after, so that
   * statements a transaction refuses (`CREATE INDEX CONCURRENTLY`) can run.
   * What `fn` does, and what ran before it, is no longer rolled back on a
   * later failure. In `--sql` scripts: COMMIT before, BEGIN after.
   */
  autocommitBlock(fn: () => Promise<void>): Promise<void>

  /**
   * Create a table.
   * @example
   * await op.createTable('account', [
   *   { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
   *   { name: 'email', type: 'varchar(200)', nullable: false, unique: true },
   * ])
   */
  createTable(
    name: string,
    columns: readonly ColumnDefinition[],
    options?: CreateTableOptions,
  ): Promise<void>
  dropTable(name: string, options?: DropTableOptions): Promise<void>
  renameTable(from: string, to: string, options?: SchemaOption): Promise<void>

  /** Add a column. @example await op.addColumn('cart', { name: 'note', type: 'text' }) */
  addColumn(table: string, column: ColumnDefinition, options?: SchemaOption): Promise<void>
  /** Drop a column (on SQLite, keyed or constrained columns need batchAlterTable). */
  dropColumn(table: string, column: string, options?: SchemaOption): Promise<void>
  /**
   * Change a column's type, nullability, default, name or comment. On SQLite
   * only renames run outside batchAlterTable.
   * @example await op.alterColumn('cart', 'note', { type: 'varchar(500)', nullable: false })
   */
  alterColumn(table: string, column: string, changes: AlterColumnOptions): Promise<void>

  createPrimaryKey(
    name: string,
    table: string,
    columns: readonly string[],
    options?: SchemaOption,
  ): Promise<void>
  createUniqueConstraint(
    name: string,
    table: string,
    columns: readonly string[],
    options?: SchemaOption,
  ): Promise<void>
  /** Add a foreign key, in Alembic's argument order. */
  createForeignKey(
    name: string,
    table: string,
    referencedTable: string,
    columns: readonly string[],
    referencedColumns: readonly string[],
    options?: ForeignKeyOptions,
  ): Promise<void>
  /** Add a CHECK. @example await op.createCheckConstraint('ck_price', 'item', sql`price >= 0`) */
  createCheckConstraint(
    name: string,
    table: string,
    condition: Expression<unknown>,
    options?: SchemaOption,
  ): Promise<void>
  /** Drop a constraint by name (MariaDB in `--sql` mode needs `type`). */
  dropConstraint(name: string, table: string, options?: DropConstraintOptions): Promise<void>
  /** Create an index over columns and/or `sql` expressions. */
  createIndex(
    name: string,
    table: string,
    columns: readonly (string | Expression<unknown>)[],
    options?: CreateIndexOptions,
  ): Promise<void>
  /** Drop an index (MariaDB in `--sql` mode needs `table`). */
  dropIndex(name: string, options?: DropIndexOptions): Promise<void>

  /**
   * Run a statement: a Kysely query or `sql` expression, or a raw string,
   * which is sent verbatim (nothing escaped or checked).
   */
  execute(statement: string | Compilable | RawBuilder<unknown>): Promise<void>
  /** Insert rows; values are typed (Date, boolean, JSON objects, Buffer) and become literals offline. */
  bulkInsert(
    table: string,
    rows: readonly Readonly<Record<string, unknown>>[],
    options?: SchemaOption,
  ): Promise<void>
  /**
   * Change a table through a batch: plain ALTERs on PostgreSQL and MariaDB,
   * SQLite's move-and-copy where its ALTER TABLE falls short.
   * @example
   * await op.batchAlterTable('item', (batch) => {
   *   batch.alterColumn('price', { type: 'numeric(12,2)', nullable: false })
   *   batch.dropColumn('legacy_code')
   * })
   */
  batchAlterTable(
    table: string,
    build: (batch: BatchOperations) => void | Promise<void>,
    options?: BatchOptions,
  ): Promise<void>
}

/** What createOperations needs: the run's Kysely (online or capturing) and its dialect. */
export interface OperationsContext {
  readonly db: Kysely<any>
  readonly dialect: DdlHooks
  readonly offline: boolean
  /** Runs a function outside the transaction (`autocommitBlock`). */
  readonly autocommit?: ((fn: () => Promise<void>) => Promise<void>) | undefined
}

function isRawBuilder(value: unknown): value is RawBuilder<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { isRawBuilder?: unknown }).isRawBuilder === true
  )
}

/** Build the operations object for one migration run. */
export function createOperations(ctx: OperationsContext): Operations {
  const rt: OpsRuntime = { db: ctx.db, offline: ctx.offline, dialect: ctx.dialect }
  const run = (op: TableOperation) => runTableOperation(rt, op)

  return {
    db: ctx.db,

    autocommitBlock: ctx.autocommit ?? ((fn) => fn()),

    createTable: (name, columns, options = {}) => createTable(rt, name, columns, options),

    async dropTable(name, options = {}) {
      let b = schemaModule(rt, options.schema).dropTable(name)
      if (options.ifExists) b = b.ifExists()
      if (options.cascade && rt.dialect.capabilities.dropCascade) b = b.cascade()
      await b.execute()
    },

    async renameTable(from, to, options = {}) {
      const target = rt.dialect.capabilities.qualifiedRenameTarget
        ? qualify(to, options.schema)
        : to
      await schemaModule(rt, options.schema).alterTable(from).renameTo(target).execute()
    },

    addColumn: (table, column, options = {}) =>
      run({ kind: 'addColumn', table, schema: options.schema, column }),

    dropColumn: (table, column, options = {}) =>
      run({ kind: 'dropColumn', table, schema: options.schema, column }),

    async alterColumn(table, column, changes) {
      checkAlterColumn(table, column, changes)
      await run({ kind: 'alterColumn', table, schema: changes.schema, column, changes })
    },

    createPrimaryKey: (name, table, columns, options = {}) =>
      run({ kind: 'createPrimaryKey', table, schema: options.schema, name, columns }),

    createUniqueConstraint: (name, table, columns, options = {}) =>
      run({ kind: 'createUniqueConstraint', table, schema: options.schema, name, columns }),

    createForeignKey: (name, table, referencedTable, columns, referencedColumns, options = {}) =>
      run({
        kind: 'createForeignKey',
        table,
        schema: options.schema,
        name,
        columns,
        referencedTable,
        referencedColumns,
        options,
      }),

    createCheckConstraint: (name, table, expression, options = {}) =>
      run({ kind: 'createCheckConstraint', table, schema: options.schema, name, expression }),

    dropConstraint: (name, table, options = {}) =>
      run({ kind: 'dropConstraint', table, schema: options.schema, name, type: options.type }),

    createIndex: (name, table, columns, options = {}) =>
      run({
        kind: 'createIndex',
        table,
        schema: options.schema,
        index: {
          name,
          columns,
          ...(options.unique ? { unique: true } : {}),
          ...(options.where ? { where: options.where } : {}),
        },
      }),

    dropIndex: (name, options = {}) =>
      run({ kind: 'dropIndex', name, table: options.table, schema: options.schema }),

    async execute(statement) {
      if (typeof statement === 'string') await sql.raw(statement).execute(ctx.db)
      else if (isRawBuilder(statement)) await statement.execute(ctx.db)
      else await ctx.db.executeQuery(statement.compile())
    },

    async bulkInsert(table, rows, options = {}) {
      const target = qualify(table, options.schema)
      // Rows with the same columns go together, so that absent keys keep their defaults.
      let k = 0
      while (k < rows.length) {
        const keys = Object.keys(rows[k]!)
        if (keys.length === 0)
          throw new RetortError(`bulkInsert('${table}'): row ${k} has no columns`)
        const signature = keys.join('\u0000')
        let end = k + 1
        while (end < rows.length && Object.keys(rows[end]!).join('\u0000') === signature) end++
        const perStatement = Math.max(
          1,
          Math.floor(rt.dialect.capabilities.maxParameters / keys.length),
        )
        for (let start = k; start < end; start += perStatement) {
          const values = rows
            .slice(start, Math.min(end, start + perStatement))
            .map((row) =>
              Object.fromEntries(keys.map((key) => [key, rt.dialect.parameter(row[key])])),
            )
          await ctx.db.insertInto(target).values(values).execute()
        }
        k = end
      }
    },

    async batchAlterTable(table, build, options = {}) {
      const ops: TableOperation[] = []
      await build(collectBatch(table, options.schema, ops))
      await rt.dialect.batch(rt, table, ops, options)
    },
  }
}
