import type { Kysely } from 'kysely'
import type { Dialect } from './dialect.js'
import type { DialectName } from './names.js'

// One loader per database, imported on first use: a command that never touches
// a database loads no client, and a PostgreSQL `--sql` run loads nothing of SQLite.
const LOADERS: Readonly<Record<DialectName, () => Promise<Dialect>>> = {
  sqlite: async () => (await import('./sqlite/index.js')).sqliteDialect,
  postgres: async () => (await import('./postgres/index.js')).postgresDialect,
  mysql: async () => (await import('./mysql/index.js')).mysqlDialect,
}

/** The database family of a Kysely instance someone else opened, from its adapter. */
export async function dialectOfKysely(db: Kysely<any>): Promise<DialectName | undefined> {
  const { MysqlAdapter, PostgresAdapter, SqliteAdapter } = await import('kysely')
  const adapter = db.getExecutor().adapter
  if (adapter instanceof SqliteAdapter) return 'sqlite'
  if (adapter instanceof PostgresAdapter) return 'postgres'
  if (adapter instanceof MysqlAdapter) return 'mysql'
  return undefined
}

/** The dialect of a database family, loaded on demand. */
export function loadDialect(name: DialectName): Promise<Dialect> {
  return LOADERS[name]()
}
