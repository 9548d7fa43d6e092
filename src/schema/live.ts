import type { ResolvedConfig } from '../config/config.js'
import { parseDatabaseUrl } from '../config/database-url.js'
import { DatabaseError, RetortError } from '../errors.js'
import { readDatabaseSchema as readSource } from './commands.js'
import type { SchemaModel, TableFilter } from './model.js'

/** The `include` / `exclude` filter of a resolved config. */
export function configFilter(config: ResolvedConfig): TableFilter {
  return { include: config.include, exclude: config.exclude }
}

/**
 * The model of the project's database as it is now: the URL's default
 * schema (or `versionTableSchema`'s), without the version table, through the
 * config's `include`/`exclude`.
 */
export async function readDatabaseSchema(config: ResolvedConfig): Promise<SchemaModel> {
  const url = parseDatabaseUrl(config.url, config.rootDir)
  try {
    return await readSource({
      url,
      versionTable: config.versionTable,
      schema: config.versionTableSchema,
      filter: configFilter(config),
    })
  } catch (error) {
    if (error instanceof RetortError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new DatabaseError(`could not read the schema of ${url.masked}: ${reason}`, {
      cause: error,
    })
  }
}
