import { sql } from 'kysely'
import { parseDatabaseUrl, type DatabaseUrl } from '../../config/database-url.js'
import { postgresConnection } from './connection.js'
import { createScratchNamespace, type OpenScratch } from '../catalog.js'

/** Tables dropped per statement when the scratch schema is removed. */
const DROP_BATCH = 50

/** PostgreSQL: a new schema, reached through a connection whose search_path is set to it. */
export const openScratch: OpenScratch = (url: DatabaseUrl, name: string) =>
  createScratchNamespace(url, name, {
    connect: (location) => postgresConnection.connect(location, () => {}),
    kind: 'schema',
    create: sql`create schema ${sql.id(name)}`,
    async drop(admin) {
      // DROP SCHEMA ... CASCADE locks every object in one transaction, more than
      // max_locks_per_transaction allows for a large schema: tables go first, a batch at a time.
      const { rows } = await sql<{ name: string }>`
        select tablename as name from pg_catalog.pg_tables where schemaname = ${name}`.execute(
        admin,
      )
      for (let k = 0; k < rows.length; k += DROP_BATCH) {
        const tables = rows.slice(k, k + DROP_BATCH).map((r) => sql.table(`${name}.${r.name}`))
        await sql`drop table if exists ${sql.join(tables)} cascade`.execute(admin)
      }
      await sql`drop schema if exists ${sql.id(name)} cascade`.execute(admin)
    },
    location(parsed) {
      const u = new URL(parsed.url)
      const others = (u.searchParams.get('options') ?? '')
        .replace(/-c\s*search_path=\S*/g, '')
        .trim()
      u.searchParams.set('options', `${others} -c search_path=${name}`.trim())
      return parseDatabaseUrl(u.toString(), process.cwd())
    },
  })
