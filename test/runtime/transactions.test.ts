import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MigrationError, RetortError } from '../../src/errors.js'
import { withDatabase } from '../../src/runtime/session.js'
import { testDatabases } from '../helpers/databases.js'
import type { TestDatabase } from '../helpers/databases.js'
import { inspect, linearPlan, revisionFolder, sessionOptions, writeRevision } from './fixtures.js'

const FAILING_SQL = 'INSERT INTO no_such_table (id) VALUES (1)'

/** Three revisions, the second creates t2 and then fails; run from an empty database. */
async function runFailingChain(db: TestDatabase, transactionPerMigration: boolean, lock = true) {
  const fresh = await db.fresh()
  const folder = revisionFolder()
  try {
    const revs = [
      {
        id: 'a1',
        path: writeRevision(folder.dir, 'a1', {
          upgrade: `await op.execute('CREATE TABLE t1 (id INTEGER)')`,
        }),
      },
      {
        id: 'a2',
        path: writeRevision(folder.dir, 'a2', {
          upgrade: `await op.execute('CREATE TABLE t2 (id INTEGER)')\nawait op.execute('${FAILING_SQL}')`,
        }),
      },
      {
        id: 'a3',
        path: writeRevision(folder.dir, 'a3', {
          upgrade: `await op.execute('CREATE TABLE t3 (id INTEGER)')`,
        }),
      },
    ]
    const options = sessionOptions(fresh.url, { transactionPerMigration, lock })
    const error = await withDatabase(options, async (s) => {
      await s.ensureVersionTable()
      return s.run(linearPlan(revs)).then(
        () => undefined,
        (e: unknown) => e,
      )
    })
    const seen = await inspect(db.dialect, fresh)
    try {
      const rows = await seen.rows('alembic_version', 'version_num')
      return { error, tables: seen.tables, rows, logs: options.logs }
    } finally {
      await seen.close()
    }
  } finally {
    folder.cleanup()
    await fresh.cleanup()
  }
}

for (const db of testDatabases()) {
  describe(`running steps on ${db.dialect}`, { skip: db.skip }, () => {
    it('runs each migration with op and db, logs each step, and records the head', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      try {
        const revs = [
          {
            id: 'aaaa',
            path: writeRevision(folder.dir, 'aaaa', {
              upgrade: `await op.execute('CREATE TABLE account (id INTEGER PRIMARY KEY, name VARCHAR(50))')`,
            }),
          },
          {
            id: 'bbbb',
            path: writeRevision(folder.dir, 'bbbb', {
              upgrade: `await db.insertInto('account').values({ id: 1, name: "O'Brien" }).execute()`,
            }),
          },
        ]
        const options = sessionOptions(fresh.url)
        const plan = linearPlan(revs)
        const rows = await withDatabase(options, async (s) => {
          await s.run(plan)
          return s.readRows()
        })
        assert.deepEqual(rows, ['bbbb'])
        assert.deepEqual(options.logs, [
          'INFO  [retort.migration] Running upgrade  -> aaaa, rev aaaa',
          'INFO  [retort.migration] Running upgrade aaaa -> bbbb, rev bbbb',
        ])
        const seen = await inspect(db.dialect, fresh)
        try {
          assert.deepEqual(await seen.rows('account', 'name'), ["O'Brien"])
        } finally {
          await seen.close()
        }
      } finally {
        folder.cleanup()
        await fresh.cleanup()
      }
    })

    it('hands the migration args, the dialect and offline: false', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      try {
        const path = writeRevision(folder.dir, 'aaaa', {})
        const seen: unknown[] = []
        const options = sessionOptions(fresh.url, {
          args: { tenant: 'x' },
          loadMigration: async () => ({
            upgrade: (ctx: any) =>
              void seen.push([ctx.args, ctx.dialect, ctx.offline, typeof ctx.op.execute]),
          }),
        })
        await withDatabase(options, (s) => s.run(linearPlan([{ id: 'aaaa', path }])))
        const transactionalDdl = db.dialect !== 'mysql'
        assert.deepEqual(seen, [
          [{ tenant: 'x' }, { name: db.dialect, transactionalDdl }, false, 'function'],
        ])
      } finally {
        folder.cleanup()
        await fresh.cleanup()
      }
    })

    it("names the revision, direction, message and the failed statement in a migration's error", async () => {
      const { error } = await runFailingChain(db, false)
      assert.ok(error instanceof MigrationError, String(error))
      assert.equal(error.revision, 'a2')
      assert.equal(error.direction, 'upgrade')
      assert.match(error.message, /^upgrade 'a2' \(rev a2\) failed: .*no_such_table/)
      // The failed statement, then the state the failure left (failure-state.test.ts).
      assert.ok(error.message.includes(`\n  while running: ${FAILING_SQL}\n  `), error.message)
      assert.ok(error.cause instanceof Error)
    })

    if (db.dialect === 'mysql') {
      it('keeps the first step and the DDL of the failed one by default (DDL commits on MariaDB)', async () => {
        const { tables, rows, logs } = await runFailingChain(db, false)
        assert.deepEqual(tables, ['alembic_version', 't1', 't2'])
        assert.deepEqual(rows, ['a1'])
        assert.equal(logs.length, 2)
      })

      it('keeps the same with transactionPerMigration', async () => {
        const { tables, rows } = await runFailingChain(db, true)
        assert.deepEqual(tables, ['alembic_version', 't1', 't2'])
        assert.deepEqual(rows, ['a1'])
      })
    } else {
      it('rolls back the whole run by default: no table of any step, no row', async () => {
        const { tables, rows, logs } = await runFailingChain(db, false)
        assert.deepEqual(tables, ['alembic_version'])
        assert.deepEqual(rows, [])
        assert.equal(logs.length, 2)
      })

      it('keeps the completed first step with transactionPerMigration, and nothing of the failed one', async () => {
        const { tables, rows } = await runFailingChain(db, true)
        assert.deepEqual(tables, ['alembic_version', 't1'])
        assert.deepEqual(rows, ['a1'])
      })

      it('does the same without the migration lock (SQLite: real transactions, not savepoints)', async () => {
        const whole = await runFailingChain(db, false, false)
        assert.deepEqual([whole.tables, whole.rows], [['alembic_version'], []])
        const perStep = await runFailingChain(db, true, false)
        assert.deepEqual([perStep.tables, perStep.rows], [['alembic_version', 't1'], ['a1']])
      })
    }

    // behavior.md c.7 with foreign keys: the revision that left a violation is named, whether
    // the database refuses the statement (PostgreSQL, MariaDB) or finds it at the end of the
    // migration (SQLite, whose enforcement is off under the lock and checked after each migration).
    for (const transactionPerMigration of [false, true]) {
      it(`names the revision whose migration left a foreign key violation, and keeps none of it${transactionPerMigration ? ' (transactionPerMigration)' : ''}`, async () => {
        const fresh = await db.fresh()
        const folder = revisionFolder()
        try {
          const revs = [
            {
              id: 'f1',
              path: writeRevision(folder.dir, 'f1', {
                upgrade:
                  "await op.execute('CREATE TABLE parent (id INTEGER PRIMARY KEY)')\n" +
                  "await op.execute('CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, FOREIGN KEY (parent_id) REFERENCES parent (id))')",
              }),
            },
            {
              id: 'f2',
              path: writeRevision(folder.dir, 'f2', {
                upgrade: "await op.execute('INSERT INTO child (id, parent_id) VALUES (1, 42)')",
              }),
            },
            {
              id: 'f3',
              path: writeRevision(folder.dir, 'f3', {
                upgrade: "await op.execute('CREATE TABLE t3 (id INTEGER)')",
              }),
            },
          ]
          // With the lock, as upgrade runs.
          const options = sessionOptions(fresh.url, { transactionPerMigration, lock: true })
          const error = await withDatabase(options, (s) =>
            s.run(linearPlan(revs)).then(
              () => undefined,
              (e: unknown) => e,
            ),
          )
          assert.ok(error instanceof MigrationError, String(error))
          assert.equal(error.revision, 'f2')
          assert.match(error.message, /^upgrade 'f2' \(rev f2\) failed: .*foreign key/i)
          assert.doesNotMatch(error.message, /lock/)
          const seen = await inspect(db.dialect, fresh)
          try {
            const keepsFirst = transactionPerMigration || db.dialect === 'mysql'
            assert.deepEqual(
              await seen.rows('alembic_version', 'version_num'),
              keepsFirst ? ['f1'] : [],
            )
            assert.ok(!seen.tables.includes('t3'))
            if (keepsFirst) assert.deepEqual(await seen.rows('child', 'id'), [])
          } finally {
            await seen.close()
          }
        } finally {
          folder.cleanup()
          await fresh.cleanup()
        }
      })
    }

    it('fails before touching the database when a module lacks the function, naming the file', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      try {
        const a1 = writeRevision(folder.dir, 'a1', {
          upgrade: `await op.execute('CREATE TABLE t1 (id INTEGER)')`,
        })
        const a2 = writeRevision(folder.dir, 'a2', { downgrade: '' })
        const plan = linearPlan([
          { id: 'a1', path: a1 },
          { id: 'a2', path: a2 },
        ])
        await assert.rejects(
          withDatabase(sessionOptions(fresh.url), (s) => s.run(plan)),
          (e) =>
            e instanceof MigrationError &&
            e.message === `revision 'a2' (${a2}) has no upgrade function to run`,
        )
        const seen = await inspect(db.dialect, fresh)
        await seen.close()
        assert.ok(!seen.tables.includes('t1'))
      } finally {
        folder.cleanup()
        await fresh.cleanup()
      }
    })

    it('refuses a transaction opened by a migration', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      try {
        const path = writeRevision(folder.dir, 'a1', {
          upgrade: `await db.transaction().execute(async () => {})`,
        })
        await assert.rejects(
          withDatabase(sessionOptions(fresh.url), (s) => s.run(linearPlan([{ id: 'a1', path }]))),
          (e) =>
            e instanceof MigrationError &&
            e.cause instanceof RetortError &&
            /cannot open its own/.test(e.message),
        )
      } finally {
        folder.cleanup()
        await fresh.cleanup()
      }
    })
  })
}
