import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { queryRows, testDatabases } from '../helpers/databases.js'
import { makeProject, writeRevision } from '../helpers/project.js'

/** Add `export const transaction = false` to a revision file written by writeRevision. */
function outsideTransaction(path: string): void {
  writeFileSync(path, readFileSync(path, 'utf8') + '\nexport const transaction = false\n')
}

for (const db of testDatabases()) {
  describe(`work outside the transaction on ${db.dialect}`, { skip: db.skip }, () => {
    const index =
      db.dialect === 'postgres'
        ? 'CREATE INDEX CONCURRENTLY ix_t_id ON t (id)'
        : 'CREATE INDEX ix_t_id ON t (id)'

    it('runs a revision exporting transaction = false, and records it', async () => {
      const fresh = await db.fresh()
      const p = makeProject({ url: fresh.url, scriptLocation: 'migrations' })
      try {
        writeRevision(p.root, {
          revision: 'aaaa0001',
          downRevision: null,
          message: 'table',
          upgrade: "await op.execute('CREATE TABLE t (id INTEGER)')",
        })
        outsideTransaction(
          writeRevision(p.root, {
            revision: 'aaaa0002',
            downRevision: 'aaaa0001',
            message: 'index',
            upgrade: `await op.execute('${index}')`,
          }),
        )
        writeRevision(p.root, {
          revision: 'aaaa0003',
          downRevision: 'aaaa0002',
          message: 'after',
          upgrade: "await op.execute('INSERT INTO t (id) VALUES (1)')",
        })
        const run = await p.run('upgrade heads')
        assert.equal(run.code, 0, run.stderr)
        const rows = await queryRows(
          db.dialect,
          fresh.url,
          'SELECT version_num FROM retort_version',
        )
        assert.deepEqual(
          rows.map((r) => r.version_num),
          ['aaaa0003'],
        )
      } finally {
        p.remove()
        await fresh.cleanup()
      }
    })

    it('runs op.autocommitBlock outside the transaction; a later failure keeps its work and says so', async () => {
      const fresh = await db.fresh()
      const p = makeProject({ url: fresh.url, scriptLocation: 'migrations' })
      try {
        writeRevision(p.root, {
          revision: 'aaaa0001',
          downRevision: null,
          message: 'table',
          upgrade: "await op.execute('CREATE TABLE t (id INTEGER)')",
        })
        writeRevision(p.root, {
          revision: 'aaaa0002',
          downRevision: 'aaaa0001',
          message: 'index',
          upgrade: `await op.autocommitBlock(async () => { await op.execute('${index}') })\nawait op.execute('INSERT INTO no_such_table (id) VALUES (1)')`,
        })
        const run = await p.run('upgrade heads')
        assert.equal(run.code, 1)
        const rows = await queryRows(
          db.dialect,
          fresh.url,
          'SELECT version_num FROM retort_version',
        )
        assert.deepEqual(
          rows.map((r) => r.version_num),
          ['aaaa0001'],
        )
        if (db.dialect !== 'mysql') {
          assert.match(
            run.stderr,
            /'aaaa0002' ran outside a transaction \(transaction = false or op\.autocommitBlock\)/,
          )
        }
        // The index made in the block stays: dropping it works.
        const drop = db.dialect === 'mysql' ? 'DROP INDEX ix_t_id ON t' : 'DROP INDEX ix_t_id'
        await queryRows(db.dialect, fresh.url, drop)
      } finally {
        p.remove()
        await fresh.cleanup()
      }
    })
  })
}

describe('work outside the transaction in --sql scripts', () => {
  it('writes COMMIT before and BEGIN after an autocommitBlock and a transaction = false revision', async () => {
    const p = makeProject({ url: 'postgres://u@127.0.0.1:1/app', scriptLocation: 'migrations' })
    try {
      writeRevision(p.root, {
        revision: 'aaaa0001',
        downRevision: null,
        message: 'block',
        upgrade:
          "await op.execute('CREATE TABLE t (id INTEGER)')\nawait op.autocommitBlock(async () => { await op.execute('CREATE INDEX CONCURRENTLY ix ON t (id)') })\nawait op.execute('SELECT 2')",
      })
      outsideTransaction(
        writeRevision(p.root, {
          revision: 'aaaa0002',
          downRevision: 'aaaa0001',
          message: 'outside',
          upgrade: "await op.execute('CREATE INDEX CONCURRENTLY ix2 ON t (id)')",
        }),
      )
      writeRevision(p.root, {
        revision: 'aaaa0003',
        downRevision: 'aaaa0002',
        message: 'last',
        upgrade: "await op.execute('SELECT 3')",
      })
      const run = await p.run('upgrade heads --sql')
      assert.equal(run.code, 0, run.stderr)
      const body = run.stdout.replace(/^[^]*?-- Running upgrade {2}-> aaaa0001\n\n/, '')
      assert.equal(
        body,
        [
          'CREATE TABLE t (id INTEGER);',
          'COMMIT;',
          'CREATE INDEX CONCURRENTLY ix ON t (id);',
          'BEGIN;',
          'SELECT 2;',
          "INSERT INTO retort_version (version_num) VALUES ('aaaa0001');",
          'COMMIT;',
          '-- Running upgrade aaaa0001 -> aaaa0002',
          'CREATE INDEX CONCURRENTLY ix2 ON t (id);',
          "UPDATE retort_version SET version_num='aaaa0002' WHERE retort_version.version_num = 'aaaa0001';",
          'BEGIN;',
          '-- Running upgrade aaaa0002 -> aaaa0003',
          'SELECT 3;',
          "UPDATE retort_version SET version_num='aaaa0003' WHERE retort_version.version_num = 'aaaa0002';",
          'COMMIT;',
          '',
        ].join('\n\n'),
      )
    } finally {
      p.remove()
    }
  })
})
