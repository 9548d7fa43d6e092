import type Database from 'better-sqlite3'
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely'
import type { ConnectionHooks } from '../connection.js'
import { LOCK_WAIT_SECONDS, pollLock } from '../connection.js'
import { offlineKysely } from '../capture.js'
import { quoteIdentifierIfNeeded, quoteString, renderLiteral } from '../literals.js'
import type { LiteralStyle } from '../literals.js'

const style: LiteralStyle = {
  escapeBackslash: false,
  true: '1',
  false: '0',
  bytes: (hex) => `X'${hex}'`,
  date: (d) => quoteString(d.toISOString(), false),
  array: (values) => quoteString(JSON.stringify(values), false),
}

const literal = (value: unknown): string => renderLiteral(value, style)

class InlineCompiler extends SqliteQueryCompiler {
  protected override appendValue(value: unknown): void {
    this.append(literal(value))
  }
}

/** Connections whose foreign-key enforcement the lock switched off, to switch back on. */
const enforcing = new WeakSet<object>()

const STATEMENT_CACHE_SIZE = 64

/**
 * Kysely prepares every statement anew; a long run repeats the same
 * version-table UPDATE thousands of times. Keep the last few prepared
 * statements (SQLite re-prepares them itself after a schema change).
 */
function withStatementCache(
  database: Database.Database,
): Pick<Database.Database, 'close' | 'prepare'> {
  const cache = new Map<string, Database.Statement>()
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql)
      if (statement) {
        cache.delete(sql)
      } else {
        statement = database.prepare(sql)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
      }
      cache.set(sql, statement)
      return statement
    },
  } as Pick<Database.Database, 'close' | 'prepare'>
}

/** SQLite through better-sqlite3. */
export const sqliteConnection: ConnectionHooks = {
  // IMMEDIATE takes the write lock at once, so a waiting writer waits (busy
  // timeout) instead of failing later when a read lock cannot be upgraded.
  beginSql: 'BEGIN IMMEDIATE',

  async connect(url, log) {
    // The client is loaded only to connect: `--sql` runs never load it.
    const { default: Database } = await import('better-sqlite3')
    // Opened on first use, so that destroy() always closes it: Kysely closes only
    // a database it initialised, and one left open crashes Node 24 at exit.
    const open = async (): Promise<Pick<InstanceType<typeof Database>, 'close' | 'prepare'>> =>
      withStatementCache(
        new Database(url.sqlitePath ?? ':memory:', { timeout: LOCK_WAIT_SECONDS * 1000 }),
      )
    return new Kysely<any>({ dialect: new SqliteDialect({ database: open }), log })
  },

  offline(capture) {
    return offlineKysely(
      {
        createAdapter: () => new SqliteAdapter(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new InlineCompiler(),
        placeholders: 'question',
        literal,
        backslashEscapes: false,
      },
      capture,
    )
  },

  literal,
  quoteIdentifier: (name) => quoteIdentifierIfNeeded(name, '"'),
  placeholder: () => '?',

  tableExists({ table, schema }) {
    const master =
      schema === undefined
        ? 'sqlite_master'
        : `${quoteIdentifierIfNeeded(schema, '"')}.sqlite_master`
    return {
      sql: `SELECT count(*) AS present FROM ${master} WHERE type = 'table' AND name = ?`,
      parameters: [table],
    }
  },

  // The lock is a write transaction held for the whole session: other
  // writers wait on the busy timeout until it commits; the session's own
  // transactions are savepoints inside it (capabilities.lockIsTransaction).
  // SQLite ignores `PRAGMA foreign_keys` inside a transaction, and a batch
  // rebuild (drop and recreate a table) must not cascade into the tables
  // pointing at it. So, as SQLite's documented ALTER procedure does,
  // enforcement is switched off for the locked run, and checkIntegrity runs
  // `PRAGMA foreign_key_check` after each migration instead.
  async acquireLock(db, _target, wait) {
    const { rows } = await db.executeQuery<{ foreign_keys: number }>(
      CompiledQuery.raw('PRAGMA foreign_keys'),
    )
    if (rows[0]?.foreign_keys) {
      enforcing.add(db)
      await db.executeQuery(CompiledQuery.raw('PRAGMA foreign_keys = OFF'))
    }
    // The busy timeout is the wait: a short one until the wait is announced, then the rest.
    const taken = await pollLock(wait, async (seconds) => {
      await db.executeQuery(
        CompiledQuery.raw(`PRAGMA busy_timeout = ${Math.round(seconds * 1000)}`),
      )
      try {
        await db.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'))
        return true
      } catch (error) {
        if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return false
        throw error
      }
    })
    await db.executeQuery(CompiledQuery.raw(`PRAGMA busy_timeout = ${LOCK_WAIT_SECONDS * 1000}`))
    if (!taken && enforcing.delete(db)) {
      await db.executeQuery(CompiledQuery.raw('PRAGMA foreign_keys = ON'))
    }
    return taken
  },

  async releaseLock(db, _target, keep) {
    try {
      await db.executeQuery(CompiledQuery.raw(keep ? 'COMMIT' : 'ROLLBACK'))
    } finally {
      if (enforcing.delete(db)) await db.executeQuery(CompiledQuery.raw('PRAGMA foreign_keys = ON'))
    }
  },

  async checkIntegrity(db) {
    if (!enforcing.has(db)) return undefined
    const { rows } = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw('PRAGMA foreign_key_check'),
    )
    if (rows.length === 0) return undefined
    const shown = rows
      .slice(0, 5)
      .map((r) => `${String(r.table)} row ${String(r.rowid)} -> ${String(r.parent)}`)
      .join('; ')
    return `foreign key check failed (${rows.length} violation(s): ${shown})`
  },
}
