import { describe } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { RetortError } from '../../src/errors.js'
import { introspect } from '../../src/schema/introspect.js'
import { eachDatabase, per, type OpsTest } from './helpers/harness.js'
import { assertRoundTrip } from './helpers/round-trip.js'

async function itemTable(t: OpsTest): Promise<void> {
  await t.op.createTable('item', [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'name', type: 'varchar(20)', nullable: false, default: 'none', comment: 'label' },
    { name: 'qty', type: 'integer' },
  ])
  await t.op.bulkInsert('item', [
    { id: 1, name: 'one', qty: 10 },
    { id: 2, name: 'two', qty: null },
  ])
}

const column = async (t: OpsTest, table: string, name: string) => {
  const c = (await t.table(table)).columns.find((x) => x.name === name)
  assert.ok(c, `no column ${name}`)
  return c
}

/** Rejects with a RetortError that points at batchAlterTable. */
const refusesOutsideBatch = (promise: Promise<unknown>) =>
  assert.rejects(
    promise,
    (e) => e instanceof RetortError && /op\.batchAlterTable\('item'/.test(e.message),
  )

describe('addColumn', () => {
  eachDatabase('adds a column whose default fills the existing rows', async (t) => {
    await itemTable(t)
    await t.op.addColumn('item', {
      name: 'status',
      type: 'varchar(10)',
      nullable: false,
      default: 'new',
    })
    const status = await column(t, 'item', 'status')
    assert.equal(status.nullable, false)
    assert.deepEqual(
      (await t.rows('item', 'id')).map((r) => r.status),
      ['new', 'new'],
    )
  })

  eachDatabase('adds a column with a foreign key', async (t) => {
    await itemTable(t)
    await t.op.createTable('shelf', [{ name: 'id', type: 'integer', primaryKey: true }])
    await t.op.addColumn('item', {
      name: 'shelf_id',
      type: 'integer',
      references: { table: 'shelf', column: 'id', onDelete: 'set null' },
    })
    assert.deepEqual(
      (await t.table('item')).foreignKeys.map((f) => [
        f.columns,
        f.table,
        f.referencedColumns,
        f.onDelete,
      ]),
      [[['shelf_id'], 'shelf', ['id'], 'set null']],
    )
  })

  eachDatabase('adds a column with a comment where comments exist', async (t) => {
    await itemTable(t)
    await t.op.addColumn('item', { name: 'memo', type: 'text', comment: 'free text' })
    assert.equal(
      (await column(t, 'item', 'memo')).comment,
      t.dialect === 'sqlite' ? null : 'free text',
    )
  })

  eachDatabase('round trip: addColumn then dropColumn', async (t) => {
    await itemTable(t)
    await assertRoundTrip(
      t,
      () => t.op.addColumn('item', { name: 'extra', type: 'numeric(6,2)', default: 1.5 }),
      () => t.op.dropColumn('item', 'extra'),
    )
  })

  eachDatabase(
    'refuses PRIMARY KEY and UNIQUE columns on SQLite before changing anything',
    async (t) => {
      await itemTable(t)
      const before = await t.catalog()
      await refusesOutsideBatch(
        t.op.addColumn('item', { name: 'code', type: 'text', unique: true }),
      )
      await refusesOutsideBatch(
        t.op.addColumn('item', { name: 'k', type: 'integer', primaryKey: true }),
      )
      assert.deepEqual(await t.catalog(), before)
    },
    { only: ['sqlite'] },
  )
})

describe('dropColumn', () => {
  eachDatabase('drops a column and keeps the other values', async (t) => {
    await itemTable(t)
    await t.op.dropColumn('item', 'qty')
    assert.deepEqual(
      (await t.table('item')).columns.map((c) => c.name),
      ['id', 'name'],
    )
    assert.deepEqual(
      (await t.rows('item', 'id')).map((r) => [r.id, r.name]),
      [
        [1, 'one'],
        [2, 'two'],
      ],
    )
  })

  eachDatabase(
    'refuses an indexed column on SQLite, pointing at batchAlterTable, and changes nothing',
    async (t) => {
      await itemTable(t)
      await t.op.createIndex('ix_item_qty', 'item', ['qty'])
      const before = await t.catalog()
      await refusesOutsideBatch(t.op.dropColumn('item', 'qty'))
      assert.deepEqual(await t.catalog(), before)
    },
    { only: ['sqlite'] },
  )
})

describe('alterColumn', () => {
  eachDatabase(
    'turns auto-increment on and off, keeping the rows (SQLite in a batch)',
    async (t) => {
      await itemTable(t)
      const autoIncrement = async () =>
        (await introspect(t.db, t.dialect, { versionTable: 'retort_version' })).tables
          .find((x) => x.name === 'item')!
          .columns.find((c) => c.name === 'id')!.autoIncrement
      const alter = async (on: boolean) => {
        const existing = { type: 'integer', nullable: false, autoIncrement: !on } as const
        if (t.dialect === 'sqlite')
          await t.op.batchAlterTable('item', (batch) =>
            batch.alterColumn('id', { autoIncrement: on, existing }),
          )
        else await t.op.alterColumn('item', 'id', { autoIncrement: on, existing })
      }
      await alter(true)
      assert.equal(await autoIncrement(), true)
      await t.op.bulkInsert('item', [{ name: 'three', qty: 3 }])
      const rows = await t.rows('item', 'id')
      assert.deepEqual(
        rows.map((r) => [Number(r.id) > 0, r.name]),
        [
          [true, 'one'],
          [true, 'two'],
          [true, 'three'],
        ],
      )
      await alter(false)
      assert.equal(await autoIncrement(), false)
      assert.deepEqual(await t.rows('item', 'id'), rows)
    },
  )

  eachDatabase(
    'refuses an auto-increment change on SQLite outside a batch',
    async (t) => {
      await itemTable(t)
      await refusesOutsideBatch(t.op.alterColumn('item', 'id', { autoIncrement: true }))
    },
    { only: ['sqlite'] },
  )

  eachDatabase('renames a column, keeping its values (round trip)', async (t) => {
    await itemTable(t)
    await assertRoundTrip(
      t,
      async () => {
        await t.op.alterColumn('item', 'qty', { newName: 'quantity' })
        assert.deepEqual(
          (await t.rows('item', 'id')).map((r) => r.quantity),
          [10, null],
        )
      },
      () => t.op.alterColumn('item', 'quantity', { newName: 'qty' }),
    )
  })

  eachDatabase(
    'refuses type, nullability and default changes on SQLite outside a batch',
    async (t) => {
      await itemTable(t)
      const before = await t.catalog()
      await refusesOutsideBatch(t.op.alterColumn('item', 'qty', { type: 'bigint' }))
      await refusesOutsideBatch(t.op.alterColumn('item', 'qty', { nullable: false }))
      await refusesOutsideBatch(t.op.alterColumn('item', 'qty', { default: 3 }))
      assert.deepEqual(await t.catalog(), before)
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'changes the type and keeps the values (round trip)',
    async (t) => {
      await itemTable(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.alterColumn('item', 'name', { type: 'varchar(200)' })
          const name = await column(t, 'item', 'name')
          assert.equal(
            name.type,
            per(t, { sqlite: '', postgres: 'character varying(200)', mysql: 'varchar(200)' }),
          )
          assert.equal(name.nullable, false, 'nullability is kept')
          assert.deepEqual(
            (await t.rows('item', 'id')).map((r) => r.name),
            ['one', 'two'],
          )
        },
        () => t.op.alterColumn('item', 'name', { type: 'varchar(20)' }),
      )
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'keeps the default and comment when MariaDB restates the column',
    async (t) => {
      await itemTable(t)
      await t.op.alterColumn('item', 'name', { type: 'varchar(50)' })
      const name = await column(t, 'item', 'name')
      assert.deepEqual(
        [name.type, name.nullable, name.default, name.comment],
        ['varchar(50)', false, "'none'", 'label'],
      )
    },
    { only: ['mysql'] },
  )

  eachDatabase(
    'converts values with using on PostgreSQL',
    async (t) => {
      await t.op.createTable('reading', [{ name: 'value', type: 'text' }])
      await t.op.bulkInsert('reading', [{ value: '12' }, { value: '7' }])
      await t.op.alterColumn('reading', 'value', {
        type: 'integer',
        using: sql`value::integer * ${2}`,
      })
      assert.equal((await column(t, 'reading', 'value')).type, 'integer')
      assert.deepEqual(
        (await t.rows('reading', 'value')).map((r) => r.value),
        [14, 24],
      )
    },
    { only: ['postgres'] },
  )

  eachDatabase(
    'sets and drops NOT NULL (round trip)',
    async (t) => {
      await itemTable(t)
      await t.op.execute(t.db.updateTable('item').set({ qty: 0 }).where('qty', 'is', null))
      await assertRoundTrip(
        t,
        async () => {
          await t.op.alterColumn('item', 'qty', { nullable: false })
          assert.equal((await column(t, 'item', 'qty')).nullable, false)
          await assert.rejects(t.op.bulkInsert('item', [{ id: 3, name: 'x', qty: null }]))
        },
        () => t.op.alterColumn('item', 'qty', { nullable: true }),
      )
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'sets and drops a default (round trip)',
    async (t) => {
      await itemTable(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.alterColumn('item', 'qty', { default: 5 })
          await t.op.bulkInsert('item', [{ id: 3, name: 'three' }])
          assert.equal((await t.rows('item', 'id'))[2]!.qty, 5)
          await t.op.execute(t.db.deleteFrom('item').where('id', '=', 3))
        },
        () => t.op.alterColumn('item', 'qty', { default: null }),
      )
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'sets an expression default',
    async (t) => {
      await t.op.createTable('event', [
        { name: 'id', type: 'integer' },
        { name: 'at', type: 'timestamp' },
      ])
      await t.op.alterColumn('event', 'at', { default: sql`CURRENT_TIMESTAMP` })
      await t.op.bulkInsert('event', [{ id: 1 }])
      assert.notEqual((await t.rows('event', 'id'))[0]!.at, null)
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'sets and removes a comment (round trip)',
    async (t) => {
      await itemTable(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.alterColumn('item', 'qty', { comment: "how many's left" })
          assert.equal((await column(t, 'item', 'qty')).comment, "how many's left")
        },
        () => t.op.alterColumn('item', 'qty', { comment: null }),
      )
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'changes several things at once, then renames',
    async (t) => {
      await itemTable(t)
      await t.op.execute(t.db.updateTable('item').set({ qty: 0 }).where('qty', 'is', null))
      await t.op.alterColumn('item', 'qty', {
        type: 'bigint',
        nullable: false,
        default: 1,
        comment: 'count',
        newName: 'count',
      })
      const count = await column(t, 'item', 'count')
      assert.deepEqual(
        [count.type, count.nullable, count.default, count.comment],
        [per(t, { sqlite: '', postgres: 'bigint', mysql: 'bigint(20)' }), false, '1', 'count'],
      )
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase('refuses an alterColumn that changes nothing', async (t) => {
    await itemTable(t)
    await assert.rejects(t.op.alterColumn('item', 'qty', {}), /changes nothing/)
  })

  eachDatabase(
    'adds, alters and drops columns in the named schema',
    async (t) => {
      const schema = t.namespace
      await t.op.createTable('thing', [{ name: 'id', type: 'integer' }], { schema })
      await t.op.addColumn(
        'thing',
        { name: 'label', type: 'varchar(10)', comment: 'a label' },
        { schema },
      )
      await t.op.alterColumn('thing', 'label', {
        type: 'varchar(30)',
        nullable: false,
        default: 'x',
        comment: 'the label',
        newName: 'title',
        schema,
      })
      await t.op.batchAlterTable('thing', (b) => b.addColumn({ name: 'n', type: 'integer' }), {
        schema,
      })
      await t.op.dropColumn('thing', 'id', { schema })
      const thing = await t.table('thing')
      assert.deepEqual(
        thing.columns.map((c) => [c.name, c.nullable, c.comment]),
        [
          ['title', false, 'the label'],
          ['n', true, null],
        ],
      )
    },
    { only: ['postgres', 'mysql'] },
  )
})
