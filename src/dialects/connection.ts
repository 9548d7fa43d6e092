import type { Kysely, LogEvent } from 'kysely'
import type { DatabaseUrl } from '../config/database-url.js'

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
 * The connection side of a dialect: connecting, the offline compiler, SQL
 * text details, the migration lock and transaction control. The lock and
 * the transactions are separate: the lock keeps other sessions out for the
 * whole session, transactions (begun, committed and rolled back by the
 * session, per run or per step) decide what is kept.
 */
export interface ConnectionHooks {
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
  /** Statement that opens a write transaction. */
  readonly beginSql: string
  /** Take the migration lock on this connection, waiting while another session holds it. */
  acquireLock(db: Kysely<any>, target: LockTarget): Promise<void>
  /**
   * Give the lock back. Where the lock is a transaction (SQLite), `keep` says
   * whether the work done under it, already checked and released step by
   * step, is committed; elsewhere it is ignored.
   */
  releaseLock(db: Kysely<any>, target: LockTarget, keep: boolean): Promise<void>
  /**
   * Integrity the database did not enforce while a migration ran (SQLite's
   * foreign keys, switched off under the lock): a description of the
   * violations, or undefined. Called after each migration, inside its
   * transaction, so a failure names the revision that left it.
   */
  checkIntegrity(db: Kysely<any>): Promise<string | undefined>
}

/** How long a session waits for another one's migration lock. */
export const LOCK_WAIT_SECONDS = 600
