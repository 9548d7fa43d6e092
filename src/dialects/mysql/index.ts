import type { Dialect } from '../dialect.js'
import { mysqlConnection } from './connection.js'
import { mysqlDdl } from './ddl.js'

/** MySQL and MariaDB through mysql2: the whole dialect. */
export const mysqlDialect: Dialect = { name: 'mysql', ...mysqlDdl, ...mysqlConnection }
