import { Kysely } from 'kysely'
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  DialectAdapter,
  Driver,
  QueryCompiler,
  QueryResult,
} from 'kysely'

/** A Kysely driver that runs nothing: every statement goes to `capture`, every query returns no rows. */
class CapturingDriver implements Driver {
  constructor(private readonly capture: (query: CompiledQuery) => void) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const capture = this.capture
    return {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        capture(query)
        return { rows: [] }
      },
      // eslint-disable-next-line require-yield
      async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
        capture(query)
      },
    }
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The pieces of a Kysely dialect an offline Kysely needs. */
export interface OfflineDialectParts {
  createAdapter(): DialectAdapter
  createIntrospector(db: Kysely<any>): DatabaseIntrospector
  /** A compiler that writes values as literals instead of placeholders. */
  createQueryCompiler(): QueryCompiler
  /** Placeholder syntax of precompiled queries that still carry parameters. */
  readonly placeholders: 'dollar' | 'question'
  literal(value: unknown): string
  readonly backslashEscapes: boolean
}

/** A connection-less Kysely that hands the SQL text of every statement, values inlined, to `capture`. */
export function offlineKysely(
  parts: OfflineDialectParts,
  capture: (sql: string) => void,
): Kysely<any> {
  return new Kysely<any>({
    dialect: {
      createAdapter: () => parts.createAdapter(),
      createIntrospector: (db) => parts.createIntrospector(db),
      createQueryCompiler: () => parts.createQueryCompiler(),
      createDriver: () =>
        new CapturingDriver((query) =>
          capture(
            query.parameters.length === 0
              ? query.sql
              : inlineParameters(
                  query.sql,
                  query.parameters,
                  parts.placeholders,
                  parts.literal,
                  parts.backslashEscapes,
                ),
          ),
        ),
    },
  })
}

/**
 * Replace the placeholders of `sql` by literals, skipping quoted text and
 * comments. Only queries compiled elsewhere (`CompiledQuery.raw(sql, params)`)
 * get here: Retort's offline compilers inline values as they compile.
 */
export function inlineParameters(
  sql: string,
  parameters: readonly unknown[],
  style: 'dollar' | 'question',
  literal: (value: unknown) => string,
  backslashEscapes: boolean,
): string {
  let out = ''
  let next = 0
  let i = 0
  while (i < sql.length) {
    const c = sql[i]!
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < sql.length) {
        if (backslashEscapes && sql[j] === '\\') j += 2
        else if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2
          else break
        } else j++
      }
      out += sql.slice(i, j + 1)
      i = j + 1
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      const j = end < 0 ? sql.length : end
      out += sql.slice(i, j)
      i = j
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      const j = end < 0 ? sql.length : end + 2
      out += sql.slice(i, j)
      i = j
    } else if (style === 'question' && c === '?') {
      out += literal(parameters[next++])
      i++
    } else if (style === 'dollar' && c === '$') {
      const number = /^\$(\d+)/.exec(sql.slice(i))
      const tag = number ? null : /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))
      if (number) {
        out += literal(parameters[Number(number[1]) - 1])
        i += number[0].length
      } else if (tag) {
        // PostgreSQL dollar-quoted string: copy through the closing tag.
        const end = sql.indexOf(tag[0], i + tag[0].length)
        const j = end < 0 ? sql.length : end + tag[0].length
        out += sql.slice(i, j)
        i = j
      } else {
        out += c
        i++
      }
    } else {
      out += c
      i++
    }
  }
  return out
}
