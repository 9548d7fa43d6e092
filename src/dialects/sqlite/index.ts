import type { Dialect } from '../dialect.js'
import { sqliteConnection } from './connection.js'
import { sqliteDdl } from './ddl.js'

/** SQLite through better-sqlite3: the whole dialect. */
export const sqliteDialect: Dialect = { name: 'sqlite', ...sqliteDdl, ...sqliteConnection }
