import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { MigrationError } from '../../src/errors.js'
import { withDatabase } from '../../src/runtime/session.js'
import { queryRows, testDatabases } from '../helpers/databases.js'
import type { FreshDatabase, TestDatabase } from '../helpers/databases.js'
import {
  inspect,
  linearPlan,
  revisionFolder,
  sessionOptions,
  writeRevision,
  bundledLockWorker,
} from './fixtures.js'

const FAIL = `await op.execute('INSERT INTO no_such_table (id) VALUES (1)')`

/** Run `bodies` as a linear chain r1, r2, ... on a fresh database; the error and what is left. */
async function runChain(
  db: TestDatabase,
  bodies: readonly string[],
  transactionPerMigration = false,
): Promise<{ error: unknown; tables: string[]; rows: string[]; acct: string[] }> {
  const fresh = await db.fresh()
  const folder = revisionFolder()
  try {
    const revs = bodies.map((upgrade, i) => ({
      id: `r${i + 1}`,
      path: writeRevision(folder.dir, `r${i + 1}`, { upgrade }),
    }))
    const options = sessionOptions(fresh.url, { transactionPerMigration, lock: true })
    const error = await withDatabase(options, (s) =>
      s.run(linearPlan(revs)).then(
        () => undefined,
        (e: unknown) => e,
      ),
    )
    const seen = await inspect(db.dialect, fresh)
    try {
      return {
        error,
        tables: seen.tables,
        rows: await seen.rows('alembic_version', 'version_num'),
        acct: seen.tables.includes('acct') ? await seen.rows('acct', 'id') : [],
      }
    } finally {
      await seen.close()
    }
  } finally {
    folder.cleanup()
    await fresh.cleanup()
  }
}

const CREATE_ACCT = `await op.execute('CREATE TABLE acct (id INTEGER)')`

for (const db of testDatabases()) {
  describe(`the state a failed migration leaves, on ${db.dialect}`, { skip: db.skip }, () => {
    if (db.dialect !== 'mysql') {
      it('says the run was rolled back and where the database still is', async () => {
        const { error, rows } = await runChain(db, [CREATE_ACCT, FAIL])
        assert.ok(error instanceof MigrationError, String(error))
        assert.deepEqual(rows, [])
        assert.match(
          error.message,
          /\n {2}rolled back: the database is still at base \(no revision applied\)$/,
        )
      })

      it('with transactionPerMigration, says which revisions were kept', async () => {
        const { error, rows } = await runChain(db, [CREATE_ACCT, 'void 0', FAIL], true)
        assert.ok(error instanceof MigrationError, String(error))
        assert.deepEqual(rows, ['r2'])
        assert.match(
          error.message,
          /\n {2}the 2 revision\(s\) before it were committed and kept \(transactionPerMigration\); 'r3' was rolled back: the database is at r2$/,
        )
      })
    } else {
      it('keeps no data of a failed step after its DDL: the INSERT into an existing table is rolled back', async () => {
        const { error, tables, rows, acct } = await runChain(db, [
          CREATE_ACCT,
          `await op.execute('CREATE TABLE t2 (id INTEGER)')\nawait op.execute('INSERT INTO acct (id) VALUES (7)')\n${FAIL}`,
        ])
        assert.ok(error instanceof MigrationError, String(error))
        assert.deepEqual(acct, [], 'the row inserted after the DDL was rolled back')
        assert.deepEqual(tables, ['acct', 'alembic_version', 't2'])
        assert.deepEqual(rows, ['r1'])
      })

      it('names the revision left partly applied, the statements committed, and what to do', async () => {
        const { error } = await runChain(db, [
          CREATE_ACCT,
          `await op.execute('CREATE TABLE t2 (id INTEGER)')\nawait op.execute('INSERT INTO acct (id) VALUES (7)')\n${FAIL}`,
        ])
        assert.ok(error instanceof MigrationError, String(error))
        assert.match(
          error.message,
          /\n {2}'r2' is partly applied: this database commits DDL as it goes, and these statements of it stay committed:\n {4}CREATE TABLE t2 \(id INTEGER\)\n {2}the version table is at r1\. .*retort stamp r2'$/,
        )
        assert.doesNotMatch(error.message, /committed:[^]*INSERT INTO acct/)
      })

      it('says a step without DDL was rolled back whole', async () => {
        const { error, rows, acct } = await runChain(db, [
          CREATE_ACCT,
          `await op.execute('INSERT INTO acct (id) VALUES (7)')\n${FAIL}`,
        ])
        assert.ok(error instanceof MigrationError, String(error))
        assert.deepEqual([rows, acct], [['r1'], []])
        assert.match(error.message, /\n {2}rolled back: the database is still at r1$/)
      })
    }
  })
}

// A revision is never run twice: where DDL commits as it goes, the version row is
// committed with the first DDL statement, so a process killed after it does not
// leave the revision looking unapplied.
const worker = bundledLockWorker('failure-state')

async function tableExists(
  db: TestDatabase,
  fresh: FreshDatabase,
  table: string,
): Promise<boolean> {
  const rows = await queryRows(
    db.dialect,
    fresh.url,
    `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${table}'`,
  )
  return Number(rows[0]?.n) > 0
}

for (const db of testDatabases().filter((d) => d.dialect === 'mysql')) {
  describe(`a kill after a DDL statement on ${db.dialect}`, { skip: db.skip }, () => {
    it('leaves the revision recorded, so the next run does not apply it again', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      const path = writeRevision(folder.dir, 'k1', {
        upgrade: `await op.execute('CREATE TABLE k1 (id INTEGER)')\nawait new Promise((resolve) => setTimeout(resolve, 120_000))`,
      })
      const child = spawn(
        process.execPath,
        [worker, fresh.url, JSON.stringify([{ id: 'k1', path }]), '0'],
        {
          stdio: ['ignore', 'ignore', 'ignore'],
        },
      )
      try {
        const deadline = Date.now() + 30_000
        while (!(await tableExists(db, fresh, 'k1'))) {
          assert.ok(Date.now() < deadline, 'the worker never created k1')
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        await new Promise<void>((resolve) => {
          child.on('close', () => resolve())
          child.kill('SIGKILL')
        })
        const rows = await queryRows(
          db.dialect,
          fresh.url,
          'SELECT version_num FROM alembic_version',
        )
        assert.deepEqual(
          rows.map((r) => r.version_num),
          ['k1'],
        )
      } finally {
        child.kill('SIGKILL')
        folder.cleanup()
        await fresh.cleanup()
      }
    })
  })
}
