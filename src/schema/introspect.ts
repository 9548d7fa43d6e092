import type { Kysely } from 'kysely'
import type { CatalogConventions, ReadSchemaOptions } from '../dialects/catalog.js'
import type { DialectName } from '../dialects/names.js'
import { loadDialect } from '../dialects/registry.js'
import type { SchemaModel } from './model.js'

export type { CatalogConventions, ReadSchemaOptions, ScriptSyntax } from '../dialects/catalog.js'

/** The catalog habits of a dialect. */
export async function catalogConventions(dialect: DialectName): Promise<CatalogConventions> {
  return (await loadDialect(dialect)).catalog
}

/**
 * Read the schema model of a live database with its dialect's catalog
 * reader (`Dialect.readSchema`: a few catalog queries per database, not one per table).
 */
export async function introspect(
  db: Kysely<any>,
  dialect: DialectName,
  options: ReadSchemaOptions,
): Promise<SchemaModel> {
  return (await loadDialect(dialect)).readSchema(db, options)
}
