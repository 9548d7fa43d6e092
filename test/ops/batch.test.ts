import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { sql, type Kysely } from 'kysely'
import { RetortError } from '../../src/errors.js'
import type { BatchOperations } from '../../src/ops/batch.js'
import type { Operations } from '../../src/ops/operations.js'
import { testDatabases } from '../helpers/databases.js'
import { capturingKysely } from './helpers/offline.js'
import { eachDatabase, onlineOps, opsTest, type OpsTest } from './helpers/harness.js'
import { openFresh } from './helpers/connect.js'
import { createOperations } from '../../src/ops/operations.js'
import { dialectOf } from '../helpers/dialects.js'

const CUSTOMERS = 3000

/**
 * country <- customer <- orders / review, customer with every kind of
 * constraint and index, a trigger, and a few thousand varied rows.
 */
async function shop(
  t: OpsTest,
  reviewOnDelete: 'cascade' | 'no action' = 'no action',
  customers = CUSTOMERS,
): Promise<void> {
  await t.op.createTable('country', [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'code', type: 'varchar(2)', nullable: false, unique: true },
  ])
  await t.op.createTable(
    'customer',
    [
      { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
      { name: 'name', type: 'varchar(50)', nullable: false },
      { name: 'email', type: 'text' },
      { name: 'country_id', type: 'integer', references: { table: 'country', column: 'id' } },
      { name: 'score', type: 'numeric(6,2)', default: 0 },
      { name: 'legacy', type: 'text' },
      { name: 'created', type: 'timestamp', default: sql`CURRENT_TIMESTAMP` },
      { name: 'data', type: 'blob' },
    ],
    {
      unique: [{ name: 'uq_customer_email', columns: ['email'] }],
      checks: [{ name: 'ck_customer_score', expression: sql`score >= 0` }],
    },
  )
  await t.op.createIndex('ix_customer_name', 'customer', ['name'])
  await t.op.createIndex('ix_customer_lower_email', 'customer', [sql`lower(email)`])
  await t.op.createIndex('ix_customer_legacy', 'customer', ['name'], { where: sql`legacy is null` })
  await t.op.createTable('orders', [
    { name: 'id', type: 'integer', primaryKey: true },
    {
      name: 'customer_id',
      type: 'integer',
      nullable: false,
      references: { table: 'customer', column: 'id' },
    },
  ])
  await t.op.createTable('review', [
    { name: 'id', type: 'integer', primaryKey: true },
    {
      name: 'customer_id',
      type: 'integer',
      references: { table: 'customer', column: 'id', onDelete: reviewOnDelete },
    },
  ])
  // Child key indexes, as SQLite recommends: enforced foreign keys look children up on every parent row.
  await t.op.createIndex('ix_orders_customer', 'orders', ['customer_id'])
  await t.op.createIndex('ix_review_customer', 'review', ['customer_id'])
  await t.op.execute(
    'create trigger customer_stamp after update of name on customer begin update customer set score = 99 where id = new.id; end',
  )
  await t.op.bulkInsert('country', [
    { id: 1, code: 'FR' },
    { id: 2, code: 'JP' },
    { id: 3, code: 'BR' },
  ])
  await t.op.bulkInsert(
    'customer',
    Array.from({ length: customers }, (_, i) => ({
      id: i + 1,
      name: i % 7 === 0 ? `Zoë "${i}" O'Brien` : `customer ${i}`,
      email: i % 11 === 0 ? null : `c${i}@example.org`,
      country_id: i % 5 === 0 ? null : (i % 3) + 1,
      score: (i % 100) + 0.25,
      legacy: i % 2 === 0 ? null : `legacy ${i}`,
      created: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000),
      data: i % 4 === 0 ? null : Buffer.from([i % 256, 0, 255]),
    })),
  )
  await t.op.bulkInsert(
    'orders',
    Array.from({ length: customers * 2 }, (_, i) => ({
      id: i + 1,
      customer_id: (i % customers) + 1,
    })),
  )
  await t.op.bulkInsert(
    'review',
    Array.from({ length: customers / 6 }, (_, i) => ({ id: i + 1, customer_id: i * 3 + 1 })),
  )
  // Leave an AUTOINCREMENT high-water mark above the largest id.
  await t.op.bulkInsert('customer', [{ id: customers + 50, name: 'gone' }])
  await t.op.execute(t.db.deleteFrom('customer').where('id', '=', customers + 50))
}

const rowsOf = (db: Kysely<any>, table: string, orderBy = 'id') =>
  db.selectFrom(table).selectAll().orderBy(orderBy).execute()
const foreignKeyProblems = async (db: Kysely<any>) =>
  (await sql`pragma foreign_key_check`.execute(db)).rows

/** The batch of the main test: every kind of change at once. */
function everything(batch: BatchOperations): void {
  batch.addColumn({ name: 'tier', type: 'integer', nullable: false, default: 1 })
  batch.dropColumn('legacy')
  batch.alterColumn('score', { type: 'real' })
  batch.alterColumn('name', { nullable: true })
  batch.alterColumn('email', { newName: 'mail' })
  batch.createCheckConstraint('ck_customer_tier', sql`tier between ${1} and ${5}`)
  batch.dropConstraint('ck_customer_score')
  batch.createUniqueConstraint('uq_customer_data', ['data', 'id'])
  batch.createIndex('ix_customer_tier', ['tier'])
}

async function assertEverythingApplied(
  t: OpsTest,
  before: Record<string, unknown>[],
): Promise<void> {
  const customer = await t.table('customer')
  assert.deepEqual(
    customer.columns.map((c) => [c.name, c.type, c.nullable]),
    [
      ['id', 'integer', false],
      ['name', 'varchar(50)', true],
      ['mail', 'text', true],
      ['country_id', 'integer', true],
      ['score', 'real', true],
      ['created', 'timestamp', true],
      ['data', 'blob', true],
      ['tier', 'integer', false],
    ],
  )
  assert.equal(customer.columns[0]!.generated, true, 'AUTOINCREMENT is kept')
  assert.deepEqual(
    customer.unique.map((u) => [u.name, u.columns]),
    [
      ['uq_customer_data', ['data', 'id']],
      ['uq_customer_email', ['mail']],
    ],
  )
  assert.deepEqual(
    customer.checks.map((c) => c.name),
    ['ck_customer_tier'],
  )
  assert.deepEqual(
    customer.foreignKeys.map((f) => [f.columns, f.table]),
    [[['country_id'], 'country']],
  )
  assert.deepEqual(
    customer.indexes.map((i) => [i.name, i.columns, i.partial]),
    [
      // The partial index over the dropped column went with it.
      ['ix_customer_lower_email', ['<expression>'], false],
      ['ix_customer_name', ['name'], false],
      ['ix_customer_tier', ['tier'], false],
    ],
  )
  const sqlText = await sql<{
    sql: string
  }>`select sql from sqlite_master where name = 'ix_customer_lower_email'`.execute(t.db)
  assert.match(sqlText.rows[0]!.sql, /lower\("mail"\)/, 'the expression index follows the rename')

  const after = await rowsOf(t.db, 'customer')
  assert.equal(after.length, CUSTOMERS)
  assert.deepEqual(
    after,
    before.map(({ legacy: _legacy, email, score, ...rest }) => ({
      ...rest,
      mail: email,
      score: Number(score),
      tier: 1,
    })),
  )
  assert.equal((await rowsOf(t.db, 'orders')).length, CUSTOMERS * 2)
  assert.equal((await rowsOf(t.db, 'review')).length, 500)
  assert.deepEqual(await foreignKeyProblems(t.db), [])
  // Foreign keys keep working both ways.
  await assert.rejects(
    t.op.bulkInsert('orders', [{ id: 999999, customer_id: 999999 }]),
    /FOREIGN KEY/,
  )
  await assert.rejects(t.op.bulkInsert('customer', [{ name: 'x', country_id: 99 }]), /FOREIGN KEY/)
  await assert.rejects(t.op.bulkInsert('customer', [{ name: 'x', tier: 9 }]), /CHECK/)
  // The trigger is back, and AUTOINCREMENT continues above the old high-water mark.
  await t.op.execute(t.db.updateTable('customer').set({ name: 'renamed' }).where('id', '=', 2))
  assert.equal(
    (
      await t.db
        .selectFrom('customer')
        .select('score')
        .where('id', '=', 2)
        .executeTakeFirstOrThrow()
    ).score,
    99,
  )
  await t.op.bulkInsert('customer', [{ name: 'new' }])
  const last = await t.db
    .selectFrom('customer')
    .select('id')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  assert.equal(last.id, CUSTOMERS + 51)
}

describe('batchAlterTable on SQLite', () => {
  eachDatabase(
    'rebuilds a table of thousands of rows, keeping every value, with foreign keys in and out',
    async (t) => {
      await shop(t, 'cascade')
      const before = await rowsOf(t.db, 'customer')
      await t.op.batchAlterTable('customer', everything)
      await assertEverythingApplied(t, before)
      assert.equal(
        ((await sql`pragma foreign_keys`.execute(t.db)).rows[0] as { foreign_keys: number })
          .foreign_keys,
        1,
        'enforcement is back on',
      )
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'rebuilds inside a transaction, where foreign keys stay enforced, and commits',
    async (t) => {
      await shop(t)
      const before = await rowsOf(t.db, 'customer')
      await t.db.transaction().execute(async (trx) => {
        await onlineOps('sqlite', trx).batchAlterTable('customer', everything)
      })
      await assertEverythingApplied(t, before)
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'refuses, inside a transaction, when rows point in with ON DELETE CASCADE, changing nothing',
    async (t) => {
      await shop(t, 'cascade')
      const catalog = await t.catalog()
      const reviews = await rowsOf(t.db, 'review')
      await t.db.transaction().execute(async (trx) => {
        await assert.rejects(
          onlineOps('sqlite', trx).batchAlterTable('customer', everything),
          (e) =>
            e instanceof RetortError &&
            /ON DELETE CASCADE/.test(e.message) &&
            /Nothing was changed/.test(e.message),
        )
      })
      assert.deepEqual(await t.catalog(), catalog)
      assert.deepEqual(await rowsOf(t.db, 'review'), reviews)
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'rolls the whole batch back when the result breaks a foreign key',
    async (t) => {
      await shop(t)
      const catalog = await t.catalog()
      const before = await rowsOf(t.db, 'customer')
      await assert.rejects(
        t.op.batchAlterTable('customer', (batch) => {
          batch.alterColumn('email', { newName: 'mail' })
          batch.alterColumn('id', { type: 'integer', using: sql`id + 100000` })
        }),
        /point at missing rows of 'customer'.*nothing was changed/,
      )
      assert.deepEqual(await t.catalog(), catalog)
      assert.deepEqual(await rowsOf(t.db, 'customer'), before)
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'checks every operation against the table before changing anything',
    async (t) => {
      await shop(t)
      const catalog = await t.catalog()
      const failing: ((b: BatchOperations) => void)[] = [
        (b) => b.dropColumn('nope'),
        (b) => {
          b.dropColumn('legacy')
          b.alterColumn('legacy', { type: 'text' })
        },
        (b) => b.addColumn({ name: 'email', type: 'text' }),
        (b) => b.dropConstraint('no_such_constraint'),
        (b) => b.dropIndex('no_such_index'),
        (b) => b.createPrimaryKey('pk2', ['name']),
      ]
      for (const build of failing) {
        await assert.rejects(t.op.batchAlterTable('customer', build))
        assert.deepEqual(await t.catalog(), catalog)
      }
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'runs renames, added columns and indexes in place, without a rebuild',
    async (t) => {
      await shop(t)
      const rootpage = async () =>
        (
          await sql<{
            rootpage: number
          }>`select rootpage from sqlite_master where name = 'customer'`.execute(t.db)
        ).rows[0]!.rootpage
      const page = await rootpage()
      await t.op.batchAlterTable('customer', (batch) => {
        batch.alterColumn('legacy', { newName: 'old_stuff' })
        batch.addColumn({ name: 'note', type: 'text', default: 'n/a' })
        batch.createIndex('ix_customer_note', ['note'])
        batch.dropIndex('ix_customer_name')
      })
      assert.equal(await rootpage(), page)
      const customer = await t.table('customer')
      assert.deepEqual(customer.columns.map((c) => c.name).slice(-4), [
        'old_stuff',
        'created',
        'data',
        'note',
      ])
      assert.deepEqual(
        customer.indexes.map((i) => i.name),
        ['ix_customer_legacy', 'ix_customer_lower_email', 'ix_customer_note'],
      )
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    "swaps two column names and reuses a dropped column's name",
    async (t) => {
      await shop(t)
      const before = await rowsOf(t.db, 'customer')
      await t.op.batchAlterTable('customer', (batch) => {
        batch.alterColumn('name', { newName: 'tmp' })
        batch.alterColumn('email', { newName: 'name' })
        batch.alterColumn('tmp', { newName: 'email', nullable: true })
        batch.dropColumn('legacy')
        batch.alterColumn('data', { newName: 'legacy' })
        batch.addColumn({ name: 'extra', type: 'integer' })
        batch.alterColumn('extra', { newName: 'data' })
      })
      const after = await rowsOf(t.db, 'customer')
      assert.deepEqual(
        after,
        before.map((r) => ({
          id: r.id,
          email: r.name,
          name: r.email,
          country_id: r.country_id,
          score: r.score,
          created: r.created,
          legacy: r.data,
          data: null,
        })),
      )
      assert.deepEqual(await foreignKeyProblems(t.db), [])
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'keeps collations, deferred foreign keys and WITHOUT ROWID, naming implicitly referenced keys',
    async (t) => {
      await t.op.execute('create table parent (id integer primary key)')
      await t.op.execute(`create table tagged (
      name text collate nocase not null primary key,
      parent_id integer references parent deferrable initially deferred,
      n integer
    ) without rowid`)
      await t.op.bulkInsert('parent', [{ id: 1 }])
      await t.op.bulkInsert('tagged', [{ name: 'Alpha', parent_id: 1, n: 1 }])
      const before = await t.table('tagged')
      await t.op.batchAlterTable('tagged', (b) => b.alterColumn('n', { type: 'bigint' }))
      const after = await t.table('tagged')
      assert.deepEqual(
        { ...after, columns: after.columns.filter((c) => c.name !== 'n') },
        {
          ...before,
          columns: before.columns.filter((c) => c.name !== 'n'),
          // 'references parent' is restated as 'references parent (id)'.
          foreignKeys: before.foreignKeys.map((f) => ({ ...f, referencedColumns: ['id'] })),
        },
      )
      const text = (
        await sql<{ sql: string }>`select sql from sqlite_master where name = 'tagged'`.execute(
          t.db,
        )
      ).rows[0]!.sql
      assert.match(text, /collate nocase/i)
      assert.match(text, /deferrable initially deferred/i)
      assert.match(text, /without rowid$/i)
      assert.deepEqual(
        await t.db.selectFrom('tagged').selectAll().where('name', '=', 'ALPHA').execute(),
        [{ name: 'Alpha', parent_id: 1, n: 1 }],
      )
    },
    { only: ['sqlite'] },
  )

  eachDatabase(
    'adds a named primary key to a table without one, and drops it (round trip)',
    async (t) => {
      await t.op.createTable('tag', [
        { name: 'name', type: 'varchar(20)' },
        { name: 'uses', type: 'integer' },
      ])
      await t.op.bulkInsert('tag', [
        { name: 'a', uses: 1 },
        { name: 'b', uses: 2 },
      ])
      const [catalog, rows] = [await t.catalog(), await rowsOf(t.db, 'tag', 'name')]
      await t.op.batchAlterTable('tag', (b) => b.createPrimaryKey('pk_tag', ['name']))
      const tag = await t.table('tag')
      assert.deepEqual(tag.primaryKey, { name: 'pk_tag', columns: ['name'] })
      assert.equal(tag.columns[0]!.nullable, false, 'primary key columns become NOT NULL')
      await assert.rejects(t.op.bulkInsert('tag', [{ name: 'a' }]), /UNIQUE/)
      await t.op.batchAlterTable('tag', (b) => {
        b.dropConstraint('pk_tag', { type: 'primaryKey' })
        b.alterColumn('name', { nullable: true })
      })
      assert.deepEqual(await t.catalog(), catalog)
      assert.deepEqual(await rowsOf(t.db, 'tag', 'name'), rows)
    },
    { only: ['sqlite'] },
  )

  describe('round trip per operation', () => {
    const pairs: [string, (b: BatchOperations) => void, (b: BatchOperations) => void][] = [
      [
        'addColumn / dropColumn',
        (b) => b.addColumn({ name: 'tier', type: 'integer', default: 1 }),
        (b) => b.dropColumn('tier'),
      ],
      [
        'alterColumn type',
        (b) => b.alterColumn('score', { type: 'real' }),
        (b) => b.alterColumn('score', { type: 'numeric(6,2)' }),
      ],
      [
        'alterColumn nullable',
        (b) => b.alterColumn('name', { nullable: true }),
        (b) => b.alterColumn('name', { nullable: false }),
      ],
      [
        'alterColumn default',
        (b) => b.alterColumn('score', { default: 5 }),
        (b) => b.alterColumn('score', { default: 0 }),
      ],
      [
        'alterColumn newName',
        (b) => b.alterColumn('email', { newName: 'mail' }),
        (b) => b.alterColumn('mail', { newName: 'email' }),
      ],
      [
        'createCheckConstraint / dropConstraint',
        (b) => b.createCheckConstraint('ck_x', sql`score < 1000`),
        (b) => b.dropConstraint('ck_x'),
      ],
      [
        'createUniqueConstraint / dropConstraint',
        (b) => b.createUniqueConstraint('uq_x', ['name', 'id']),
        (b) => b.dropConstraint('uq_x', { type: 'unique' }),
      ],
      [
        'createForeignKey / dropConstraint',
        (b) => b.createForeignKey('fk_x', 'country', ['country_id'], ['id']),
        (b) => b.dropConstraint('fk_x'),
      ],
      [
        'dropConstraint / createCheckConstraint',
        (b) => b.dropConstraint('ck_customer_score'),
        (b) => b.createCheckConstraint('ck_customer_score', sql`score >= 0`),
      ],
      [
        'createIndex / dropIndex',
        (b) => b.createIndex('ix_x', ['score']),
        (b) => b.dropIndex('ix_x'),
      ],
    ]
    for (const [title, apply, inverse] of pairs) {
      eachDatabase(
        title,
        async (t) => {
          await shop(t, 'no action', 300)
          const [catalog, rows] = [await t.catalog(), await rowsOf(t.db, 'customer')]
          await t.op.batchAlterTable('customer', (b) => {
            apply(b)
            // Force the move-and-copy even for operations SQLite can do in place.
            b.alterColumn('country_id', { type: 'integer' })
          })
          assert.notDeepEqual(await t.catalog(), catalog)
          await t.op.batchAlterTable('customer', inverse)
          assert.deepEqual(await t.catalog(), catalog)
          assert.deepEqual(await rowsOf(t.db, 'customer'), rows)
        },
        { only: ['sqlite'] },
      )
    }
  })
})

describe('batchAlterTable offline on SQLite', () => {
  it('refuses a rebuild without a table description, before emitting anything', async () => {
    const { db, captured } = capturingKysely('sqlite')
    const op = createOperations({ db, dialect: dialectOf('sqlite'), offline: true })
    await assert.rejects(
      op.batchAlterTable('customer', (b) => b.dropConstraint('ck')),
      (e) =>
        e instanceof RetortError &&
        /needs its current definition/.test(e.message) &&
        /\{ table: \{ columns/.test(e.message),
    )
    assert.deepEqual(captured, [])
  })

  it('runs in place without a description when SQLite can', async () => {
    const { db, captured } = capturingKysely('sqlite')
    const op = createOperations({ db, dialect: dialectOf('sqlite'), offline: true })
    await op.batchAlterTable('customer', (b) => b.alterColumn('email', { newName: 'mail' }))
    assert.deepEqual(
      captured.map((q) => q.sql),
      [
        'savepoint retort_batch',
        'alter table "customer" rename column "email" to "mail"',
        'release retort_batch',
      ],
    )
  })
})

describe('batchAlterTable on PostgreSQL and MariaDB', () => {
  eachDatabase(
    'runs the same batch as plain ALTERs',
    async (t) => {
      await t.op.createTable('country', [{ name: 'id', type: 'integer', primaryKey: true }])
      await t.op.createTable(
        'customer',
        [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'name', type: 'varchar(50)', nullable: false },
          { name: 'email', type: 'text' },
          { name: 'country_id', type: 'integer' },
          { name: 'legacy', type: 'text' },
        ],
        { checks: [{ name: 'ck_customer_id', expression: sql`id > 0` }] },
      )
      await t.op.bulkInsert('customer', [
        { id: 1, name: 'a', email: 'a@x', country_id: null, legacy: 'l' },
      ])
      await t.op.batchAlterTable('customer', (batch) => {
        batch.addColumn({ name: 'tier', type: 'integer', nullable: false, default: 1 })
        batch.dropColumn('legacy')
        batch.alterColumn('name', { nullable: true, type: 'varchar(80)' })
        batch.alterColumn('email', { newName: 'mail' })
        batch.createCheckConstraint('ck_customer_tier', sql`tier between 1 and 5`)
        batch.dropConstraint('ck_customer_id', { type: 'check' })
        batch.createUniqueConstraint('uq_customer_mail', ['mail'])
        batch.createForeignKey('fk_customer_country', 'country', ['country_id'], ['id'])
        batch.createIndex('ix_customer_tier', ['tier'])
      })
      const customer = await t.table('customer')
      assert.deepEqual(
        customer.columns.map((c) => [c.name, c.nullable]),
        [
          ['id', false],
          ['name', true],
          ['mail', true],
          ['country_id', true],
          ['tier', false],
        ],
      )
      assert.deepEqual(
        customer.checks.map((c) => c.name),
        ['ck_customer_tier'],
      )
      assert.deepEqual(
        customer.unique.map((u) => u.name),
        ['uq_customer_mail'],
      )
      assert.deepEqual(
        customer.foreignKeys.map((f) => f.name),
        ['fk_customer_country'],
      )
      assert.ok(customer.indexes.some((i) => i.name === 'ix_customer_tier'))
      assert.deepEqual(
        (await t.rows('customer', 'id')).map((r) => [r.name, r.mail, r.tier]),
        [['a', 'a@x', 1]],
      )
    },
    { only: ['postgres', 'mysql'] },
  )
})

describe('batchAlterTable with a described table', () => {
  it(
    'uses the description instead of reading the table online',
    { skip: testDatabases()[0]!.skip },
    async () => {
      const open = await openFresh(testDatabases()[0]!)
      try {
        const t = opsTest(open)
        await t.op.createTable('thing', [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'label', type: 'text' },
        ])
        await t.op.bulkInsert('thing', [{ id: 1, label: 'x' }])
        const op: Operations = t.op
        await op.batchAlterTable(
          'thing',
          (b) => b.alterColumn('label', { nullable: false, default: '?' }),
          {
            table: {
              columns: [
                { name: 'id', type: 'integer', primaryKey: true },
                { name: 'label', type: 'text' },
              ],
            },
          },
        )
        const thing = await t.table('thing')
        assert.deepEqual(
          thing.columns.map((c) => [c.name, c.nullable, c.default]),
          [
            ['id', false, null],
            ['label', false, "'?'"],
          ],
        )
        assert.deepEqual(await t.rows('thing', 'id'), [{ id: 1, label: 'x' }])
      } finally {
        await open.close()
      }
    },
  )
})
