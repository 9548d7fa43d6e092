import { describe } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { RetortError } from '../../src/errors.js'
import { eachDatabase, per, type OpsTest } from './helpers/harness.js'
import { assertRoundTrip } from './helpers/round-trip.js'

async function tables(t: OpsTest): Promise<void> {
  await t.op.createTable('author', [
    { name: 'id', type: 'integer', nullable: false },
    { name: 'email', type: 'varchar(100)' },
    { name: 'country', type: 'varchar(2)' },
    { name: 'city', type: 'varchar(40)' },
  ])
  await t.op.createTable('book', [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'author_id', type: 'integer' },
    { name: 'title', type: 'varchar(100)' },
    { name: 'pages', type: 'integer' },
    { name: 'deleted', type: 'boolean' },
  ])
}

const refusesOutsideBatch = (promise: Promise<unknown>) =>
  assert.rejects(
    promise,
    (e) => e instanceof RetortError && /cannot run on its own.*op\.batchAlterTable/.test(e.message),
  )

describe('createPrimaryKey', () => {
  eachDatabase(
    'adds a primary key, and dropConstraint removes it (round trip)',
    async (t) => {
      await tables(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.createPrimaryKey('pk_author', 'author', ['id'])
          assert.deepEqual((await t.table('author')).primaryKey, {
            name: per(t, { sqlite: '', postgres: 'pk_author', mysql: 'PRIMARY' }),
            columns: ['id'],
          })
        },
        () => t.op.dropConstraint('pk_author', 'author', { type: 'primaryKey' }),
      )
    },
    { only: ['postgres', 'mysql'] },
  )
})

describe('createUniqueConstraint', () => {
  eachDatabase(
    'adds a unique constraint over two columns, and drops it (round trip)',
    async (t) => {
      await tables(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.createUniqueConstraint('uq_author_place', 'author', ['country', 'city'])
          assert.deepEqual((await t.table('author')).unique, [
            { name: 'uq_author_place', columns: ['country', 'city'] },
          ])
        },
        () => t.op.dropConstraint('uq_author_place', 'author'),
      )
    },
    { only: ['postgres', 'mysql'] },
  )
})

describe('createForeignKey', () => {
  eachDatabase(
    'adds a foreign key with actions, and drops it (round trip)',
    async (t) => {
      await tables(t)
      await t.op.createPrimaryKey('pk_author', 'author', ['id'])
      await assertRoundTrip(
        t,
        async () => {
          await t.op.createForeignKey('fk_book_author', 'book', 'author', ['author_id'], ['id'], {
            onDelete: 'cascade',
            onUpdate: 'restrict',
          })
          assert.deepEqual((await t.table('book')).foreignKeys, [
            {
              name: 'fk_book_author',
              columns: ['author_id'],
              table: 'author',
              referencedColumns: ['id'],
              onDelete: 'cascade',
              onUpdate: 'restrict',
            },
          ])
        },
        async () => {
          await t.op.dropConstraint('fk_book_author', 'book')
          // MariaDB 10.11 keeps the index InnoDB created for the key; it goes separately.
          if (t.dialect === 'mysql') await t.op.dropIndex('fk_book_author', { table: 'book' })
        },
      )
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'enforces the foreign key it adds',
    async (t) => {
      await tables(t)
      await t.op.createPrimaryKey('pk_author', 'author', ['id'])
      await t.op.createForeignKey('fk_book_author', 'book', 'author', ['author_id'], ['id'])
      await assert.rejects(t.op.bulkInsert('book', [{ id: 1, author_id: 99 }]))
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'references a table in another schema',
    async (t) => {
      await tables(t)
      await t.op.createPrimaryKey('pk_author', 'author', ['id'])
      await t.op.execute('create schema if not exists retort_other')
      await t.op.createTable('shelf', [{ name: 'id', type: 'integer', primaryKey: true }], {
        schema: 'retort_other',
      })
      try {
        await t.op.addColumn('book', { name: 'shelf_id', type: 'integer' })
        await t.op.createForeignKey('fk_book_shelf', 'book', 'shelf', ['shelf_id'], ['id'], {
          referencedSchema: 'retort_other',
        })
        const fk = (await t.table('book')).foreignKeys[0]!
        assert.deepEqual([fk.name, fk.table], ['fk_book_shelf', 'shelf'])
      } finally {
        await t.op.execute('drop schema retort_other cascade')
      }
    },
    { only: ['postgres'] },
  )
})

describe('createCheckConstraint', () => {
  eachDatabase(
    'adds a check that refuses bad rows, and drops it (round trip)',
    async (t) => {
      await tables(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.createCheckConstraint('ck_book_pages', 'book', sql`pages > ${0}`)
          assert.deepEqual(
            (await t.table('book')).checks.map((c) => c.name),
            ['ck_book_pages'],
          )
          await assert.rejects(t.op.bulkInsert('book', [{ id: 1, pages: 0 }]))
        },
        () => t.op.dropConstraint('ck_book_pages', 'book'),
      )
    },
    { only: ['postgres', 'mysql'] },
  )
})

describe('dropConstraint', () => {
  eachDatabase(
    'drops each kind by name when the type is given',
    async (t) => {
      await t.op.createTable('p', [{ name: 'id', type: 'integer', primaryKey: true }])
      await t.op.createTable(
        'c',
        [
          { name: 'id', type: 'integer', nullable: false },
          { name: 'p_id', type: 'integer' },
          { name: 'n', type: 'integer' },
        ],
        {
          primaryKey: { name: 'pk_c', columns: ['id'] },
          unique: [{ name: 'uq_c_n', columns: ['n'] }],
          foreignKeys: [
            { name: 'fk_c_p', columns: ['p_id'], references: { table: 'p', columns: ['id'] } },
          ],
          checks: [{ name: 'ck_c_n', expression: sql`n < 10` }],
        },
      )
      await t.op.dropConstraint('fk_c_p', 'c', { type: 'foreignKey' })
      await t.op.dropConstraint('uq_c_n', 'c', { type: 'unique' })
      await t.op.dropConstraint('ck_c_n', 'c', { type: 'check' })
      await t.op.dropConstraint('pk_c', 'c', { type: 'primaryKey' })
      const c = await t.table('c')
      assert.deepEqual([c.primaryKey, c.unique, c.foreignKeys, c.checks], [null, [], [], []])
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'looks the kind up online on MariaDB and names PRIMARY when it cannot find a key',
    async (t) => {
      await tables(t)
      await t.op.createPrimaryKey('pk_author', 'author', ['id'])
      await assert.rejects(
        t.op.dropConstraint('pk_author', 'author'),
        /MariaDB names every primary key PRIMARY/,
      )
      await t.op.dropConstraint('PRIMARY', 'author')
      assert.equal((await t.table('author')).primaryKey, null)
    },
    { only: ['mysql'] },
  )

  eachDatabase(
    'drops in the named schema',
    async (t) => {
      await tables(t)
      await t.op.createCheckConstraint('ck_pages', 'book', sql`pages > 0`, { schema: t.namespace })
      await t.op.createUniqueConstraint('uq_title', 'book', ['title'], { schema: t.namespace })
      await t.op.dropConstraint('ck_pages', 'book', { schema: t.namespace })
      await t.op.dropConstraint('uq_title', 'book', { schema: t.namespace })
      const book = await t.table('book')
      assert.deepEqual([book.checks, book.unique], [[], []])
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase(
    'refuses constraint changes on SQLite outside a batch, changing nothing',
    async (t) => {
      await tables(t)
      const before = await t.catalog()
      await refusesOutsideBatch(t.op.createPrimaryKey('pk_author', 'author', ['id']))
      await refusesOutsideBatch(t.op.createUniqueConstraint('uq', 'author', ['email']))
      await refusesOutsideBatch(
        t.op.createForeignKey('fk', 'book', 'author', ['author_id'], ['id']),
      )
      await refusesOutsideBatch(t.op.createCheckConstraint('ck', 'book', sql`pages > 0`))
      await refusesOutsideBatch(t.op.dropConstraint('ck', 'book'))
      assert.deepEqual(await t.catalog(), before)
    },
    { only: ['sqlite'] },
  )
})

describe('createIndex', () => {
  eachDatabase(
    'creates a plain index over several columns, and drops it (round trip)',
    async (t) => {
      await tables(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.createIndex('ix_author_place', 'author', ['country', 'city desc'])
          assert.deepEqual((await t.table('author')).indexes, [
            {
              name: 'ix_author_place',
              columns: per(t, {
                sqlite: ['country', 'city'],
                postgres: ['country', 'city'],
                mysql: ['country', 'city'],
              }),
              unique: false,
              partial: false,
            },
          ])
        },
        () => t.op.dropIndex('ix_author_place', { table: 'author' }),
      )
    },
  )

  eachDatabase('creates a unique index that refuses duplicates', async (t) => {
    await tables(t)
    await t.op.createIndex('ux_author_email', 'author', ['email'], { unique: true })
    const author = await t.table('author')
    // MariaDB reports a unique index as a UNIQUE constraint.
    if (t.dialect === 'mysql')
      assert.deepEqual(author.unique, [{ name: 'ux_author_email', columns: ['email'] }])
    else assert.equal(author.indexes[0]!.unique, true)
    await t.op.bulkInsert('author', [{ id: 1, email: 'a@x' }])
    await assert.rejects(t.op.bulkInsert('author', [{ id: 2, email: 'a@x' }]))
  })

  eachDatabase(
    'creates an expression index and a partial index (round trip)',
    async (t) => {
      await tables(t)
      await assertRoundTrip(
        t,
        async () => {
          await t.op.createIndex('ix_author_lower_email', 'author', [sql`lower(email)`])
          await t.op.createIndex('ix_book_live_title', 'book', ['title'], {
            where: sql`deleted = ${false}`,
          })
          const [author, book] = [await t.table('author'), await t.table('book')]
          assert.deepEqual(
            author.indexes.map((i) => [i.name, i.columns, i.partial]),
            [
              [
                'ix_author_lower_email',
                [per(t, { sqlite: '<expression>', postgres: 'lower(email::text)', mysql: '' })],
                false,
              ],
            ],
          )
          assert.deepEqual(
            book.indexes.map((i) => [i.name, i.columns, i.partial]),
            [['ix_book_live_title', ['title'], true]],
          )
        },
        async () => {
          await t.op.dropIndex('ix_author_lower_email')
          await t.op.dropIndex('ix_book_live_title')
        },
      )
    },
    { only: ['sqlite', 'postgres'] },
  )

  eachDatabase(
    'refuses partial and expression indexes on MariaDB before emitting anything',
    async (t) => {
      await tables(t)
      const before = await t.catalog()
      await assert.rejects(
        t.op.createIndex('ix', 'book', ['title'], { where: sql`deleted = 0` }),
        /no partial indexes/,
      )
      await assert.rejects(
        t.op.createIndex('ix', 'author', [sql`lower(email)`]),
        /no expression indexes/,
      )
      assert.deepEqual(await t.catalog(), before)
    },
    { only: ['mysql'] },
  )
})

describe('dropIndex', () => {
  eachDatabase(
    'finds the table of an index online on MariaDB',
    async (t) => {
      await tables(t)
      await t.op.createIndex('ix_title', 'book', ['title'])
      await t.op.dropIndex('ix_title')
      assert.deepEqual((await t.table('book')).indexes, [])
      await assert.rejects(t.op.dropIndex('ix_title'), /no index named 'ix_title'/)
    },
    { only: ['mysql'] },
  )
})
