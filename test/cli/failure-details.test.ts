import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testDatabases } from '../helpers/databases.js'
import { makeProject, writeRevision } from '../helpers/project.js'

// The failing line is line 16 of the file revisionSource() writes (upgrade's body line).
const THROWS = 'const missing: any = undefined; void missing.property'

for (const db of testDatabases()) {
  describe(`a throwing migration on ${db.dialect}`, { skip: db.skip }, () => {
    it('names the revision file and the line of the failing frame', async () => {
      const fresh = await db.fresh()
      const p = makeProject({ url: fresh.url, scriptLocation: 'migrations' })
      try {
        writeRevision(p.root, { revision: 'ba5e0001', downRevision: null, message: 'first' })
        writeRevision(p.root, {
          revision: 'ba5e0002',
          downRevision: 'ba5e0001',
          message: 'throws halfway',
          upgrade: THROWS,
        })
        const run = await p.run('upgrade heads')
        assert.equal(run.code, 1)
        assert.match(
          run.stderr,
          /FAILED: upgrade 'ba5e0002' \(throws halfway\) failed: Cannot read properties of undefined \(reading 'property'\)\n {2}at migrations\/versions\/ba5e0002_throws_halfway\.ts:16\n/,
        )
        assert.doesNotMatch(run.stderr, /Caused by|node:internal/, 'no stack without --verbose')
      } finally {
        p.remove()
        await fresh.cleanup()
      }
    })

    it('--verbose and RETORT_DEBUG=1 print the full stack with the cause chain, passwords masked', async () => {
      const fresh = await db.fresh()
      const p = makeProject({ url: fresh.url, scriptLocation: 'migrations' })
      try {
        writeRevision(p.root, {
          revision: 'ba5e0001',
          downRevision: null,
          message: 'throws',
          upgrade: `throw new Error('outer', { cause: new Error('inner reason') })`,
        })
        const verbose = await p.run('upgrade heads --verbose')
        assert.equal(verbose.code, 1)
        assert.match(verbose.stderr, /MigrationError: upgrade 'ba5e0001'[^]*\n {4}at /)
        assert.match(
          verbose.stderr,
          /Caused by: Error: outer\n {4}at [^]*Caused by: Error: inner reason/,
        )
        const debug = makeProject(
          { url: fresh.url, scriptLocation: 'migrations' },
          { RETORT_DEBUG: '1' },
        )
        try {
          writeRevision(debug.root, {
            revision: 'ba5e0001',
            downRevision: null,
            message: 'throws',
            upgrade: `throw new Error('outer', { cause: new Error('inner reason') })`,
          })
          const run = await debug.run('upgrade heads')
          assert.equal(run.code, 1)
          assert.match(run.stderr, /Caused by: Error: inner reason/)
        } finally {
          debug.remove()
        }
      } finally {
        p.remove()
        await fresh.cleanup()
      }
    })
  })
}

describe('--verbose never shows a password', () => {
  it('masks the URL in the stack and causes of a connection failure', async () => {
    const p = makeProject({
      url: 'postgres://app:s3cretpw@127.0.0.1:1/app',
      scriptLocation: 'migrations',
    })
    try {
      writeRevision(p.root, { revision: 'ba5e0001', downRevision: null, message: 'x' })
      const run = await p.run('upgrade heads --verbose')
      assert.equal(run.code, 1)
      assert.match(run.stderr, /Caused by: /)
      assert.doesNotMatch(run.stderr, /s3cretpw/)
    } finally {
      p.remove()
    }
  })
})
