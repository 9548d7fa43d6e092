import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { DatabaseError } from '../../src/errors.js'
import { withDatabase } from '../../src/runtime/session.js'
import { testDatabases } from '../helpers/databases.js'
import { inspect, sessionOptions, stampStep } from './fixtures.js'

for (const db of testDatabases()) {
  describe(`version table on ${db.dialect}`, { skip: db.skip }, () => {
    it('reads no rows and creates nothing when the table does not exist', async () => {
      const fresh = await db.fresh()
      try {
        const rows = await withDatabase(sessionOptions(fresh.url), (s) => s.readRows())
        assert.deepEqual(rows, [])
        const seen = await inspect(db.dialect, fresh)
        await seen.close()
        assert.deepEqual(seen.tables, [])
      } finally {
        await fresh.cleanup()
      }
    })

    it("creates Alembic's shape: version_num VARCHAR(32) NOT NULL, primary key <table>_pkc, once", async () => {
      const fresh = await db.fresh()
      try {
        await withDatabase(sessionOptions(fresh.url), async (s) => {
          await s.ensureVersionTable()
          await s.ensureVersionTable()
        })
        const seen = await inspect(db.dialect, fresh)
        try {
          assert.deepEqual(seen.tables, ['alembic_version'])
          const type = {
            sqlite: 'varchar(32)',
            postgres: 'character varying(32)',
            mysql: 'varchar(32)',
          }[db.dialect]
          assert.deepEqual(await seen.columns('alembic_version'), [`version_num ${type} not null`])
          const pk = await seen.primaryKey('alembic_version')
          assert.deepEqual(pk.columns, ['version_num'])
          // MySQL names every primary key PRIMARY; the others keep Alembic's name.
          if (db.dialect !== 'mysql') assert.equal(pk.name, 'alembic_version_pkc')
        } finally {
          await seen.close()
        }
      } finally {
        await fresh.cleanup()
      }
    })

    it('applies inserts, updates and deletes in plan order, logging each stamp step', async () => {
      const fresh = await db.fresh()
      try {
        const options = sessionOptions(fresh.url)
        const rows = await withDatabase(options, async (s) => {
          await s.run([
            stampStep([], ['a1'], [{ kind: 'insert', revision: 'a1' }]),
            stampStep([], ['b1'], [{ kind: 'insert', revision: 'b1' }]),
            stampStep(['a1'], ['a2'], [{ kind: 'update', from: 'a1', to: 'a2' }]),
            stampStep(['b1'], [], [{ kind: 'delete', revision: 'b1' }]),
          ])
          return s.readRows()
        })
        assert.deepEqual(rows, ['a2'])
        assert.deepEqual(options.logs, [
          'INFO  [retort.migration] Running stamp_revision  -> a1',
          'INFO  [retort.migration] Running stamp_revision  -> b1',
          'INFO  [retort.migration] Running stamp_revision a1 -> a2',
          'INFO  [retort.migration] Running stamp_revision b1 -> ',
        ])
      } finally {
        await fresh.cleanup()
      }
    })

    it('fails an update that matches no row, naming both ids and the table, and keeps the rows', async () => {
      const fresh = await db.fresh()
      try {
        const options = sessionOptions(fresh.url)
        await withDatabase(options, (s) =>
          s.run([stampStep([], ['a1'], [{ kind: 'insert', revision: 'a1' }])]),
        )
        await assert.rejects(
          withDatabase(options, (s) =>
            s.run([stampStep(['zz'], ['a2'], [{ kind: 'update', from: 'zz', to: 'a2' }])]),
          ),
          (e) =>
            e instanceof DatabaseError &&
            e.message ===
              "expected to match one row when updating 'zz' to 'a2' in 'alembic_version'; 0 found",
        )
        await assert.rejects(
          withDatabase(options, (s) =>
            s.run([stampStep(['zz'], [], [{ kind: 'delete', revision: 'zz' }])]),
          ),
          (e) =>
            e instanceof DatabaseError &&
            e.message ===
              "expected to match one row when deleting 'zz' in 'alembic_version'; 0 found",
        )
        assert.deepEqual(await withDatabase(options, (s) => s.readRows()), ['a1'])
      } finally {
        await fresh.cleanup()
      }
    })

    it('purge creates the table when missing and deletes every row, unknown ids included', async () => {
      const fresh = await db.fresh()
      try {
        const options = sessionOptions(fresh.url)
        await withDatabase(options, (s) => s.purge())
        assert.deepEqual(await withDatabase(options, (s) => s.readRows()), [])
        await withDatabase(options, (s) =>
          s.run([
            stampStep([], ['bogus1'], [{ kind: 'insert', revision: 'bogus1' }]),
            stampStep([], ['bogus2'], [{ kind: 'insert', revision: 'bogus2' }]),
          ]),
        )
        await withDatabase({ ...options, lock: true }, (s) => s.purge())
        assert.deepEqual(await withDatabase(options, (s) => s.readRows()), [])
      } finally {
        await fresh.cleanup()
      }
    })

    it('uses the configured table name and schema', async () => {
      const fresh = await db.fresh()
      try {
        // The fresh database's own namespace as an explicit schema (SQLite: the main database).
        const schema = db.dialect === 'sqlite' ? 'main' : fresh.namespace
        const options = sessionOptions(fresh.url, {
          versionTable: 'Retort Version',
          versionTableSchema: schema,
        })
        await withDatabase(options, (s) =>
          s.run([
            stampStep([], ['a1'], [{ kind: 'insert', revision: 'a1' }]),
            stampStep(['a1'], ['a2'], [{ kind: 'update', from: 'a1', to: 'a2' }]),
          ]),
        )
        const seen = await inspect(db.dialect, fresh)
        await seen.close()
        assert.deepEqual(seen.tables, ['Retort Version'])
        assert.deepEqual(await withDatabase(options, (s) => s.readRows()), ['a2'])
      } finally {
        await fresh.cleanup()
      }
    })
  })
}
