import type { Kysely, LogEvent } from 'kysely'
import type { DatabaseUrl } from '../../config/database-url.js'
import type { DialectName } from '../../ops/context.js'

/** A statement with its parameters, in the dialect's placeholder syntax. */
export interface Statement {
  readonly sql: string
  readonly parameters: readonly unknown[]
}

/** Where the migration lock and version table live. */
export interface LockTarget {
  readonly table: string
  readonly schema: string | undefined
}

/**
 * What differs per database, behind one interface: capabilities, connecting,
 * the migration lock, SQL text details and the offline compiler. One module
 * per database in this folder; callers ask capabilities, never the name.
 */
export interface RuntimeDriver {
  readonly name: DialectName
  /** DDL rolls back with its transaction, so a whole run can be one transaction. */
  readonly transactionalDdl: boolean
  /** Offline scripts are wrapped in BEGIN/COMMIT (Alembic does this for PostgreSQL only). */
  readonly scriptTransactions: boolean
  /**
   * The migration lock is itself a write transaction (SQLite), so the
   * transactions of a locked session are savepoints inside it.
   */
  readonly lockIsTransaction: boolean
  /** Statement that opens a write transaction. */
  readonly beginSql: string
  /** Open a Kysely on the database; `log` sees every query and every failure. */
  connect(url: DatabaseUrl, log: (event: LogEvent) => void): Promise<Kysely<any>>
  /** A connection-less Kysely that compiles for this dialect with values inlined, handing each statement to `capture`. */
  offline(capture: (sql: string) => void): Kysely<any>
  /** A value as a SQL literal of this dialect. */
  literal(value: unknown): string
  /** An identifier, quoted only when it has to be. */
  quoteIdentifier(name: string): string
  /** Placeholder of the n-th parameter (1-based). */
  placeholder(n: number): string
  /** A query whose single row has a truthy `present` column when the table exists. */
  tableExists(target: LockTarget): Statement
  /** Take the migration lock on this connection, waiting while another session holds it. */
  acquireLock(db: Kysely<any>, target: LockTarget): Promise<void>
  /** Give the lock back; `commit` says whether work done under a transactional lock is kept. */
  releaseLock(db: Kysely<any>, target: LockTarget, commit: boolean): Promise<void>
}

/** How long a session waits for another one's migration lock. */
export const LOCK_WAIT_SECONDS = 600
