import type { CompiledQuery } from 'kysely'
import {
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Driver,
} from 'kysely'
import type { TestDialect } from '../../helpers/databases.js'

/** A driver that runs nothing: it records each compiled query and returns no rows. */
class CapturingDriver implements Driver {
  constructor(private readonly captured: CompiledQuery[]) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const captured = this.captured
    return {
      async executeQuery(query) {
        captured.push(query)
        return { rows: [] }
      },
      // eslint-disable-next-line require-yield
      async *streamQuery() {
        throw new Error('streaming is not available offline')
      },
    }
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

const PARTS = {
  sqlite: {
    adapter: SqliteAdapter,
    compiler: SqliteQueryCompiler,
    introspector: SqliteIntrospector,
  },
  postgres: {
    adapter: PostgresAdapter,
    compiler: PostgresQueryCompiler,
    introspector: PostgresIntrospector,
  },
  mysql: { adapter: MysqlAdapter, compiler: MysqlQueryCompiler, introspector: MysqlIntrospector },
} as const

/** An offline Kysely for `dialect` and the queries it captured. */
export function capturingKysely(dialect: TestDialect): {
  db: Kysely<any>
  captured: CompiledQuery[]
} {
  const captured: CompiledQuery[] = []
  const parts = PARTS[dialect]
  const db = new Kysely<any>({
    dialect: {
      createAdapter: () => new parts.adapter(),
      createDriver: () => new CapturingDriver(captured),
      createQueryCompiler: () => new parts.compiler(),
      createIntrospector: (k) => new parts.introspector(k),
    },
  })
  return { db, captured }
}

/** A value as a SQL literal of `dialect` (what the runtime's --sql inliner must do). */
export function literal(dialect: TestDialect, value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return dialect === 'sqlite' ? (value ? '1' : '0') : String(value)
  if (Buffer.isBuffer(value))
    return dialect === 'postgres' ? `'\\x${value.toString('hex')}'` : `X'${value.toString('hex')}'`
  if (typeof value === 'string') {
    const escaped = value.replace(/'/g, "''")
    return `'${dialect === 'mysql' ? escaped.replace(/\\/g, '\\\\') : escaped}'`
  }
  throw new Error(`no literal for ${typeof value} ${String(value)}`)
}

/** The statement with its parameters written in as literals. */
export function inline(dialect: TestDialect, query: CompiledQuery): string {
  const { sql, parameters } = query
  let out = ''
  let i = 0
  let next = 0
  while (i < sql.length) {
    const ch = sql[i]!
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = sql.indexOf(ch, i + 1)
      out += sql.slice(i, end + 1)
      i = end + 1
    } else if (dialect === 'postgres' && ch === '$' && /\d/.test(sql[i + 1] ?? '')) {
      const m = /^\$(\d+)/.exec(sql.slice(i))!
      out += literal(dialect, parameters[Number(m[1]) - 1])
      i += m[0].length
    } else if (dialect !== 'postgres' && ch === '?') {
      out += literal(dialect, parameters[next++])
      i++
    } else {
      out += ch
      i++
    }
  }
  return out
}

/** Captured queries as a script: each statement, ';', an empty line. */
export function scriptOf(dialect: TestDialect, queries: readonly CompiledQuery[]): string {
  return queries.map((q) => `${inline(dialect, q)};\n\n`).join('')
}

/** The statements of a script made by scriptOf. */
export function statementsOf(script: string): string[] {
  return script
    .split(';\n\n')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}
