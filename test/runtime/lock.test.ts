import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { testDatabases } from '../helpers/databases.js'
import { inspect, revisionFolder, writeRevision, bundledLockWorker } from './fixtures.js'

const worker = bundledLockWorker('lock-worker')

function runWorker(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stderr }))
  })
}

const WORKERS = 4

for (const db of testDatabases()) {
  describe(`migration lock on ${db.dialect}`, { skip: db.skip }, () => {
    it(`lets ${WORKERS} processes started together apply each migration exactly once, all exiting 0`, async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      try {
        // Each migration logs itself; the pause widens the window in which the others would interfere.
        const pause = 'await new Promise((resolve) => setTimeout(resolve, 30))'
        const ids = ['r1', 'r2', 'r3', 'r4', 'r5']
        const revisions = ids.map((id, i) => ({
          id,
          path: writeRevision(folder.dir, id, {
            upgrade:
              (i === 0 ? `await op.execute('CREATE TABLE lock_log (rev VARCHAR(10))')\n` : '') +
              `${pause}\nawait db.insertInto('lock_log').values({ rev: '${id}' }).execute()`,
          }),
        }))
        const results = await Promise.all(
          Array.from({ length: WORKERS }, (_, i) =>
            runWorker([fresh.url, JSON.stringify(revisions), String(i % 2)]),
          ),
        )
        for (const r of results) assert.equal(r.code, 0, r.stderr)
        const seen = await inspect(db.dialect, fresh)
        try {
          assert.deepEqual(await seen.rows('lock_log', 'rev'), ids)
          assert.deepEqual(await seen.rows('alembic_version', 'version_num'), ['r5'])
        } finally {
          await seen.close()
        }
        // Every step was logged once over all processes.
        const logged = results.flatMap((r) =>
          r.stderr.split('\n').filter((l) => l.includes('Running upgrade')),
        )
        assert.equal(logged.length, ids.length, logged.join('\n'))
      } finally {
        folder.cleanup()
        await fresh.cleanup()
      }
    })
  })
}
