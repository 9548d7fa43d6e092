import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DatabaseError } from '../../src/errors.js'
import { importWithDriver } from '../../src/dialects/driver-package.js'
import { loadDialect } from '../../src/dialects/registry.js'

// A package name no registry install puts here: stands for an absent `pg`.
const ABSENT = 'retort-test-absent-driver'

describe('optional driver packages', () => {
  it('names the exact npm install line when the driver package is not installed', async () => {
    await assert.rejects(
      importWithDriver(ABSENT, 'PostgreSQL', () => import(ABSENT)),
      (e: unknown) =>
        e instanceof DatabaseError &&
        e.message ===
          `The database URL is for PostgreSQL, whose driver '${ABSENT}' is not installed; ` +
            `run: npm install ${ABSENT}` &&
        (e.cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND',
    )
  })

  it('passes on a missing package other than the driver unchanged', async () => {
    await assert.rejects(
      importWithDriver('pg', 'PostgreSQL', () => import(ABSENT)),
      (e: unknown) =>
        !(e instanceof DatabaseError) && (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND',
    )
  })

  it('passes on an error thrown while the driver loads unchanged', async () => {
    const failure = new Error('broken build')
    await assert.rejects(
      importWithDriver('pg', 'PostgreSQL', () => Promise.reject(failure)),
      (e: unknown) => e === failure,
    )
  })

  it('loads the installed dialects', async () => {
    for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
      const loaded = await loadDialect(dialect)
      assert.equal(typeof loaded, 'object')
    }
  })
})
