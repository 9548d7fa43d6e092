import type { Dialect } from './dialect.js'
import type { DialectName } from './names.js'

// One loader per database, imported on first use: a command that never touches
// a database loads no client, and a PostgreSQL `--sql` run loads nothing of SQLite.
const LOADERS: Readonly<Record<DialectName, () => Promise<Dialect>>> = {
  sqlite: async () => (await import('./sqlite/index.js')).sqliteDialect,
  postgres: async () => (await import('./postgres/index.js')).postgresDialect,
  mysql: async () => (await import('./mysql/index.js')).mysqlDialect,
}

/** The dialect of a database family, loaded on demand. */
export function loadDialect(name: DialectName): Promise<Dialect> {
  return LOADERS[name]()
}
