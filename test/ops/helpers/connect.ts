import Database from 'better-sqlite3'
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely'
import { createPool } from 'mysql2'
import pg from 'pg'
import type { FreshDatabase, TestDatabase, TestDialect } from '../../helpers/databases.js'

/** One fresh schema (or SQLite file) with one connection to it. */
export interface OpenDatabase {
  readonly dialect: TestDialect
  readonly db: Kysely<any>
  /** PostgreSQL schema, MariaDB database or SQLite file of this test. */
  readonly namespace: string
  close(): Promise<void>
}

/** A Kysely on one connection to `url` for `dialect`. */
export function kyselyFor(dialect: TestDialect, url: string): Kysely<any> {
  switch (dialect) {
    case 'sqlite':
      return new Kysely<any>({
        // Opened on first use: Kysely's destroy() closes only a database it opened.
        dialect: new SqliteDialect({
          database: async () => new Database(url.replace(/^sqlite:/, '')),
        }),
      })
    case 'postgres':
      return new Kysely<any>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
      })
    case 'mysql':
      // dateStrings: read DATETIME back as written, whatever the client's time zone.
      return new Kysely<any>({
        dialect: new MysqlDialect({
          pool: createPool({ uri: url, connectionLimit: 1, dateStrings: true }),
        }),
      })
  }
}

/** A fresh, empty schema of `database` and a connection to it. */
export async function openFresh(database: TestDatabase): Promise<OpenDatabase> {
  const fresh: FreshDatabase = await database.fresh()
  const db = kyselyFor(database.dialect, fresh.url)
  return {
    dialect: database.dialect,
    db,
    namespace: fresh.namespace,
    async close() {
      await db.destroy()
      await fresh.cleanup()
    },
  }
}
