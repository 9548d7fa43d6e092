import type { Dialect } from '../dialect.js'
import { conventions, readSchema, render } from './catalog.js'
import { sqliteConnection } from './connection.js'
import { sqliteDdl } from './ddl.js'
import { openScratch } from './scratch.js'

/** SQLite through better-sqlite3: the whole dialect. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  ...sqliteDdl,
  ...sqliteConnection,
  readSchema,
  catalog: conventions,
  render,
  openScratch,
}
