import { randomBytes } from 'node:crypto'
import type { Kysely, RawBuilder } from 'kysely'
import { parseDatabaseUrl, type DatabaseUrl } from '../config/database-url.js'
import { DatabaseError } from '../errors.js'
import type { RuntimeDriver } from '../runtime/drivers/driver.js'
import { openScratchFor } from './introspect.js'

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

/** Prefix of every scratch schema, database or temporary folder (then the process id), so a leftover is easy to spot. */
export const SCRATCH_PREFIX = 'retort_scratch_'

/**
 * Run `fn` against an empty scratch database of `url`'s dialect, and remove
 * the scratch database afterwards, also when `fn` throws: SQLite a temporary
 * file, PostgreSQL a new schema (the connection's search_path set to it),
 * MariaDB a new database. The URL's own database is only used to create and
 * drop the scratch one.
 *
 * @example
 * const tables = await withScratchDatabase('postgres://app@localhost/app', async ({ db }) => {
 *   await sql`create table t (id integer)`.execute(db)
 *   return introspect(db, 'postgres', { versionTable: 'retort_version' })
 * })
 */
export async function withScratchDatabase<T>(
  url: string,
  fn: (scratch: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const parsed = parseDatabaseUrl(url, process.cwd())
  const name = `${SCRATCH_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`
  const scratch = await (await openScratchFor(parsed.dialect))(parsed, name)
  let result: T
  try {
    result = await fn({ url: scratch.url, db: scratch.db })
  } catch (error) {
    // The error of fn is the one to report; a failing removal must not hide it.
    await scratch.remove().catch(() => {})
    throw error
  }
  await scratch.remove()
  return result
}

/** What a server database needs to make a scratch schema or database. */
export interface NamespaceScratch {
  readonly driver: RuntimeDriver
  readonly kind: 'schema' | 'database'
  readonly create: RawBuilder<unknown>
  readonly drop: RawBuilder<unknown>
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
  const admin = await how.driver.connect(url, () => {})
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
      await how.drop.execute(admin)
    } finally {
      await admin.destroy()
    }
  }
  const location = how.location(url)
  let db: Kysely<any>
  try {
    db = await how.driver.connect(location, () => {})
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
