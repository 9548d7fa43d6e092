import type { Dialect } from '../dialect.js'
import { conventions, readSchema, render } from './catalog.js'
import { postgresConnection } from './connection.js'
import { postgresDdl } from './ddl.js'
import { openScratch } from './scratch.js'

/** PostgreSQL through node-postgres: the whole dialect. */
export const postgresDialect: Dialect = {
  name: 'postgres',
  ...postgresDdl,
  ...postgresConnection,
  readSchema,
  catalog: conventions,
  render,
  openScratch,
}
