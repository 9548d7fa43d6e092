import type { ColumnDefinitionBuilder, Kysely } from 'kysely'
import type { ParsedType } from '../ops/column-type.js'
import type { BatchOptions, ColumnDefinition } from '../ops/definitions.js'
import type { OperationOf, TableOperation } from '../ops/operation.js'
import type { CatalogConventions, OpenScratch, ReadSchema, RenderDialect } from './catalog.js'
import type { ConnectionHooks } from './connection.js'
import type { DialectName } from './names.js'

/** What a database can do; code outside dialects/ asks these, never the name. */
export interface DialectCapabilities {
  /** Keeps table and column comments (SQLite has none: comments are ignored). */
  readonly comments: boolean
  /** Column comments belong to the column definition (MariaDB) rather than to COMMENT statements. */
  readonly inlineColumnComments: boolean
  /** `CREATE INDEX ... WHERE` exists. */
  readonly partialIndexes: boolean
  /** Indexes over expressions exist. */
  readonly expressionIndexes: boolean
  /** CREATE TABLE can hold plain `INDEX name (columns)` entries (MariaDB), one DDL statement instead of several. */
  readonly inlineIndexes: boolean
  /** A column-level REFERENCES clause creates a foreign key (MariaDB parses and ignores it). */
  readonly inlineReferences: boolean
  /** The new name of ALTER TABLE ... RENAME TO carries the schema (MariaDB would move the table otherwise). */
  readonly qualifiedRenameTarget: boolean
  /** DROP TABLE ... CASCADE exists (PostgreSQL; MariaDB accepts and ignores it). */
  readonly dropCascade: boolean
  /** AUTOINCREMENT belongs to a column-level INTEGER PRIMARY KEY (SQLite). */
  readonly autoIncrementNeedsColumnPrimaryKey: boolean
  /** Most bind parameters one statement may carry. */
  readonly maxParameters: number
  /** DDL rolls back with its transaction, so a whole run can be one transaction. */
  readonly transactionalDdl: boolean
  /** Offline scripts are wrapped in BEGIN/COMMIT (Alembic does this for PostgreSQL only). */
  readonly scriptTransactions: boolean
  /**
   * The migration lock is itself a write transaction (SQLite), so the
   * transactions of a locked session are savepoints inside it.
   */
  readonly lockIsTransaction: boolean
}

/** The run a dialect's DDL hooks work in: the migration's Kysely (capturing in `--sql` mode). */
export interface OpsRuntime {
  readonly db: Kysely<any>
  readonly offline: boolean
  readonly dialect: DdlHooks
}

/**
 * The operations whose SQL differs per database: type names, the column
 * clauses that differ, and the statements whose shape differs. Operations
 * with one shape everywhere live in ops/ddl.ts.
 */
export interface DdlHooks {
  readonly capabilities: DialectCapabilities
  /** The SQL type for a parsed column type. */
  typeSql(type: ParsedType, column?: Pick<ColumnDefinition, 'autoIncrement'>): string
  /** Add the dialect's auto-increment form and inline comment to a column definition. */
  decorateColumn(
    builder: ColumnDefinitionBuilder,
    column: ColumnDefinition,
  ): ColumnDefinitionBuilder
  /** Why this operation cannot run as a plain statement here (SQLite), or undefined. */
  inPlaceProblem(op: TableOperation): string | undefined
  setTableComment(
    rt: OpsRuntime,
    table: string,
    schema: string | undefined,
    comment: string | null,
  ): Promise<void>
  setColumnComment(
    rt: OpsRuntime,
    table: string,
    schema: string | undefined,
    column: string,
    comment: string | null,
  ): Promise<void>
  dropColumn(rt: OpsRuntime, op: OperationOf<'dropColumn'>): Promise<void>
  alterColumn(rt: OpsRuntime, op: OperationOf<'alterColumn'>): Promise<void>
  dropConstraint(rt: OpsRuntime, op: OperationOf<'dropConstraint'>): Promise<void>
  dropIndex(rt: OpsRuntime, op: OperationOf<'dropIndex'>): Promise<void>
  /** Run a batch's operations: plain ALTERs, or SQLite's move-and-copy. */
  batch(
    rt: OpsRuntime,
    table: string,
    ops: readonly TableOperation[],
    options: BatchOptions,
  ): Promise<void>
  /** A bulkInsert value as the driver (and the offline inliner) should get it. */
  parameter(value: unknown): unknown
}

/**
 * Everything that differs per database, in one object per database
 * (dialects/<name>/index.ts): capabilities, connecting, the connection-less
 * compiler for `--sql`, literals and quoting, the migration lock, transaction
 * statements, type mapping and DDL hooks. Load one with `loadDialect`.
 */
export interface Dialect extends DdlHooks, ConnectionHooks {
  readonly name: DialectName
  readonly capabilities: DialectCapabilities
  /** Read the live schema model from the catalog (dialects/<name>/catalog.ts). */
  readonly readSchema: ReadSchema
  /** Catalog habits the declared schema needs (names of added foreign keys, SQL splitting, type names). */
  readonly catalog: CatalogConventions
  /** How autogenerate writes changes for this database. */
  readonly render: RenderDialect
  /** Make an empty scratch database next to a URL (verify, `.sql` declared schemas). */
  readonly openScratch: OpenScratch
}
