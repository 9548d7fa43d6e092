import {
  CompiledQuery,
  Kysely,
  MysqlAdapter,
  MysqlDialect,
  MysqlIntrospector,
  MysqlQueryCompiler,
} from 'kysely'
import { DatabaseError } from '../../errors.js'
import { importWithDriver } from '../driver-package.js'
import type { ConnectionHooks, LockTarget } from '../connection.js'
import { pollLock } from '../connection.js'
import { offlineKysely } from '../capture.js'
import { localTimestamp, quoteIdentifierIfNeeded, quoteString, renderLiteral } from '../literals.js'
import type { LiteralStyle } from '../literals.js'

const style: LiteralStyle = {
  // Without NO_BACKSLASH_ESCAPES (the default), a backslash escapes the next character.
  escapeBackslash: true,
  true: 'true',
  false: 'false',
  bytes: (hex) => `X'${hex}'`,
  // mysql2 sends dates as local time by default; do the same.
  date: (d) => quoteString(localTimestamp(d, false), true),
  array: (values) => quoteString(JSON.stringify(values), true),
}

const literal = (value: unknown): string => renderLiteral(value, style)

class InlineCompiler extends MysqlQueryCompiler {
  protected override appendValue(value: unknown): void {
    this.append(literal(value))
  }
}

// GET_LOCK names are limited to 64 characters: hash schema and table.
const LOCK_NAME = `CONCAT('retort_', SHA1(CONCAT(COALESCE(?, DATABASE(), ''), '.', ?)))`

const lockParameters = ({ table, schema }: LockTarget): unknown[] => [schema ?? null, table]

/** MySQL and MariaDB through mysql2. DDL commits implicitly, so nothing DDL does can be rolled back. */
export const mysqlConnection: ConnectionHooks = {
  beginSql: 'START TRANSACTION',
  autocommitSql: { off: 'SET autocommit = 0', on: 'SET autocommit = 1' },

  async connect(url, log) {
    // The client is loaded only to connect: `--sql` runs never load it.
    // mysql2 is an optional peer dependency: name the install line when it is absent.
    const { createPool } = await importWithDriver('mysql2', 'MySQL/MariaDB', () => import('mysql2'))
    const pool = createPool({ uri: url.connectionString, connectionLimit: 1 })
    return new Kysely<any>({ dialect: new MysqlDialect({ pool }), log })
  },

  offline(capture) {
    return offlineKysely(
      {
        createAdapter: () => new MysqlAdapter(),
        createIntrospector: (db) => new MysqlIntrospector(db),
        createQueryCompiler: () => new InlineCompiler(),
        placeholders: 'question',
        literal,
        backslashEscapes: true,
      },
      capture,
    )
  },

  literal,
  quoteIdentifier: (name) => quoteIdentifierIfNeeded(name, '`'),
  placeholder: () => '?',

  tableExists({ table, schema }) {
    return {
      sql: 'SELECT COUNT(*) AS present FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?',
      parameters: [schema ?? null, table],
    }
  },

  async acquireLock(db, target, wait) {
    // GET_LOCK waits up to the given seconds (fractions allowed): 1 when taken, 0 on timeout.
    return pollLock(wait, async (seconds) => {
      const result = await db.executeQuery<{ acquired: number | null }>(
        CompiledQuery.raw(
          `SELECT GET_LOCK(${LOCK_NAME}, ${seconds.toFixed(3)}) AS acquired`,
          lockParameters(target),
        ),
      )
      const acquired = result.rows[0]?.acquired
      if (acquired === null || acquired === undefined)
        throw new DatabaseError('could not take the migration lock (GET_LOCK returned NULL)')
      return Number(acquired) === 1
    })
  },

  async releaseLock(db, target) {
    await db.executeQuery(
      CompiledQuery.raw(`SELECT RELEASE_LOCK(${LOCK_NAME})`, lockParameters(target)),
    )
  },

  // InnoDB checks foreign keys as statements run.
  checkIntegrity: async () => undefined,
}
