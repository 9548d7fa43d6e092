import type { DialectName } from '../../ops/context.js'
import type { RuntimeDriver } from './driver.js'
import { DRIVER_PACKAGES, importWithDriver } from '../driver-package.js'

/**
 * The driver of a dialect, imported on demand so that commands that never
 * touch a database load neither Kysely nor any database client.
 */
export async function loadDriver(dialect: DialectName): Promise<RuntimeDriver> {
  const { postgres: pg, mysql: my } = DRIVER_PACKAGES
  switch (dialect) {
    case 'sqlite':
      return (await import('./sqlite.js')).sqliteDriver
    case 'postgres':
      // pg and mysql2 are optional peer dependencies: name the install line when absent.
      return (await importWithDriver(pg.packageName, pg.database, () => import('./postgres.js')))
        .postgresDriver
    case 'mysql':
      return (await importWithDriver(my.packageName, my.database, () => import('./mysql.js')))
        .mysqlDriver
  }
}
