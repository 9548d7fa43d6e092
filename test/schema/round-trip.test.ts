import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compareSchemas } from '../../src/schema/commands.js'
import { describeChange } from '../../src/schema/render.js'
import type { SchemaChange } from '../../src/schema/diff.js'
import type { SchemaModel } from '../../src/schema/model.js'
import { testDatabases, type TestDatabase } from '../helpers/databases.js'
import { featuresOf, schemaPairs } from './generators.js'
import {
  canonical,
  EMPTY,
  openApi,
  readModel,
  renderDialect,
  schemaProject,
  writeModelRevision,
} from './helpers.js'

/** Pairs per database: enough to meet every change kind, few enough to stay fast. */
const PAIRS = Number(process.env.RETORT_ROUND_TRIP_PAIRS ?? 30)
const SEED = 20261127

/** A change's kind, finer where the generator has variants (attribute, on/off, index shape). */
function kindOf(change: SchemaChange): string {
  switch (change.kind) {
    case 'alterColumn':
      return change.attribute === 'autoIncrement'
        ? `alterColumn autoIncrement ${change.to.autoIncrement ? 'on' : 'off'}${change.whileKeyChanges ? ' while its key is replaced' : ''}`
        : `alterColumn ${change.attribute}`
    case 'addIndex':
    case 'dropIndex': {
      const ix = change.index
      if (ix.where !== null) return `${change.kind} partial`
      return ix.columns.some((p) => 'expression' in p) ? `${change.kind} expression` : change.kind
    }
    default:
      return change.kind
  }
}

describe('the round-trip pairs', () => {
  for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
    it(`meet every change kind the database has [${dialect}]`, () => {
      const features = featuresOf(dialect)
      const render = renderDialect(dialect)
      const met = new Set<string>()
      for (const [before, after] of schemaPairs(PAIRS, features, SEED)) {
        for (const change of compareSchemas(before, after, undefined, render))
          met.add(kindOf(change))
        // A primary key replaced under a column that stays auto-increment.
        for (const t of after.tables) {
          const old = before.tables.find((b) => b.name === t.name)
          const key = (m: typeof t) => m.primaryKey?.columns.join() ?? ''
          if (
            old &&
            key(old) !== key(t) &&
            old.columns[0]!.autoIncrement &&
            t.columns[0]!.autoIncrement
          )
            met.add('primary key replaced under auto-increment')
        }
      }
      const kinds = [
        'addTable',
        'dropTable',
        'addColumn',
        'dropColumn',
        'alterColumn type',
        'alterColumn nullable',
        'alterColumn default',
        'alterColumn autoIncrement on',
        'alterColumn autoIncrement off',
        'addPrimaryKey',
        'dropPrimaryKey',
        'addUnique',
        'dropUnique',
        'addForeignKey',
        'dropForeignKey',
        'addCheck',
        'dropCheck',
        'addIndex',
        'dropIndex',
        ...(features.comments ? ['alterColumn comment', 'tableComment'] : []),
        ...(features.autoIncrementNeedsSoleKey
          ? []
          : ['primary key replaced under auto-increment']),
        ...(render.autoIncrementNeedsKey
          ? [
              'alterColumn autoIncrement off while its key is replaced',
              'alterColumn autoIncrement on while its key is replaced',
            ]
          : []),
        ...(features.indexExpressions
          ? ['addIndex expression', 'dropIndex expression', 'addIndex partial', 'dropIndex partial']
          : []),
      ]
      assert.deepEqual(
        kinds.filter((k) => !met.has(k)),
        [],
      )
    })
  }
})

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
    const pairs = schemaPairs(PAIRS, featuresOf(db.dialect), SEED)
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

          await api.revision({
            message: 'auto',
            autogenerate: true,
            wantedSchema: wanted,
            revId: 'b0000002',
          })
          // One line per operation written (MariaDB: auto-increment off and on around a key).
          const expected = compareSchemas(old, wanted, undefined, renderDialect(db.dialect))
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

for (const db of testDatabases()) {
  describe(`autogenerated changes keep the rows on ${db.dialect}`, { skip: db.skip }, () => {
    it('rebuilds (SQLite) or alters a table with rows, up and down, and keeps them', async () => {
      const fresh = await db.fresh()
      const project = schemaProject(fresh.url)
      const c = (name: string, type: string, nullable = true) => ({
        name,
        type,
        nullable,
        default: null,
        autoIncrement: false,
        comment: null,
      })
      const item = (columns: ReturnType<typeof c>[], more: object = {}): SchemaModel => ({
        tables: [
          {
            name: 'item',
            comment: null,
            columns: [c('id', 'integer', false), ...columns],
            primaryKey: { name: null, columns: ['id'] },
            uniques: [],
            foreignKeys: [],
            checks: [],
            indexes: [],
            ...more,
          },
        ],
      })
      try {
        writeModelRevision(
          project,
          db.dialect,
          'e0000001',
          null,
          EMPTY,
          item([c('label', 'varchar(20)'), c('qty', 'integer')]),
        )
        let api = await openApi(project)
        await api.upgrade({ target: 'heads' })
        const rows = [
          { id: 1, label: 'one', qty: 5 },
          { id: 2, label: 'two', qty: 7 },
        ]
        const { queryRows } = await import('../helpers/databases.js')
        await queryRows(
          db.dialect,
          fresh.url,
          "insert into item (id, label, qty) values (1, 'one', 5), (2, 'two', 7)",
        )
        const wanted = await appliedDirectly(
          db,
          item([c('label', 'text', false), c('qty', 'integer')], {
            uniques: [{ name: 'uq_item_label', columns: ['label'] }],
            checks: [{ name: 'ck_item_qty', expression: 'qty > 0' }],
          }),
        )
        await api.revision({
          message: 'tighten',
          autogenerate: true,
          wantedSchema: wanted,
          revId: 'e0000002',
        })
        api = await openApi(project)
        await api.upgrade({ target: 'heads' })
        const read = async () =>
          (
            await queryRows(db.dialect, fresh.url, 'select id, label, qty from item order by id')
          ).map((r) => ({
            id: Number(r.id),
            label: r.label,
            qty: Number(r.qty),
          }))
        assert.deepEqual(await read(), rows)
        assert.deepEqual((await api.check({ wantedSchema: wanted })).differences, [])
        await api.downgrade({ target: '-1' })
        assert.deepEqual(await read(), rows)
      } finally {
        project.remove()
        await fresh.cleanup()
      }
    })
  })
}

for (const db of testDatabases()) {
  // SQLite keeps AUTOINCREMENT on a lone INTEGER PRIMARY KEY only: no (id, c0) key under it.
  const skip = db.skip ?? (db.dialect === 'sqlite' ? 'auto-increment needs a sole key' : undefined)
  describe(`a primary key change under an auto-increment column on ${db.dialect}`, { skip }, () => {
    it('upgrades (id) to (id, c0) and back, keeps the rows, and new rows get ids past them', async () => {
      const fresh = await db.fresh()
      const project = schemaProject(fresh.url)
      const model = (key: string[]): SchemaModel => ({
        tables: [
          {
            name: 'item',
            comment: null,
            columns: [
              {
                name: 'id',
                type: 'integer',
                nullable: false,
                default: null,
                autoIncrement: true,
                comment: null,
              },
              {
                name: 'c0',
                type: 'integer',
                nullable: false,
                default: null,
                autoIncrement: false,
                comment: null,
              },
            ],
            primaryKey: { name: null, columns: key },
            uniques: [],
            foreignKeys: [],
            checks: [],
            indexes: [],
          },
        ],
      })
      const { queryRows } = await import('../helpers/databases.js')
      const insert = (c0: number) =>
        queryRows(db.dialect, fresh.url, `insert into item (c0) values (${c0})`)
      const rows = async () =>
        (await queryRows(db.dialect, fresh.url, 'select id, c0 from item order by id')).map(
          (r): [number, number] => [Number(r.id), Number(r.c0)],
        )
      try {
        writeModelRevision(project, db.dialect, 'f0000001', null, EMPTY, model(['id']))
        let api = await openApi(project)
        await api.upgrade({ target: 'heads' })
        for (const c0 of [10, 20, 30]) await insert(c0)
        const old = await readModel(fresh.url)
        const wanted = await appliedDirectly(db, model(['id', 'c0']))
        await api.revision({
          message: 'wider key',
          autogenerate: true,
          wantedSchema: wanted,
          revId: 'f0000002',
        })
        api = await openApi(project)
        await api.upgrade({ target: 'heads' })
        assert.deepEqual((await api.check({ wantedSchema: wanted })).differences, [])
        await insert(40)
        assert.deepEqual(await rows(), [
          [1, 10],
          [2, 20],
          [3, 30],
          [4, 40],
        ])

        await api.downgrade({ target: '-1' })
        assert.equal(describeDiff(await readModel(fresh.url), old), '', 'after downgrade')
        await insert(50)
        const after = await rows()
        assert.deepEqual(after.slice(0, 4), [
          [1, 10],
          [2, 20],
          [3, 30],
          [4, 40],
        ])
        const [newId, c0] = after[4]!
        assert.equal(c0, 50)
        assert.ok(newId > 4, `new id ${newId} is past the old ones`)
      } finally {
        project.remove()
        await fresh.cleanup()
      }
    })
  })
}
