import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { DatabaseError } from '../../src/errors.js'
import { withDatabase } from '../../src/runtime/session.js'
import { testDatabases } from '../helpers/databases.js'
import { sessionOptions } from './fixtures.js'

/** Expect a connection failure: one line, naming the masked URL, never the password. */
async function assertConnectionError(url: string, masked: string, reason: RegExp): Promise<void> {
  let ran = false
  await assert.rejects(
    withDatabase(sessionOptions(url), async () => {
      ran = true
    }),
    (e) => {
      assert.ok(e instanceof DatabaseError, String(e))
      assert.ok(e.message.startsWith(`cannot connect to ${masked}: `), e.message)
      assert.match(e.message, reason)
      assert.ok(!e.message.includes('s3cret'), e.message)
      assert.ok(!e.message.includes('\n'), e.message)
      return true
    },
  )
  assert.equal(ran, false)
}

const available = new Map(testDatabases().map((d) => [d.dialect, d.skip]))

describe('connection failures', () => {
  it('reports a SQLite file whose folder does not exist', async () => {
    await assertConnectionError(
      'sqlite:/nonexistent-retort/x.db',
      'sqlite:/nonexistent-retort/x.db',
      /directory does not exist/,
    )
  })

  it('reports an unreachable PostgreSQL server without the password', async () => {
    await assertConnectionError(
      'postgres://scott:s3cret@127.0.0.1:1/test',
      'postgres://scott:***@127.0.0.1:1/test',
      /ECONNREFUSED/,
    )
  })

  it('reports an unreachable MySQL server without the password', async () => {
    await assertConnectionError(
      'mysql://scott:s3cret@127.0.0.1:1/test',
      'mysql://scott:***@127.0.0.1:1/test',
      /ECONNREFUSED/,
    )
  })

  it('reports a login PostgreSQL refuses', { skip: available.get('postgres') }, async () => {
    const u = new URL(process.env.RETORT_TEST_PG_URL!)
    u.username = 'no_such_role'
    u.password = 's3cret'
    await assertConnectionError(u.toString(), u.toString().replace('s3cret', '***'), /no_such_role/)
  })

  it('reports a login MariaDB refuses', { skip: available.get('mysql') }, async () => {
    const u = new URL(process.env.RETORT_TEST_MYSQL_URL!)
    u.username = 'no_such_user'
    u.password = 's3cret'
    await assertConnectionError(
      u.toString(),
      u.toString().replace('s3cret', '***'),
      /Access denied/,
    )
  })

  it('runs on an in-memory SQLite database', async () => {
    const rows = await withDatabase(sessionOptions('sqlite::memory:'), async (s) => {
      await s.ensureVersionTable()
      return s.readRows()
    })
    assert.deepEqual(rows, [])
  })
})
