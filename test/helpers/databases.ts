import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import mysql from 'mysql2/promise'
import type { DialectName } from '../../src/dialects/names.js'

/**
 * The databases a suite runs against: SQLite always, PostgreSQL and MariaDB
 * when RETORT_TEST_PG_URL / RETORT_TEST_MYSQL_URL are set. Under
 * RETORT_TEST_ALL_DBS=1 a missing server is a failure, not a skip.
 */
export type TestDialect = DialectName

export interface FreshDatabase {
  /** URL of an empty database (SQLite file, PostgreSQL schema, MariaDB database). */
  readonly url: string
  /** Name of the PostgreSQL schema / MariaDB database, or the SQLite file path. */
  readonly namespace: string
  readonly cleanup: () => Promise<void>
}

export interface TestDatabase {
  readonly dialect: TestDialect
  /** Why the database is unavailable, or undefined when it can be used. */
  readonly skip: string | undefined
  fresh(): Promise<FreshDatabase>
}

const requireAll = process.env.RETORT_TEST_ALL_DBS === '1'

function uniqueName(): string {
  return `rt_${randomBytes(6).toString('hex')}`
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return u.toString()
}

const sqlite: TestDatabase = {
  dialect: 'sqlite',
  skip: undefined,
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'retort-db-'))
    const file = join(dir, 'test.db')
    return {
      url: `sqlite:${file}`,
      namespace: file,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    }
  },
}

function postgres(url: string | undefined): TestDatabase {
  return {
    dialect: 'postgres',
    skip: url
      ? undefined
      : 'RETORT_TEST_PG_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
    async fresh() {
      const schema = uniqueName()
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      await client.query(`CREATE SCHEMA ${schema}`)
      await client.end()
      return {
        url: withSearchPath(url!, schema),
        namespace: schema,
        cleanup: async () => {
          const c = new pg.Client({ connectionString: url })
          await c.connect()
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
          await c.end()
        },
      }
    },
  }
}

function mariadb(url: string | undefined): TestDatabase {
  return {
    dialect: 'mysql',
    skip: url
      ? undefined
      : 'RETORT_TEST_MYSQL_URL is not set (e.g. mysql://root@127.0.0.1:3306/test)',
    async fresh() {
      const name = uniqueName()
      const conn = await mysql.createConnection(url!)
      await conn.query(`CREATE DATABASE ${name}`)
      await conn.end()
      const u = new URL(url!)
      u.pathname = `/${name}`
      return {
        url: u.toString(),
        namespace: name,
        cleanup: async () => {
          const c = await mysql.createConnection(url!)
          await c.query(`DROP DATABASE IF EXISTS ${name}`)
          await c.end()
        },
      }
    },
  }
}

/** Every database of the test matrix, with a skip reason for the absent ones. */
export function testDatabases(): readonly TestDatabase[] {
  // One entry per dialect: a new database name fails to compile here until it has a test server.
  const matrix: Readonly<Record<TestDialect, TestDatabase>> = {
    sqlite,
    postgres: postgres(process.env.RETORT_TEST_PG_URL),
    mysql: mariadb(process.env.RETORT_TEST_MYSQL_URL),
  }
  const all = Object.values(matrix)
  if (requireAll) {
    const missing = all.filter((d) => d.skip).map((d) => `${d.dialect}: ${d.skip}`)
    if (missing.length) throw new Error(`RETORT_TEST_ALL_DBS=1 but ${missing.join('; ')}`)
  }
  return all
}

/** Run one query on a test database through its own driver and return the rows. */
export async function queryRows(
  dialect: TestDialect,
  url: string,
  text: string,
): Promise<Record<string, unknown>[]> {
  if (dialect === 'sqlite') {
    const { default: Sqlite } = await import('better-sqlite3')
    const db = new Sqlite(url.replace(/^sqlite:/, ''))
    try {
      const stmt = db.prepare(text)
      return stmt.reader ? (stmt.all() as Record<string, unknown>[]) : (stmt.run(), [])
    } finally {
      db.close()
    }
  }
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return (await client.query(text)).rows as Record<string, unknown>[]
    } finally {
      await client.end()
    }
  }
  const conn = await mysql.createConnection(url)
  try {
    const [rows] = await conn.query(text)
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : []
  } finally {
    await conn.end()
  }
}
