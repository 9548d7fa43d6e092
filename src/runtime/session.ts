import { CompiledQuery } from 'kysely'
import type { Kysely, LogEvent } from 'kysely'
import { maskSecrets, type DatabaseUrl } from '../config/database-url.js'
import type { Dialect } from '../dialects/dialect.js'
import { LOCK_WAIT_SECONDS } from '../dialects/connection.js'
import type { DialectName } from '../dialects/names.js'
import { dialectOfKysely, loadDialect } from '../dialects/registry.js'
import { DatabaseError, MigrationError, RetortError } from '../errors.js'
import type { PlanStep, RowChange } from '../graph/step.js'
import type { DialectInfo } from '../ops/context.js'
import { migrationContext } from './context.js'
import { executePlan, loadPlanModules, type TransactionControl } from './executor.js'
import { logLine } from './log.js'
import type { KeptConnection, Session, SessionOptions } from './options.js'
import type { VersionTableRef } from './version-table.js'
import {
  applyRowChange,
  deleteAllRows,
  ensureVersionTable,
  readVersionRows,
} from './version-table.js'

export type { RuntimeOptions, Session, SessionOptions } from './options.js'

/**
 * Connect, call `fn` with a session on one connection, and disconnect. An
 * unreachable server or a refused login rejects with a DatabaseError naming
 * the masked URL.
 *
 * @example
 * await withDatabase({ ...options, lock: true }, async (session) => {
 *   const rows = await session.readRows()
 *   if (rows.length === 0) await session.ensureVersionTable()
 *   await session.run(planFor(rows))
 * })
 */
export async function withDatabase<T>(
  options: SessionOptions,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const dialect = await loadDialect(options.url.dialect)
  const kept = options.kept ?? (await openConnection(options.url))
  const { db, failed, executed } = kept
  let connected = false
  try {
    return await db.connection().execute(async (connection) => {
      connected = true
      return withLock(dialect, connection, options, async () => {
        const session = new OnlineSession(
          dialect,
          connection,
          options,
          failed,
          executed,
          kept.tracked,
          kept,
        )
        return fn(session)
      })
    })
  } catch (error) {
    throw connected ? error : connectionError(options.url, error)
  } finally {
    if (options.kept === undefined) await db.destroy().catch(() => {})
  }
}

/**
 * Open a connection for one session, or for the life of a Retort
 * (`sqlite::memory:`): Kysely's log records the SQL of failed statements,
 * so that a migration error can show it, and the statements that succeeded,
 * to say what a failure left behind.
 */
export async function openConnection(url: DatabaseUrl): Promise<KeptConnection> {
  const dialect = await loadDialect(url.dialect)
  const failed = new WeakMap<object, string>()
  const executed: string[] = []
  // Statements sent so far: a migration that sent none has nothing to check afterwards.
  const sent = { statements: 0 }
  const log = (event: LogEvent): void => {
    sent.statements++
    if (event.level === 'error' && typeof event.error === 'object' && event.error !== null) {
      failed.set(event.error, event.query.sql)
    } else if (event.level === 'query') {
      executed.push(event.query.sql)
    }
  }
  try {
    return {
      db: await dialect.connect(url, log),
      owned: true,
      tracked: true,
      failed,
      executed,
      sent,
    }
  } catch (error) {
    throw connectionError(url, error)
  }
}

/**
 * A Kysely the application opened, used as is and never destroyed; its
 * database family is read from its adapter.
 */
export async function adoptConnection(
  db: Kysely<any>,
): Promise<{ kept: KeptConnection; dialect: DialectName }> {
  const dialect = await dialectOfKysely(db)
  if (dialect === undefined) {
    throw new DatabaseError(
      'the Kysely instance given to Retort.open({ db }) uses an adapter Retort does not know; ' +
        'give it a SQLite, PostgreSQL or MySQL/MariaDB dialect of Kysely',
    )
  }
  return {
    kept: {
      db,
      owned: false,
      tracked: false,
      failed: new WeakMap(),
      executed: [],
      sent: { statements: 0 },
    },
    dialect,
  }
}

/**
 * Hold the migration lock around `body`. The lock only keeps other sessions
 * out; what is kept is decided by the session's transactions, which commit
 * (after their integrity check) before the lock is given back.
 */
async function withLock<T>(
  dialect: Dialect,
  connection: Kysely<any>,
  options: SessionOptions,
  body: () => Promise<T>,
): Promise<T> {
  if (!options.lock) return body()
  const target = { table: options.versionTable, schema: options.versionTableSchema }
  const seconds = options.lockTimeout ?? LOCK_WAIT_SECONDS
  let taken: boolean
  try {
    taken = await dialect.acquireLock(connection, target, {
      seconds,
      announce: () =>
        options.log(logLine('waiting for the migration lock held by another process...')),
    })
  } catch (error) {
    if (error instanceof RetortError) throw error
    throw new DatabaseError(
      `could not take the migration lock on ${options.url.masked}: ${reasonOf(error, options.url)}`,
      {
        cause: error,
      },
    )
  }
  if (!taken) {
    throw new DatabaseError(
      `gave up waiting for the migration lock on ${options.url.masked} after ${seconds} s: ` +
        'another process is migrating this database; let it finish and run again, or raise ' +
        'lockTimeout (--lock-timeout)',
    )
  }
  let result: T
  try {
    result = await body()
  } catch (error) {
    // Work that a transactional lock holds (SQLite) is kept: failed migrations were already rolled back to their savepoints.
    await dialect.releaseLock(connection, target, !brokenSessions.has(connection)).catch(() => {})
    throw error
  }
  try {
    await dialect.releaseLock(connection, target, !brokenSessions.has(connection))
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
  readonly dialect: DialectInfo
  private readonly ref: VersionTableRef
  private readonly transactions: Transactions

  constructor(
    private readonly impl: Dialect,
    private readonly connection: Kysely<any>,
    private readonly options: SessionOptions,
    private readonly failed: WeakMap<object, string>,
    private readonly executed: string[],
    private readonly tracked: boolean,
    private readonly kept: KeptConnection,
  ) {
    this.dialect = { name: impl.name, transactionalDdl: impl.capabilities.transactionalDdl }
    this.ref = { table: options.versionTable, schema: options.versionTableSchema }
    this.transactions = new Transactions(
      connection,
      impl.beginSql,
      impl.autocommitSql,
      // Under a lock that is itself a transaction (SQLite), transactions are savepoints inside it.
      options.lock && impl.capabilities.lockIsTransaction,
      options.url,
    )
  }

  readRows(): Promise<string[]> {
    return readVersionRows(this.connection, this.impl, this.ref)
  }

  ensureVersionTable(): Promise<void> {
    return ensureVersionTable(this.connection, this.impl, this.ref)
  }

  async purge(): Promise<void> {
    await ensureVersionTable(this.connection, this.impl, this.ref)
    await deleteAllRows(this.connection, this.impl, this.ref)
  }

  async run(plan: readonly PlanStep[]): Promise<void> {
    if (plan.length === 0) return
    const modules = await loadPlanModules(plan, this.options)
    // behavior.md c.7: the table exists before the first step (committed on its own).
    await ensureVersionTable(this.connection, this.impl, this.ref)
    const { impl, options, transactions, executed } = this
    // Built once; `op.autocommitBlock` reaches the run's transaction control through `control`.
    let control: TransactionControl | undefined
    let outside = false
    const context = migrationContext(this.connection, impl, options, false, (fn) => {
      outside = true
      return control!.autocommit(fn)
    })
    const transactionalDdl = impl.capabilities.transactionalDdl
    const perStep = options.transactionPerMigration || !transactionalDdl
    // The step running and what it sent, for the report of a failure.
    let current: PlanStep | undefined
    let completed = 0
    let stepStatements: string[] = []
    let recording = false
    let sentBefore = 0
    // A lock that is a transaction (SQLite) is committed and taken again whenever work is to be kept.
    const relock = options.lock && impl.capabilities.lockIsTransaction
    try {
      await executePlan(plan, modules, {
        // DDL commits implicitly on MySQL/MariaDB: one transaction per step, its row written first.
        perStep,
        rowChangesFirst: !transactionalDdl,
        begin: () => transactions.begin(),
        commit: async () => {
          await transactions.commit()
          // Under a lock that is a transaction (SQLite), each revision still commits on its own.
          if (perStep) completed++
        },
        rollback: () => transactions.rollback(),
        beforeStep: (step, index) => {
          options.onStep?.({ phase: 'start', step, index, total: plan.length })
          sentBefore = this.kept.sent.statements
          current = step
          outside = false
          stepStatements = []
          executed.length = 0
          recording = true
        },
        afterStep: (step, index, durationMs) =>
          options.onStep?.({ phase: 'end', step, index, total: plan.length, durationMs }),
        leaveTransaction: async () => {
          if (relock) await this.commitUnderLock()
        },
        context: (tx) => {
          control = tx
          return context
        },
        afterMigration: async () => {
          // Long plans of migrations that send nothing (stamps, no-ops) pay no check.
          if (this.tracked && this.kept.sent.statements === sentBefore) return
          const problem = await impl.checkIntegrity(this.connection)
          if (problem)
            throw new RetortError(`${problem}; the migration's transaction was rolled back`)
        },
        applyRowChange: async (change: RowChange) => {
          // The migration's statements so far; the row change itself is not one of them.
          if (recording) stepStatements.push(...executed)
          recording = false
          await applyRowChange(this.connection, impl, this.ref, change)
          executed.length = 0
          recording = true
        },
        baseDir: options.baseDir,
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
    } catch (error) {
      if (!(error instanceof MigrationError) || current === undefined) throw error
      if (recording) stepStatements.push(...executed)
      if (current.path !== undefined && modules.get(current.path)?.transaction === false)
        outside = true
      throw await this.reportFailure(error, current, completed, stepStatements, outside)
    } finally {
      executed.length = 0
    }
  }

  /**
   * The failure with what it left behind: rolled back and where the version
   * table is, which revisions of the run were kept, or (where DDL commits
   * as it goes) which statements of the failing revision stay committed.
   */
  private async reportFailure(
    error: MigrationError,
    step: PlanStep,
    completed: number,
    statements: readonly string[],
    outside: boolean,
  ): Promise<MigrationError> {
    const rev = error.revision
    let state: string
    try {
      if (this.impl.capabilities.transactionalDdl) {
        const rows = await this.readRows()
        state = outside
          ? `'${rev}' ran outside a transaction (transaction = false or op.autocommitBlock): what ` +
            `it did there before the failure stays, and so does what ran before it; the version ` +
            `table is at ${showRows(rows)}. Undo its work by hand and run the ${error.direction} ` +
            `again, or complete it and run 'retort stamp ${rev}'`
          : completed > 0
            ? `the ${completed} revision(s) before it were committed and kept (transactionPerMigration); ` +
              `'${rev}' was rolled back: the database is at ${showRows(rows)}`
            : `rolled back: the database is still at ${showRows(rows)}`
      } else {
        // Everything up to the last statement that commits implicitly (DDL) stays.
        const last = statements.findLastIndex((sql) => IMPLICIT_COMMIT.test(sql))
        const committed = statements.slice(0, last + 1)
        // The step's row, written first, was committed by a DDL statement: put it back.
        let rows = await this.readRows()
        if (error.direction === 'upgrade' ? rows.includes(rev) : !rows.includes(rev)) {
          await this.undoRowChanges(step)
          rows = await this.readRows()
        }
        state = !this.tracked
          ? `'${rev}' may be partly applied: this database commits DDL as it goes, and the ` +
            `statements of it that ran before the failure stay committed; the version table is at ` +
            `${showRows(rows)}. Check the database, then undo them and run the ${error.direction} ` +
            `again, or complete the revision and run 'retort stamp ${rev}'`
          : committed.length === 0
            ? `rolled back: the database is still at ${showRows(rows)}`
            : `'${rev}' is partly applied: this database commits DDL as it goes, and these ` +
              `statements of it stay committed:\n` +
              committed.map((sql) => `    ${sql.trim()}`).join('\n') +
              `\n  the version table is at ${showRows(rows)}. Undo those statements by hand and ` +
              `run the ${error.direction} again, or complete the revision by hand and ` +
              `run 'retort stamp ${rev}'`
      }
    } catch (stateError) {
      state = `could not read the version table afterwards (${messageOf(stateError)}); check it with 'retort current'`
    }
    return new MigrationError(`${error.message}\n  ${state}`, rev, error.direction, {
      cause: error.cause,
    })
  }

  /**
   * Commit the lock's transaction and take it again at once: what the
   * revisions did so far is on disk, and the lock is held again before
   * anything else runs. Should another process slip in between, the
   * version table shows it, and the run stops rather than repeat its work.
   */
  private async commitUnderLock(): Promise<void> {
    const expected = (await this.readRows()).sort().join(', ')
    await this.connection.executeQuery(CompiledQuery.raw('COMMIT'))
    await this.connection.executeQuery(CompiledQuery.raw(this.impl.beginSql))
    const found = (await this.readRows()).sort().join(', ')
    if (found !== expected) {
      throw new DatabaseError(
        `another process changed the version table between two revisions (expected ${expected}, ` +
          `found ${found}); nothing more was run: check 'retort current' and run the upgrade again`,
      )
    }
  }

  /** Apply the inverse of a step's row changes, committed on its own. */
  private async undoRowChanges(step: PlanStep): Promise<void> {
    await this.transactions.begin()
    try {
      for (const change of [...step.rowChanges].reverse()) {
        await applyRowChange(this.connection, this.impl, this.ref, inverse(change))
      }
    } catch (error) {
      await this.transactions.rollback()
      throw error
    }
    await this.transactions.commit()
  }
}

/** Statements after which MySQL/MariaDB have committed implicitly. */
const IMPLICIT_COMMIT =
  /^\s*(?:create|alter|drop|rename|truncate|grant|revoke|lock\s+tables|unlock\s+tables)\b/i

function inverse(change: RowChange): RowChange {
  switch (change.kind) {
    case 'insert':
      return { kind: 'delete', revision: change.revision }
    case 'delete':
      return { kind: 'insert', revision: change.revision }
    case 'update':
      return { kind: 'update', from: change.to, to: change.from }
  }
}

const showRows = (rows: readonly string[]): string =>
  rows.length === 0 ? 'base (no revision applied)' : rows.join(', ')

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/**
 * Begin, commit and roll back the session's transactions: real ones, or
 * savepoints inside a lock that is itself a transaction. Separate from the
 * lock, so a failure here is reported as what it is.
 */
class Transactions {
  private savepointDepth = 0

  constructor(
    private readonly connection: Kysely<any>,
    private readonly beginSql: string,
    private readonly autocommitSql: { readonly off: string; readonly on: string } | undefined,
    private readonly useSavepoints: boolean,
    private readonly url: DatabaseUrl,
  ) {}

  /** Run a transaction-control statement; a failure is a DatabaseError naming it. */
  private async execute(sql: string): Promise<void> {
    try {
      await this.connection.executeQuery(CompiledQuery.raw(sql))
    } catch (error) {
      throw new DatabaseError(`${sql} failed on ${this.url.masked}: ${reasonOf(error, this.url)}`, {
        cause: error,
      })
    }
  }

  async begin(): Promise<void> {
    if (this.useSavepoints) {
      await this.execute(`SAVEPOINT retort_${++this.savepointDepth}`)
      return
    }
    if (this.autocommitSql) await this.execute(this.autocommitSql.off)
    await this.execute(this.beginSql)
  }

  async commit(): Promise<void> {
    if (this.useSavepoints) {
      await this.execute(`RELEASE SAVEPOINT retort_${this.savepointDepth--}`)
      return
    }
    await this.execute('COMMIT')
    if (this.autocommitSql) await this.execute(this.autocommitSql.on)
  }

  /** Roll back without masking the error that caused it; a failed rollback marks the session broken. */
  async rollback(): Promise<void> {
    try {
      if (this.useSavepoints) {
        const name = `retort_${this.savepointDepth--}`
        await this.execute(`ROLLBACK TO SAVEPOINT ${name}`)
        await this.execute(`RELEASE SAVEPOINT ${name}`)
      } else {
        await this.execute('ROLLBACK')
        if (this.autocommitSql) await this.execute(this.autocommitSql.on)
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
