import type { DialectName } from '../context.js'
import type { OpsDialect } from './dialect.js'
import { mysqlDialect } from './mysql.js'
import { postgresDialect } from './postgres.js'
import { sqliteDialect } from './sqlite.js'

const DIALECTS: Readonly<Record<DialectName, OpsDialect>> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
}

/** The operations dialect for a database family. */
export function opsDialect(name: DialectName): OpsDialect {
  return DIALECTS[name]
}
