import type { Kysely, RawBuilder } from 'kysely'
import type { DatabaseUrl } from '../config/database-url.js'
import { DatabaseError } from '../errors.js'
import type { ForeignKeyModel, SchemaModel, TableFilter } from '../schema/model.js'

/*
 * The schema side of a dialect (issue 9): what its catalog reader
 * (dialects/<name>/catalog.ts) is asked, the habits the declared schema and
 * autogenerate need, and the scratch databases of verify and `.sql` schemas.
 * The model itself lives in schema/model.ts.
 */

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

/** Read the model of the database `db` is connected to (a few catalog queries, not one per table). */
export type ReadSchema = (db: Kysely<any>, options: ReadSchemaOptions) => Promise<SchemaModel>

/** What rendering needs to know about the database the revision is for. */
export interface RenderDialect {
  /**
   * SQLite: constraint changes and column type, nullability and default
   * changes need a table rebuild, so they are written in op.batchAlterTable.
   */
  readonly rebuildsTables: boolean
  /**
   * An auto-increment column must lead a key at every step (MariaDB), so it
   * is turned off while the keys it leads are replaced.
   */
  readonly autoIncrementNeedsKey?: boolean
  /** The name every primary key has, which no ADD may give (MariaDB: PRIMARY). */
  readonly primaryKeyName?: string
  /** Quote an identifier for raw statements. */
  readonly quote: (name: string) => string
  /**
   * Statement that drops the index the database made for a foreign key,
   * run after the key is dropped (MariaDB keeps it; adding the key makes it again).
   */
  readonly foreignKeyIndexSql?: (table: string, foreignKey: ForeignKeyModel) => string
  /** Statement that sets (or, with null, removes) a table comment; none: not written. */
  readonly tableCommentSql?: (table: string, comment: string | null) => string
}

/** A scratch database: where it is, and a connection to it. */
export interface ScratchDatabase {
  /** URL of the scratch database (SQLite file, PostgreSQL schema via search_path, MariaDB database). */
  readonly url: string
  readonly db: Kysely<any>
}

/** An open scratch database and how to remove it (each dialect's scratch.ts). */
export interface OpenedScratch extends ScratchDatabase {
  remove(): Promise<void>
}

/** Create a scratch database named `name` next to `url`. */
export type OpenScratch = (url: DatabaseUrl, name: string) => Promise<OpenedScratch>

/** What a server database needs to make a scratch schema or database. */
export interface NamespaceScratch {
  readonly connect: (url: DatabaseUrl) => Promise<Kysely<any>>
  readonly kind: 'schema' | 'database'
  readonly create: RawBuilder<unknown>
  /** Remove the namespace and everything in it, through the connection to `url`. */
  drop(admin: Kysely<any>): Promise<void>
  /** The URL that reaches the new namespace. */
  location(parsed: DatabaseUrl): DatabaseUrl
}

/**
 * PostgreSQL and MariaDB: create a schema / database through a connection
 * to `url`, open a second connection inside it, and drop it on `remove`.
 */
export async function createScratchNamespace(
  url: DatabaseUrl,
  name: string,
  how: NamespaceScratch,
): Promise<OpenedScratch> {
  const admin = await how.connect(url)
  try {
    await how.create.execute(admin)
  } catch (error) {
    await admin.destroy()
    throw new DatabaseError(
      `cannot create the scratch ${how.kind} '${name}' on '${url.masked}': ${messageOf(error)}; ` +
        `Retort needs the right to create a ${how.kind} there (or give a URL whose user has it)`,
      { cause: error },
    )
  }
  const drop = async () => {
    try {
      await how.drop(admin)
    } finally {
      await admin.destroy()
    }
  }
  const location = how.location(url)
  let db: Kysely<any>
  try {
    db = await how.connect(location)
  } catch (error) {
    await drop()
    throw error
  }
  return {
    url: location.url,
    db,
    async remove() {
      try {
        await db.destroy()
      } finally {
        await drop()
      }
    },
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
