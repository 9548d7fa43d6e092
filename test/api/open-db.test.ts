import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely'
import Sqlite from 'better-sqlite3'
import pg from 'pg'
import { createPool } from 'mysql2'
import { Retort } from '../../src/api/retort.js'
import { testDatabases } from '../helpers/databases.js'
import type { TestDialect } from '../helpers/databases.js'
import { makeProject, writeRevision } from '../helpers/project.js'

function project(): ReturnType<typeof makeProject> {
  const p = makeProject({ scriptLocation: 'migrations' })
  writeRevision(p.root, {
    revision: 'aaaa0001',
    downRevision: null,
    message: 'account',
    upgrade: "await op.execute('CREATE TABLE account (id INTEGER)')",
  })
  writeRevision(p.root, {
    revision: 'aaaa0002',
    downRevision: 'aaaa0001',
    message: 'row',
    upgrade: "await op.execute('INSERT INTO account (id) VALUES (1)')",
  })
  return p
}

const quiet = (): void => {}

describe('Retort.open with sqlite::memory:', () => {
  it('keeps one connection for the life of the instance: upgrade, then current sees it', async () => {
    const p = project()
    const retort = await Retort.open({ cwd: p.root, url: 'sqlite::memory:', log: quiet })
    try {
      await retort.upgrade({ target: 'heads' })
      assert.deepEqual(
        (await retort.current()).map((r) => r.id),
        ['aaaa0002'],
      )
      await retort.downgrade({ target: '-1' })
      assert.deepEqual(
        (await retort.current()).map((r) => r.id),
        ['aaaa0001'],
      )
    } finally {
      await retort.close()
      p.remove()
    }
  })

  it('close() releases the connection: the in-memory database is gone', async () => {
    const p = project()
    const retort = await Retort.open({ cwd: p.root, url: 'sqlite::memory:', log: quiet })
    try {
      await retort.upgrade({ target: 'heads' })
      await retort.close()
      assert.deepEqual(await retort.current(), [])
    } finally {
      await retort.close()
      p.remove()
    }
  })
})

function kyselyFor(dialect: TestDialect, url: string): Kysely<any> {
  if (dialect === 'sqlite')
    return new Kysely<any>({
      dialect: new SqliteDialect({ database: new Sqlite(url.replace(/^sqlite:/, '')) }),
    })
  if (dialect === 'postgres')
    return new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
    })
  return new Kysely<any>({
    dialect: new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: 2 }) }),
  })
}

for (const db of testDatabases()) {
  describe(`Retort.open({ db }) on ${db.dialect}`, { skip: db.skip }, () => {
    it('migrates through the given Kysely, reads it back, and never destroys it', async () => {
      const fresh = await db.fresh()
      const p = project()
      const kysely = kyselyFor(db.dialect, fresh.url)
      try {
        // The config's url (the default SQLite file) is not used: the given db decides.
        const retort = await Retort.open({ cwd: p.root, db: kysely, log: quiet })
        await retort.upgrade({ target: 'heads' })
        assert.deepEqual(
          (await retort.current()).map((r) => r.id),
          ['aaaa0002'],
        )
        await retort.close()
        const { rows } = await sql<{ id: number }>`SELECT id FROM account`.execute(kysely)
        assert.deepEqual(
          rows.map((r) => Number(r.id)),
          [1],
        )
        assert.equal((await import('node:fs')).existsSync(`${p.root}/retort.db`), false)
      } finally {
        await kysely.destroy()
        p.remove()
        await fresh.cleanup()
      }
    })
  })
}
