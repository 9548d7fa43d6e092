import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely'
import type { ConnectionHooks, LockTarget } from '../connection.js'
import { importWithDriver } from '../driver-package.js'
import { pollLock } from '../connection.js'
import { offlineKysely } from '../capture.js'
import { localTimestamp, quoteIdentifierIfNeeded, quoteString, renderLiteral } from '../literals.js'
import type { LiteralStyle } from '../literals.js'

function arrayLiteral(values: readonly unknown[]): string {
  const element = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL'
    if (Array.isArray(v)) return `{${v.map(element).join(',')}}`
    if (typeof v === 'string') return `"${v.replace(/[\\"]/g, '\\$&')}"`
    return String(v)
  }
  return quoteString(`{${values.map(element).join(',')}}`, false)
}

const style: LiteralStyle = {
  // standard_conforming_strings is on since PostgreSQL 9.1: backslashes are plain characters.
  escapeBackslash: false,
  true: 'true',
  false: 'false',
  bytes: (hex) => `'\\x${hex}'::bytea`,
  // node-postgres sends dates as local time with the offset; do the same.
  date: (d) => quoteString(localTimestamp(d, true), false),
  array: arrayLiteral,
}

const literal = (value: unknown): string => renderLiteral(value, style)

class InlineCompiler extends PostgresQueryCompiler {
  protected override appendValue(value: unknown): void {
    this.append(literal(value))
  }
}

// One advisory lock per version table: 64 bits of md5 over schema and table.
const LOCK_KEY = `('x' || substr(md5(coalesce($2::text, current_schema()::text, '') || '.' || $1::text), 1, 16))::bit(64)::bigint`

const lockParameters = ({ table, schema }: LockTarget): unknown[] => [table, schema ?? null]

/** PostgreSQL through node-postgres. */
export const postgresConnection: ConnectionHooks = {
  beginSql: 'BEGIN',

  async connect(url, log) {
    // The client is loaded only to connect: `--sql` runs never load it.
    // pg is an optional peer dependency: name the install line when it is absent.
    const { default: pg } = await importWithDriver('pg', 'PostgreSQL', () => import('pg'))
    const pool = new pg.Pool({
      connectionString: url.connectionString,
      max: 1,
      connectionTimeoutMillis: 30_000,
    })
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => {})
    return new Kysely<any>({ dialect: new PostgresDialect({ pool }), log })
  },

  offline(capture) {
    return offlineKysely(
      {
        createAdapter: () => new PostgresAdapter(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new InlineCompiler(),
        placeholders: 'dollar',
        literal,
        backslashEscapes: false,
      },
      capture,
    )
  },

  literal,
  quoteIdentifier: (name) => quoteIdentifierIfNeeded(name, '"'),
  placeholder: (n) => `$${n}`,

  tableExists({ table, schema }) {
    // to_regclass resolves the name as an unqualified reference would (search_path).
    const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`
    const name = schema === undefined ? quote(table) : `${quote(schema)}.${quote(table)}`
    return { sql: 'SELECT to_regclass($1) IS NOT NULL AS present', parameters: [name] }
  },

  async acquireLock(db, target, wait) {
    // pg_advisory_lock has no timeout of its own: try, and sleep a little between tries.
    return pollLock(wait, async (seconds) => {
      const { rows } = await db.executeQuery<{ acquired: boolean }>(
        CompiledQuery.raw(
          `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS acquired`,
          lockParameters(target),
        ),
      )
      if (rows[0]?.acquired === true) return true
      await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 0.1) * 1000))
      return false
    })
  },

  async releaseLock(db, target) {
    await db.executeQuery(
      CompiledQuery.raw(`SELECT pg_advisory_unlock(${LOCK_KEY})`, lockParameters(target)),
    )
  },

  // Constraints are enforced as statements run (or at COMMIT when deferred).
  checkIntegrity: async () => undefined,
}
