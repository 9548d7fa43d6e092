import { sql } from 'kysely'
import { parseDatabaseUrl, type DatabaseUrl } from '../../config/database-url.js'
import { mysqlConnection } from './connection.js'
import { createScratchNamespace, type OpenScratch } from '../catalog.js'

/** MariaDB: a new database, the URL's path pointed at it. */
export const openScratch: OpenScratch = (url: DatabaseUrl, name: string) =>
  createScratchNamespace(url, name, {
    connect: (location) => mysqlConnection.connect(location, () => {}),
    kind: 'database',
    create: sql`create database ${sql.id(name)}`,
    async drop(admin) {
      await sql`drop database if exists ${sql.id(name)}`.execute(admin)
    },
    location(parsed) {
      const u = new URL(parsed.url)
      u.pathname = `/${name}`
      return parseDatabaseUrl(u.toString(), process.cwd())
    },
  })
