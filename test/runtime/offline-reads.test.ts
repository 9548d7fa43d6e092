import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { makeProject, writeRevision } from '../helpers/project.js'

// No server behind these: --sql never connects.
const URLS = {
  sqlite: 'sqlite:app.db',
  postgres: 'postgres://u:secret@127.0.0.1:1/app',
  mysql: 'mysql://u:secret@127.0.0.1:1/app',
}

/** A data migration computing UPDATEs from what it reads: wrong offline unless it checks isOffline. */
const READING_UPGRADE = `
  const rows = await db.selectFrom('account').select(['id']).execute()
  for (const r of rows) await db.updateTable('account').set({ n: 1 }).where('id', '=', r.id).execute()`

describe('reads through db in --sql mode', () => {
  for (const [dialect, url] of Object.entries(URLS)) {
    it(`${dialect}: a read through db fails the script naming the revision and isOffline`, async () => {
      const p = makeProject({ url, scriptLocation: 'migrations' })
      try {
        writeRevision(p.root, {
          revision: 'aaaa0001',
          downRevision: null,
          message: 'backfill',
          upgrade: READING_UPGRADE,
        })
        const run = await p.run('upgrade heads --sql')
        assert.equal(run.code, 1, run.stderr)
        assert.match(run.stderr, /upgrade 'aaaa0001' \(backfill\) failed/)
        assert.match(run.stderr, /context\.isOffline/)
        assert.equal(run.stdout, '', 'no half script')
        assert.doesNotMatch(run.stderr, /secret/)
      } finally {
        p.remove()
      }
    })

    it(`${dialect}: raw reads fail too; a migration checking isOffline renders, op.execute may SELECT`, async () => {
      const p = makeProject({ url, scriptLocation: 'migrations' })
      try {
        writeRevision(p.root, {
          revision: 'aaaa0001',
          downRevision: null,
          message: 'raw read',
          // What CompiledQuery.raw('select id from account') builds (the project cannot import kysely).
          upgrade:
            "await db.executeQuery({ sql: 'select id from account', parameters: [], query: { kind: 'RawNode', sqlFragments: ['select id from account'], parameters: [] } })",
        })
        const raw = await p.run('upgrade heads --sql')
        assert.equal(raw.code, 1, raw.stderr)
        assert.match(raw.stderr, /'aaaa0001'.*isOffline/s)

        writeRevision(p.root, {
          revision: 'aaaa0001',
          downRevision: null,
          message: 'raw read',
          upgrade:
            'const ctx = arguments[0]; if (ctx.isOffline) { await op.execute("UPDATE account SET n = 1"); await op.execute(\'SELECT 1\'); return }' +
            READING_UPGRADE,
        })
        const ok = await p.run('upgrade heads --sql')
        assert.equal(ok.code, 0, ok.stderr)
        assert.match(ok.stdout, /UPDATE account SET n = 1;/)
        assert.match(ok.stdout, /SELECT 1;/)
      } finally {
        p.remove()
      }
    })
  }
})
