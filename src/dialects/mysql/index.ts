import type { Dialect } from '../dialect.js'
import { conventions, readSchema, render } from './catalog.js'
import { mysqlConnection } from './connection.js'
import { mysqlDdl } from './ddl.js'
import { openScratch } from './scratch.js'

/** MySQL and MariaDB through mysql2: the whole dialect. */
export const mysqlDialect: Dialect = {
  name: 'mysql',
  ...mysqlDdl,
  ...mysqlConnection,
  readSchema,
  catalog: conventions,
  render,
  openScratch,
}
