import type { Kysely } from 'kysely'
import type { DialectName } from '../ops/context.js'
import type { SchemaModel, TableFilter } from './model.js'

/** What a catalog reader needs: where to look, what to leave out. */
export interface ReadSchemaOptions {
  /** PostgreSQL schema / MariaDB database; default: the connection's current one (SQLite: main). */
  readonly schema?: string
  /** The version table, never part of the model. */
  readonly versionTable: string
  readonly filter?: TableFilter
}

/**
 * Read the schema model of a live database with its dialect's catalog
 * reader (a few catalog queries per database, not one per table).
 */
export async function introspect(
  db: Kysely<any>,
  dialect: DialectName,
  options: ReadSchemaOptions,
): Promise<SchemaModel> {
  switch (dialect) {
    case 'sqlite':
      return (await import('../dialects/sqlite/catalog.js')).readSchema(db, options)
    case 'postgres':
      return (await import('../dialects/postgres/catalog.js')).readSchema(db, options)
    case 'mysql':
      return (await import('../dialects/mysql/catalog.js')).readSchema(db, options)
  }
}
