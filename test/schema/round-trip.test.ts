import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compareSchemas } from '../../src/schema/commands.js'
import { describeChange } from '../../src/schema/render.js'
import type { SchemaModel } from '../../src/schema/model.js'
import { testDatabases, type TestDatabase } from '../helpers/databases.js'
import { schemaPairs } from './generators.js'
import { canonical, EMPTY, openApi, readModel, schemaProject, writeModelRevision } from './helpers.js'

/** Pairs per database: enough to meet every change kind, few enough to stay fast. */
const PAIRS = Number(process.env.RETORT_ROUND_TRIP_PAIRS ?? 15)

/** The model a schema has on `db` when created directly (the database's own normalisation). */
async function appliedDirectly(db: TestDatabase, model: SchemaModel): Promise<SchemaModel> {
  const fresh = await db.fresh()
  const project = schemaProject(fresh.url)
  try {
    writeModelRevision(project, db.dialect, 'a0000001', null, EMPTY, model)
    const api = await openApi(project)
    await api.upgrade({ target: 'heads' })
    return await readModel(fresh.url)
  } finally {
    project.remove()
    await fresh.cleanup()
  }
}

const describeDiff = (a: SchemaModel, b: SchemaModel): string =>
  compareSchemas(a, b).map(describeChange).join('; ')

for (const db of testDatabases()) {
  describe(`autogenerate round trip on ${db.dialect}`, { skip: db.skip }, () => {
    const pairs = schemaPairs(PAIRS, db.dialect !== 'sqlite', 20261127)
    pairs.forEach(([before, after], k) => {
      it(`pair ${k}: upgrade reaches the declared schema, check passes, downgrade restores the old one`, async () => {
        const wanted = await appliedDirectly(db, after)
        const fresh = await db.fresh()
        const project = schemaProject(fresh.url)
        try {
          writeModelRevision(project, db.dialect, 'b0000001', null, EMPTY, before)
          const log: string[] = []
          let api = await openApi(project, log)
          await api.upgrade({ target: 'heads' })
          const old = await readModel(fresh.url)

          await api.revision({ message: 'auto', autogenerate: true, wantedSchema: wanted, revId: 'b0000002' })
          const expected = compareSchemas(old, wanted)
          const detected = log.filter((l) => l.includes('[retort.autogenerate]'))
          assert.equal(detected.length, Math.max(1, expected.length), detected.join('\n'))

          api = await openApi(project, log)
          await api.upgrade({ target: 'heads' })
          const upgraded = await readModel(fresh.url)
          assert.equal(describeDiff(upgraded, wanted), '', 'after upgrade')
          assert.deepEqual(canonical(upgraded), canonical(wanted))
          assert.deepEqual((await api.check({ wantedSchema: wanted })).differences, [])

          await api.downgrade({ target: '-1' })
          const downgraded = await readModel(fresh.url)
          assert.equal(describeDiff(downgraded, old), '', 'after downgrade')
          assert.deepEqual(canonical(downgraded), canonical(old))
        } finally {
          project.remove()
          await fresh.cleanup()
        }
      })
    })
  })
}
