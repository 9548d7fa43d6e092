import { DatabaseError } from '../errors.js'

/** The optional npm package each database needs, and the database's name for messages. */
export const DRIVER_PACKAGES = {
  postgres: { packageName: 'pg', database: 'PostgreSQL' },
  mysql: { packageName: 'mysql2', database: 'MySQL/MariaDB' },
} as const

/**
 * Import a driver module whose database client is an optional peer
 * dependency. When the client package itself is not installed, fail with the
 * exact install line instead of Node's resolution error; any other failure
 * (a broken install, an error inside the package) passes through unchanged.
 *
 * @param packageName the npm package the module needs, e.g. `pg`
 * @param database how the message names the database, e.g. `PostgreSQL`
 * @throws DatabaseError naming the package and the `npm install` line to run
 */
export async function importWithDriver<T>(
  packageName: string,
  database: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (isMissingPackage(error, packageName)) {
      throw new DatabaseError(
        `The database URL is for ${database}, whose driver '${packageName}' is not installed; ` +
          `run: npm install ${packageName}`,
        { cause: error },
      )
    }
    throw error
  }
}

/** Whether `error` is Node failing to find `packageName` itself (not one of its files or dependencies). */
function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false
  const message = String((error as Error).message)
  return message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`)
}
