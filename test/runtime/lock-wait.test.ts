import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { withDatabase } from '../../src/runtime/session.js'
import { testDatabases } from '../helpers/databases.js'
import { makeProject } from '../helpers/project.js'
import {
  inspect,
  linearPlan,
  revisionFolder,
  sessionOptions,
  writeRevision,
  bundledLockWorker,
} from './fixtures.js'

const worker = bundledLockWorker('lock-wait')

/** A process that takes the lock and sits in its migration until killed; resolves once it runs it. */
function holdLock(url: string, path: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [worker, url, JSON.stringify([{ id: 'hold', path }]), '0'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes('Running upgrade')) resolve(child)
    })
    child.on('error', reject)
    child.on('close', (code) => reject(new Error(`holder exited ${code} early: ${stderr}`)))
  })
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('close')
    child.on('close', () => resolve())
    child.kill('SIGKILL')
  })
}

const SLEEP = 'await new Promise((resolve) => setTimeout(resolve, 120_000))'

for (const db of testDatabases()) {
  describe(`waiting for the migration lock on ${db.dialect}`, { skip: db.skip }, () => {
    it('announces the wait after a second and gives up after lockTimeout, saying so', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      const holder = await holdLock(
        fresh.url,
        writeRevision(folder.dir, 'hold', { upgrade: SLEEP }),
      )
      try {
        const options = sessionOptions(fresh.url, { lock: true, lockTimeout: 2 })
        const started = Date.now()
        await assert.rejects(
          withDatabase(options, async () => assert.fail('the lock was taken twice')),
          /gave up waiting for the migration lock on .* after 2 s: another process is migrating/,
        )
        const waited = (Date.now() - started) / 1000
        assert.ok(waited >= 1.9 && waited < 8, `waited ${waited} s`)
        assert.deepEqual(options.logs, [
          'INFO  [retort.migration] waiting for the migration lock held by another process...',
        ])
      } finally {
        await killed(holder)
        folder.cleanup()
        await fresh.cleanup()
      }
    })

    it('a process killed with SIGKILL while holding the lock leaves it free for the next run', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      const holder = await holdLock(
        fresh.url,
        writeRevision(folder.dir, 'hold', { upgrade: SLEEP }),
      )
      try {
        await killed(holder)
        const next = writeRevision(folder.dir, 'next', { upgrade: '' })
        const options = sessionOptions(fresh.url, { lock: true, lockTimeout: 20 })
        const rows = await withDatabase(options, async (session) => {
          await session.run(linearPlan([{ id: 'next', path: next }]))
          return session.readRows()
        })
        assert.deepEqual(rows, ['next'])
      } finally {
        folder.cleanup()
        await fresh.cleanup()
      }
    })
  })
}

for (const db of testDatabases()) {
  describe(`transactionPerMigration on ${db.dialect}`, { skip: db.skip }, () => {
    it('commits each revision: a kill after two finished revisions keeps both', async () => {
      const fresh = await db.fresh()
      const folder = revisionFolder()
      const revisions = [
        {
          id: 'p1',
          path: writeRevision(folder.dir, 'p1', {
            upgrade: `await op.execute('CREATE TABLE p1 (id INTEGER)')`,
          }),
        },
        {
          id: 'p2',
          path: writeRevision(folder.dir, 'p2', {
            upgrade: `await op.execute('CREATE TABLE p2 (id INTEGER)')`,
          }),
        },
        { id: 'p3', path: writeRevision(folder.dir, 'p3', { upgrade: SLEEP }) },
      ]
      const child = spawn(process.execPath, [worker, fresh.url, JSON.stringify(revisions), '1'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      try {
        await new Promise<void>((resolve, reject) => {
          let stderr = ''
          child.stderr!.on('data', (chunk: Buffer) => {
            stderr += chunk.toString()
            if (stderr.includes('Running upgrade p2 -> p3')) resolve()
          })
          child.on('close', (code) => reject(new Error(`worker exited ${code}: ${stderr}`)))
        })
        await killed(child)
        const seen = await inspect(db.dialect, fresh)
        try {
          assert.deepEqual(await seen.rows('alembic_version', 'version_num'), ['p2'])
          assert.ok(seen.tables.includes('p1') && seen.tables.includes('p2'), String(seen.tables))
        } finally {
          await seen.close()
        }
      } finally {
        child.kill('SIGKILL')
        folder.cleanup()
        await fresh.cleanup()
      }
    })
  })
}

describe('lockTimeout and --lock-timeout', () => {
  it('refuses a lock timeout that is not a number of seconds, naming the flag and the key', async () => {
    const p = makeProject({ url: 'sqlite:app.db' })
    try {
      const flag = await p.run('--lock-timeout soon current')
      assert.equal(flag.code, 2)
      assert.match(flag.stderr, /--lock-timeout must be a number of seconds/)
      p.write('retort.config.json', JSON.stringify({ url: 'sqlite:app.db', lockTimeout: 'soon' }))
      const key = await p.run('current')
      assert.equal(key.code, 1)
      assert.match(key.stderr, /lockTimeout.*must be a number of seconds/)
    } finally {
      p.remove()
    }
  })
})
