import { randomBytes } from 'node:crypto'
import { parseDatabaseUrl } from '../config/database-url.js'
import type { ScratchDatabase } from '../dialects/catalog.js'
import { loadDialect } from '../dialects/registry.js'

export type { OpenedScratch, OpenScratch, ScratchDatabase } from '../dialects/catalog.js'

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
  const scratch = await (await loadDialect(parsed.dialect)).openScratch(parsed, name)
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
