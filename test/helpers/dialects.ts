import type { Dialect } from '../../src/dialects/dialect.js'
import type { DialectName } from '../../src/dialects/names.js'
import { mysqlDialect } from '../../src/dialects/mysql/index.js'
import { postgresDialect } from '../../src/dialects/postgres/index.js'
import { sqliteDialect } from '../../src/dialects/sqlite/index.js'

// Tests load every dialect eagerly; a new database name fails to compile here until it is added.
const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
}

/** The dialect object of a database family, for tests that build `op` by hand. */
export function dialectOf(name: DialectName): Dialect {
  return DIALECTS[name]
}
