import type { Kysely } from 'kysely'
import type { DialectName } from '../ops/context.js'
import type { SchemaModel, TableFilter } from './model.js'
import type { OpenScratch } from './scratch.js'

/** What a catalog reader needs: where to look, what to leave out. */
export interface ReadSchemaOptions {
  /** PostgreSQL schema / MariaDB database; default: the connection's current one (SQLite: main). */
  readonly schema?: string
  /** The version table, never part of the model. */
  readonly versionTable: string
  readonly filter?: TableFilter
}

/** How SQL text is split into statements on a database. */
export interface ScriptSyntax {
  /** `$tag$ ... $tag$` strings (PostgreSQL). */
  readonly dollarQuotes: boolean
  /** `\'` inside a string (MariaDB). */
  readonly backslashEscapes: boolean
  /** `# comment` lines (MariaDB). */
  readonly hashComments: boolean
}

/** A database's catalog habits that the declared schema needs. */
export interface CatalogConventions {
  /**
   * The name to give a foreign key added after its table (tables that
   * reference each other) that reads back as made up by the database; or
   * undefined where tables may reference tables not yet created (SQLite).
   */
  readonly foreignKeyName:
    ((table: string, columns: readonly string[], n: number) => string) | undefined
  readonly script: ScriptSyntax
  /** Whether a raw (non-portable) type name is one the database has (declared schemas are checked with it). */
  isKnownType(type: string): boolean
}

/** The catalog habits of a dialect. */
export async function catalogConventions(dialect: DialectName): Promise<CatalogConventions> {
  switch (dialect) {
    case 'sqlite':
      return (await import('../dialects/sqlite/catalog.js')).conventions
    case 'postgres':
      return (await import('../dialects/postgres/catalog.js')).conventions
    case 'mysql':
      return (await import('../dialects/mysql/catalog.js')).conventions
  }
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

/** The scratch-database maker of a dialect (see scratch.ts). */
export async function openScratchFor(dialect: DialectName): Promise<OpenScratch> {
  switch (dialect) {
    case 'sqlite':
      return (await import('../dialects/sqlite/scratch.js')).openScratch
    case 'postgres':
      return (await import('../dialects/postgres/scratch.js')).openScratch
    case 'mysql':
      return (await import('../dialects/mysql/scratch.js')).openScratch
  }
}
