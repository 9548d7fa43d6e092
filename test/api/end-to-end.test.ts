import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { queryRows, testDatabases, type FreshDatabase } from '../helpers/databases.js'
import { makeProject, writeRevision, type Project } from '../helpers/project.js'

/**
 * The whole path a user takes, on each database: revision files using `op`,
 * `upgrade heads` and `downgrade base` through the CLI, the schema and the
 * rows read back through the database's own driver.
 */
const BIN = resolve(import.meta.dirname, '../../dist/bin/retort.js')

for (const db of testDatabases()) {
  describe(`end to end on ${db.dialect}`, { skip: db.skip }, () => {
    let fresh: FreshDatabase
    let project: Project
    before(async () => {
      fresh = await db.fresh()
      project = makeProject({ url: fresh.url, versionTable: 'retort_version' })
    })
    after(async () => {
      project?.remove()
      await fresh?.cleanup()
    })

    it('creates tables with op, keeps rows through a batch alter, and removes everything on downgrade base', async () => {
      writeRevision(project.root, {
        revision: 'a1',
        downRevision: null,
        message: 'create customer and order',
        upgrade: `
          await op.createTable('customer', [
            { name: 'id', type: 'integer', primaryKey: true },
            { name: 'name', type: 'varchar(50)', nullable: false },
          ])
          await op.createTable('purchase', [
            { name: 'id', type: 'integer', primaryKey: true },
            { name: 'customer_id', type: 'integer', references: { table: 'customer', column: 'id', onDelete: 'cascade' } },
          ])
          await op.bulkInsert('customer', Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: 'c' + i })))
          await op.bulkInsert('purchase', Array.from({ length: 100 }, (_, i) => ({ id: i + 1, customer_id: (i % 50) + 1 })))`,
        downgrade: `
          await op.dropTable('purchase')
          await op.dropTable('customer')`,
      })
      writeRevision(project.root, {
        revision: 'b1',
        downRevision: 'a1',
        message: 'add a note to customer',
        upgrade: `
          await op.batchAlterTable('customer', (batch) => {
            batch.addColumn({ name: 'note', type: 'text', nullable: true })
            batch.alterColumn('name', { type: 'varchar(80)' })
          })`,
        downgrade: `
          await op.batchAlterTable('customer', (batch) => {
            batch.dropColumn('note')
            batch.alterColumn('name', { type: 'varchar(50)' })
          })`,
      })
      const up = await project.run('upgrade heads')
      assert.equal(up.code, 0, up.stderr)
      assert.equal((await project.run('current')).stdout, 'b1 (head)\n')
      const counts = await queryRows(
        db.dialect,
        fresh.url,
        'SELECT (SELECT COUNT(*) FROM customer) AS customers, (SELECT COUNT(*) FROM purchase) AS purchases',
      )
      assert.equal(Number(counts[0]!.customers), 50)
      assert.equal(
        Number(counts[0]!.purchases),
        100,
        'the child rows survive the rebuild of their parent',
      )
      const down = await project.run('downgrade base')
      assert.equal(down.code, 0, down.stderr)
      assert.equal((await project.run('current')).stdout, '')
      const rows = await queryRows(db.dialect, fresh.url, 'SELECT version_num FROM retort_version')
      assert.deepEqual(rows, [])
      await assert.rejects(queryRows(db.dialect, fresh.url, 'SELECT 1 FROM customer'))
    })

    it('four deploys started at once each run every migration exactly once and all exit 0', async () => {
      assert.ok(existsSync(BIN), 'npm test builds dist first')
      const chain = ['c1', 'c2', 'c3', 'c4', 'c5']
      const other = makeProject({ url: fresh.url, versionTable: 'deploy_version' })
      try {
        writeRevision(other.root, {
          revision: 'c0',
          downRevision: null,
          message: 'log table',
          upgrade: `await op.createTable('deploy_log', [{ name: 'rev', type: 'varchar(10)', nullable: false }])`,
        })
        let down = 'c0'
        for (const id of chain) {
          writeRevision(other.root, {
            revision: id,
            downRevision: down,
            message: `step ${id}`,
            upgrade: `await op.bulkInsert('deploy_log', [{ rev: '${id}' }])`,
          })
          down = id
        }
        const runs = await Promise.all(
          Array.from({ length: 4 }, () => {
            return new Promise<{ code: number | null; stderr: string }>((done) => {
              const child = spawn(process.execPath, [BIN, 'upgrade', 'heads'], { cwd: other.root })
              let stderr = ''
              child.stderr.on('data', (d) => (stderr += d))
              child.on('close', (code) => done({ code, stderr }))
            })
          }),
        )
        for (const r of runs) assert.equal(r.code, 0, r.stderr)
        const log = await queryRows(
          db.dialect,
          fresh.url,
          'SELECT rev FROM deploy_log ORDER BY rev',
        )
        assert.deepEqual(
          log.map((r) => r.rev),
          chain,
        )
        const applied = runs.map((r) => (r.stderr.match(/Running upgrade/g) ?? []).length)
        assert.equal(
          applied.reduce((a, b) => a + b, 0),
          chain.length + 1,
          'each step logged by exactly one process',
        )
        const version = await queryRows(
          db.dialect,
          fresh.url,
          'SELECT version_num FROM deploy_version',
        )
        assert.deepEqual(version, [{ version_num: 'c5' }])
      } finally {
        other.remove()
      }
    })
  })
}
