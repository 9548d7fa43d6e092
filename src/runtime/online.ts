import { CompiledQuery } from 'kysely'
import type { Kysely, LogEvent } from 'kysely'
import { maskSecrets, type DatabaseUrl } from '../config/database-url.js'
import { DatabaseError, RetortError } from '../errors.js'
import type { PlanStep, RowChange } from '../graph/step.js'
import { createOperations } from '../ops/operations.js'
import type { RuntimeDriver } from './drivers/driver.js'
import { loadDriver } from './drivers/index.js'
import { executePlan, guardTransactions, loadPlanModules } from './executor.js'
import type { Session, SessionOptions } from './session.js'
import type { VersionTableRef } from './version-table.js'
import {
  applyRowChange,
  deleteAllRows,
  ensureVersionTable,
  readVersionRows,
} from './version-table.js'

/** The implementation of withDatabase (session.ts), loaded on demand. */
export async function openSession<T>(
  options: SessionOptions,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const driver = await loadDriver(options.url.dialect)
  // The SQL of failed statements, so that a migration error can show it.
  const failed = new WeakMap<object, string>()
  const log = (event: LogEvent): void => {
    if (event.level === 'error' && typeof event.error === 'object' && event.error !== null) {
      failed.set(event.error, event.query.sql)
    }
  }
  let db: Kysely<any>
  try {
    db = await driver.connect(options.url, log)
  } catch (error) {
    throw connectionError(options.url, error)
  }
  let connected = false
  try {
    return await db.connection().execute(async (connection) => {
      connected = true
      return withLock(driver, connection, options, async () => {
        const session = new OnlineSession(driver, connection, options, failed)
        return fn(session)
      })
    })
  } catch (error) {
    throw connected ? error : connectionError(options.url, error)
  } finally {
    await db.destroy().catch(() => {})
  }
}

async function withLock<T>(
  driver: RuntimeDriver,
  connection: Kysely<any>,
  options: SessionOptions,
  body: () => Promise<T>,
): Promise<T> {
  if (!options.lock) return body()
  const target = { table: options.versionTable, schema: options.versionTableSchema }
  try {
    await driver.acquireLock(connection, target)
  } catch (error) {
    if (error instanceof RetortError) throw error
    throw new DatabaseError(
      `could not take the migration lock on ${options.url.masked}: ${reasonOf(error, options.url)}`,
      {
        cause: error,
      },
    )
  }
  let result: T
  try {
    result = await body()
  } catch (error) {
    // Work that a transactional lock holds (SQLite) is kept: failed migrations were already rolled back to their savepoints.
    await driver.releaseLock(connection, target, !brokenSessions.has(connection)).catch(() => {})
    throw error
  }
  try {
    await driver.releaseLock(connection, target, !brokenSessions.has(connection))
  } catch (error) {
    throw new DatabaseError(
      `could not release the migration lock on ${options.url.masked}: ${reasonOf(error, options.url)}`,
      {
        cause: error,
      },
    )
  }
  return result
}

// Connections on which a rollback failed: their lock transaction must not be committed.
const brokenSessions = new WeakSet<object>()

class OnlineSession implements Session {
  readonly dialect
  private readonly ref: VersionTableRef
  /** Transactions are savepoints inside the lock's write transaction (SQLite). */
  private readonly useSavepoints: boolean
  private savepointDepth = 0

  constructor(
    private readonly driver: RuntimeDriver,
    private readonly connection: Kysely<any>,
    private readonly options: SessionOptions,
    private readonly failed: WeakMap<object, string>,
  ) {
    this.dialect = { name: driver.name, transactionalDdl: driver.transactionalDdl }
    this.ref = { table: options.versionTable, schema: options.versionTableSchema }
    this.useSavepoints = options.lock && driver.lockIsTransaction
  }

  readRows(): Promise<string[]> {
    return readVersionRows(this.connection, this.driver, this.ref)
  }

  ensureVersionTable(): Promise<void> {
    return ensureVersionTable(this.connection, this.driver, this.ref)
  }

  async purge(): Promise<void> {
    await ensureVersionTable(this.connection, this.driver, this.ref)
    await deleteAllRows(this.connection, this.driver, this.ref)
  }

  async run(plan: readonly PlanStep[]): Promise<void> {
    if (plan.length === 0) return
    const modules = await loadPlanModules(plan, this.options)
    // behavior.md c.7: the table exists before the first step (committed on its own).
    await ensureVersionTable(this.connection, this.driver, this.ref)
    const db = guardTransactions(this.connection)
    const { driver, options } = this
    // One context for the run: `op` holds no state between calls, and long plans should not pay for it per step.
    const context = Object.freeze({
      op: createOperations({ db, dialect: driver.name, offline: false }),
      db,
      args: options.args,
      tag: options.tag,
      dialect: this.dialect,
      offline: false,
    })
    await executePlan(plan, modules, {
      // DDL commits implicitly on MySQL/MariaDB: write each step's row right after it, as Alembic does.
      perStep: options.transactionPerMigration || !driver.transactionalDdl,
      begin: () => this.begin(),
      commit: () => this.commit(),
      rollback: () => this.rollback(),
      beforeStep: () => {},
      context: () => context,
      applyRowChange: (change: RowChange) =>
        applyRowChange(this.connection, driver, this.ref, change),
      failedStatement: (error) => {
        for (
          let e: unknown = error;
          typeof e === 'object' && e !== null;
          e = (e as { cause?: unknown }).cause
        ) {
          const sql = this.failed.get(e)
          if (sql !== undefined) return sql
        }
        return undefined
      },
      log: options.log,
    })
  }

  /** Run a transaction-control statement; a failure is a DatabaseError naming it. */
  private async execute(sql: string): Promise<void> {
    try {
      await this.connection.executeQuery(CompiledQuery.raw(sql))
    } catch (error) {
      throw new DatabaseError(
        `${sql} failed on ${this.options.url.masked}: ${reasonOf(error, this.options.url)}`,
        {
          cause: error,
        },
      )
    }
  }

  private async begin(): Promise<void> {
    if (this.useSavepoints) await this.execute(`SAVEPOINT retort_${++this.savepointDepth}`)
    else await this.execute(this.driver.beginSql)
  }

  private async commit(): Promise<void> {
    if (this.useSavepoints) await this.execute(`RELEASE SAVEPOINT retort_${this.savepointDepth--}`)
    else await this.execute('COMMIT')
  }

  /** Roll back without masking the error that caused it; a failed rollback marks the session broken. */
  private async rollback(): Promise<void> {
    try {
      if (this.useSavepoints) {
        const name = `retort_${this.savepointDepth--}`
        await this.execute(`ROLLBACK TO SAVEPOINT ${name}`)
        await this.execute(`RELEASE SAVEPOINT ${name}`)
      } else {
        await this.execute('ROLLBACK')
      }
    } catch {
      brokenSessions.add(this.connection)
    }
  }
}

/** The reason a driver gave, without the password even if the driver echoed it. */
function reasonOf(error: unknown, url: DatabaseUrl): string {
  let reason = error instanceof Error ? error.message : String(error)
  // Node reports a refused connection to several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError without a message.
  if (!reason && error instanceof AggregateError) {
    reason = error.errors
      .map((e: unknown) => (e instanceof Error ? e.message : String(e)))
      .join('; ')
  }
  if (!reason && error instanceof Error && 'code' in error) reason = String(error.code)
  return maskSecrets(reason, [url.url]) || 'unknown error'
}

function connectionError(url: DatabaseUrl, error: unknown): DatabaseError {
  return new DatabaseError(`cannot connect to ${url.masked}: ${reasonOf(error, url)}`, {
    cause: error,
  })
}
