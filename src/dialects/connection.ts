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
  /**
   * Where DDL ends the transaction implicitly (MySQL/MariaDB): statements
   * switching the session's autocommit off for a transaction and back on
   * after it, so that what follows a DDL statement still waits for COMMIT
   * (as under the Python drivers Alembic runs on) instead of autocommitting.
   */
  readonly autocommitSql?: { readonly off: string; readonly on: string }
  /**
   * Take the migration lock on this connection, waiting while another
   * session holds it: `wait.announce` is called once the wait passes
   * {@link LOCK_ANNOUNCE_SECONDS}; false when `wait.seconds` ran out.
   */
  acquireLock(db: Kysely<any>, target: LockTarget, wait: LockWait): Promise<boolean>
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

/** How long to wait for the migration lock, and whom to tell that it is taking a while. */
export interface LockWait {
  readonly seconds: number
  announce(): void
}

/** How long a session waits for another one's migration lock unless told otherwise. */
export const LOCK_WAIT_SECONDS = 600

/** After how long a wait for the lock is announced. */
export const LOCK_ANNOUNCE_SECONDS = 1

/**
 * Wait for a lock that can only be tried without waiting (or with a short
 * wait): try, and while it fails, announce once past a second, try again
 * until `wait.seconds` ran out. `attempt(s)` may itself wait up to `s` seconds.
 */
export async function pollLock(
  wait: LockWait,
  attempt: (seconds: number) => Promise<boolean>,
): Promise<boolean> {
  const start = Date.now()
  const elapsed = (): number => (Date.now() - start) / 1000
  let announced = false
  for (;;) {
    const left = wait.seconds - elapsed()
    // Within the first second, wait no further than the point of announcing.
    const slice = Math.max(0, Math.min(left, announced ? left : LOCK_ANNOUNCE_SECONDS - elapsed()))
    if (await attempt(slice)) return true
    if (elapsed() >= wait.seconds) return false
    if (!announced && elapsed() >= LOCK_ANNOUNCE_SECONDS - 0.01) {
      announced = true
      wait.announce()
    }
  }
}
