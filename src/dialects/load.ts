import type { DialectName } from '../../ops/context.js'
import type { RuntimeDriver } from './driver.js'

/**
 * The driver of a dialect, imported on demand so that commands that never
 * touch a database load neither Kysely nor any database client.
 */
export async function loadDriver(dialect: DialectName): Promise<RuntimeDriver> {
  switch (dialect) {
    case 'sqlite':
      return (await import('./sqlite.js')).sqliteDriver
    case 'postgres':
      return (await import('./postgres.js')).postgresDriver
    case 'mysql':
      return (await import('./mysql.js')).mysqlDriver
  }
}
