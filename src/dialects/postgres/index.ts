import type { Dialect } from '../dialect.js'
import { postgresConnection } from './connection.js'
import { postgresDdl } from './ddl.js'

/** PostgreSQL through node-postgres: the whole dialect. */
export const postgresDialect: Dialect = { name: 'postgres', ...postgresDdl, ...postgresConnection }
