import { sql } from 'kysely'
import { parseDatabaseUrl, type DatabaseUrl } from '../../config/database-url.js'
import { postgresConnection } from './connection.js'
import { createScratchNamespace, type OpenScratch } from '../catalog.js'

/** PostgreSQL: a new schema, reached through a connection whose search_path is set to it. */
export const openScratch: OpenScratch = (url: DatabaseUrl, name: string) =>
  createScratchNamespace(url, name, {
    connect: (location) => postgresConnection.connect(location, () => {}),
    kind: 'schema',
    create: sql`create schema ${sql.id(name)}`,
    drop: sql`drop schema if exists ${sql.id(name)} cascade`,
    location(parsed) {
      const u = new URL(parsed.url)
      const others = (u.searchParams.get('options') ?? '')
        .replace(/-c\s*search_path=\S*/g, '')
        .trim()
      u.searchParams.set('options', `${others} -c search_path=${name}`.trim())
      return parseDatabaseUrl(u.toString(), process.cwd())
    },
  })
