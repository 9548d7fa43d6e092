import { describe } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { eachDatabase, per } from './helpers/harness.js'
import { assertRoundTrip } from './helpers/round-trip.js'

describe('createTable', () => {
  eachDatabase('creates columns with their types, nullability and defaults', async (t) => {
    await t.op.createTable('item', [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'name', type: 'varchar(40)', nullable: false, default: "it's" },
      { name: 'qty', type: 'integer', default: 0 },
      { name: 'active', type: 'boolean', nullable: false, default: true },
      { name: 'created', type: 'timestamp', default: sql`CURRENT_TIMESTAMP` },
      { name: 'note', type: 'text', nullable: true },
    ])
    const item = await t.table('item')
    assert.deepEqual(
      item.columns.map((c) => [c.name, c.type, c.nullable]),
      [
        ['id', per(t, { sqlite: 'integer', postgres: 'integer', mysql: 'int(11)' }), false],
        [
          'name',
          per(t, {
            sqlite: 'varchar(40)',
            postgres: 'character varying(40)',
            mysql: 'varchar(40)',
          }),
          false,
        ],
        ['qty', per(t, { sqlite: 'integer', postgres: 'integer', mysql: 'int(11)' }), true],
        ['active', per(t, { sqlite: 'boolean', postgres: 'boolean', mysql: 'tinyint(1)' }), false],
        [
          'created',
          per(t, {
            sqlite: 'timestamp',
            postgres: 'timestamp without time zone',
            mysql: 'datetime(6)',
          }),
          true,
        ],
        ['note', 'text', true],
      ],
    )
    assert.deepEqual(
      item.columns.map((c) => c.default),
      per(t, {
        sqlite: [null, "'it''s'", '0', 'true', 'CURRENT_TIMESTAMP', null],
        postgres: [null, "'it''s'::character varying", '0', 'true', 'CURRENT_TIMESTAMP', null],
        mysql: [null, "'it''s'", '0', '1', 'current_timestamp(6)', 'NULL'],
      }),
    )
  })

  eachDatabase('creates column-level primary key, unique, foreign key and check', async (t) => {
    await t.op.createTable('parent', [{ name: 'id', type: 'integer', primaryKey: true }])
    await t.op.createTable('child', [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'code', type: 'varchar(10)', unique: true },
      {
        name: 'parent_id',
        type: 'integer',
        references: { table: 'parent', column: 'id', onDelete: 'cascade', onUpdate: 'set null' },
      },
      { name: 'price', type: 'numeric(8,2)', check: sql`price >= ${0}` },
    ])
    const child = await t.table('child')
    assert.deepEqual(child.primaryKey?.columns, ['id'])
    assert.deepEqual(
      child.unique.map((u) => u.columns),
      [['code']],
    )
    assert.deepEqual(
      child.foreignKeys.map((f) => [
        f.columns,
        f.table,
        f.referencedColumns,
        f.onDelete,
        f.onUpdate,
      ]),
      [[['parent_id'], 'parent', ['id'], 'cascade', 'set null']],
    )
    assert.equal(child.checks.length, 1)
    assert.match(child.checks[0]!.expression, /price.? >= \(?0/)
  })

  eachDatabase('creates named table-level constraints over several columns', async (t) => {
    await t.op.createTable(
      'region',
      [
        { name: 'country', type: 'varchar(2)' },
        { name: 'code', type: 'varchar(8)' },
      ],
      { primaryKey: { name: 'pk_region', columns: ['country', 'code'] } },
    )
    await t.op.createTable(
      'office',
      [
        { name: 'id', type: 'integer' },
        { name: 'country', type: 'varchar(2)', nullable: false },
        { name: 'region', type: 'varchar(8)', nullable: false },
        { name: 'floor', type: 'integer' },
        { name: 'room', type: 'integer' },
      ],
      {
        primaryKey: { name: 'pk_office', columns: ['id'] },
        unique: [{ name: 'uq_office_place', columns: ['floor', 'room'] }],
        foreignKeys: [
          {
            name: 'fk_office_region',
            columns: ['country', 'region'],
            references: { table: 'region', columns: ['country', 'code'] },
            onDelete: 'restrict',
          },
        ],
        checks: [{ name: 'ck_office_floor', expression: sql`floor between ${-5} and ${200}` }],
      },
    )
    const office = await t.table('office')
    assert.deepEqual(office.primaryKey, {
      name: per(t, { sqlite: 'pk_office', postgres: 'pk_office', mysql: 'PRIMARY' }),
      columns: ['id'],
    })
    assert.deepEqual(
      office.columns.find((c) => c.name === 'id')?.nullable,
      false,
      'primary key columns are NOT NULL',
    )
    assert.deepEqual(office.unique, [{ name: 'uq_office_place', columns: ['floor', 'room'] }])
    assert.deepEqual(
      office.foreignKeys.map((f) => [f.name, f.columns, f.table, f.referencedColumns, f.onDelete]),
      [['fk_office_region', ['country', 'region'], 'region', ['country', 'code'], 'restrict']],
    )
    assert.deepEqual(
      office.checks.map((c) => c.name),
      ['ck_office_floor'],
    )
    assert.deepEqual((await t.table('region')).primaryKey?.columns, ['country', 'code'])
  })

  eachDatabase('auto-increments the key column', async (t) => {
    await t.op.createTable('ticket', [
      { name: 'id', type: 'bigint', primaryKey: true, autoIncrement: true },
      { name: 'title', type: 'text' },
    ])
    await t.op.bulkInsert('ticket', [{ title: 'a' }, { title: 'b' }])
    const rows = await t.rows('ticket', 'id')
    assert.deepEqual(
      rows.map((r) => [Number(r.id), r.title]),
      [
        [1, 'a'],
        [2, 'b'],
      ],
    )
    assert.equal((await t.table('ticket')).columns[0]!.generated, true)
  })

  eachDatabase(
    'moves a single-column table-level key to the column when it auto-increments',
    async (t) => {
      await t.op.createTable(
        'ticket',
        [
          { name: 'id', type: 'integer', autoIncrement: true },
          { name: 'title', type: 'text' },
        ],
        { primaryKey: { columns: ['id'] } },
      )
      await t.op.bulkInsert('ticket', [{ title: 'a' }])
      assert.deepEqual(
        (await t.rows('ticket', 'id')).map((r) => Number(r.id)),
        [1],
      )
      assert.deepEqual((await t.table('ticket')).primaryKey?.columns, ['id'])
    },
  )

  eachDatabase('keeps table and column comments where the database has them', async (t) => {
    await t.op.createTable('note', [{ name: 'body', type: 'text', comment: "what's said" }], {
      comment: 'notes',
    })
    const note = await t.table('note')
    const kept = t.dialect !== 'sqlite'
    assert.equal(note.comment, kept ? 'notes' : null)
    assert.equal(note.columns[0]!.comment, kept ? "what's said" : null)
  })

  eachDatabase(
    'creates the table in the named schema',
    async (t) => {
      const schema = t.namespace
      await t.op.createTable('thing', [{ name: 'id', type: 'integer', primaryKey: true }], {
        schema,
      })
      await t.op.createIndex('ix_thing_id', 'thing', ['id'], { schema })
      assert.deepEqual(Object.keys(await t.catalog()), ['thing'])
      await t.op.dropIndex('ix_thing_id', { schema, table: 'thing' })
      await t.op.dropTable('thing', { schema })
      assert.deepEqual(Object.keys(await t.catalog()), [])
    },
    { only: ['postgres', 'mysql'] },
  )

  eachDatabase('creates its indexes as separate createIndex calls would', async (t) => {
    const columns = [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'code', type: 'varchar(20)', nullable: false },
      { name: 'day', type: 'date' },
    ] as const
    await t.op.createTable('a', columns, {
      indexes: [
        { name: 'ix_a_code_day', columns: ['code', 'day desc'] },
        { name: 'ix_a_code', columns: ['code'], unique: true },
      ],
    })
    await t.op.createTable('b', columns)
    await t.op.createIndex('ix_b_code_day', 'b', ['code', 'day desc'])
    await t.op.createIndex('ix_b_code', 'b', ['code'], { unique: true })
    // The whole table, since MariaDB lists a unique index among the unique constraints.
    const shape = async (table: 'a' | 'b') =>
      JSON.stringify({ ...(await t.table(table)), name: '' }).replace(/\b(ix_)?[ab]_/g, '$1')
    assert.equal(await shape('a'), await shape('b'))
    assert.match(await shape('a'), /"ix_code_day","columns":\["code","day"\]/)
  })

  eachDatabase(
    'refuses an index the database cannot make before creating the table',
    async (t) => {
      await assert.rejects(
        t.op.createTable('a', [{ name: 'code', type: 'varchar(20)' }], {
          indexes: [{ name: 'ix_a_live', columns: ['code'], where: sql`code <> ''` }],
        }),
        /index 'ix_a_live' has a 'where' condition, but this database has no partial indexes/,
      )
      assert.deepEqual(Object.keys(await t.catalog()), [])
    },
    { only: ['mysql'] },
  )

  eachDatabase('does nothing with ifNotExists when the table exists', async (t) => {
    await t.op.createTable('thing', [{ name: 'id', type: 'integer' }])
    await t.op.createTable('thing', [{ name: 'other', type: 'text' }], { ifNotExists: true })
    assert.deepEqual(
      (await t.table('thing')).columns.map((c) => c.name),
      ['id'],
    )
  })

  eachDatabase('round trip: createTable then dropTable leaves the schema as before', async (t) => {
    await t.op.createTable('keep', [{ name: 'id', type: 'integer', primaryKey: true }])
    await assertRoundTrip(
      t,
      () =>
        t.op.createTable('thing', [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'keep_id', type: 'integer', references: { table: 'keep', column: 'id' } },
        ]),
      () => t.op.dropTable('thing'),
    )
  })
})

describe('dropTable', () => {
  eachDatabase('drops a table, and with ifExists a missing one is no error', async (t) => {
    await t.op.createTable('gone', [{ name: 'id', type: 'integer' }])
    await t.op.dropTable('gone')
    await t.op.dropTable('gone', { ifExists: true })
    assert.deepEqual(await t.catalog(), {})
    await assert.rejects(t.op.dropTable('gone'))
  })

  eachDatabase(
    'drops dependent objects with cascade on PostgreSQL',
    async (t) => {
      await t.op.createTable('base', [{ name: 'id', type: 'integer', primaryKey: true }])
      await t.op.execute('create view base_view as select id from base')
      await assert.rejects(t.op.dropTable('base'))
      await t.op.dropTable('base', { cascade: true })
      assert.deepEqual(await t.catalog(), {})
    },
    { only: ['postgres'] },
  )
})

describe('renameTable', () => {
  eachDatabase('round trip: renames a table with its rows, and back', async (t) => {
    await t.op.createTable('old_name', [{ name: 'id', type: 'integer', primaryKey: true }])
    await t.op.bulkInsert('old_name', [{ id: 7 }])
    await assertRoundTrip(
      t,
      async () => {
        await t.op.renameTable('old_name', 'new_name')
        assert.deepEqual(Object.keys(await t.catalog()), ['new_name'])
        assert.deepEqual(
          (await t.rows('new_name', 'id')).map((r) => r.id),
          [7],
        )
      },
      () => t.op.renameTable('new_name', 'old_name'),
    )
  })

  eachDatabase(
    'renames within the named schema',
    async (t) => {
      await t.op.createTable('a', [{ name: 'id', type: 'integer' }], { schema: t.namespace })
      await t.op.renameTable('a', 'b', { schema: t.namespace })
      assert.deepEqual(Object.keys(await t.catalog()), ['b'])
    },
    { only: ['postgres', 'mysql'] },
  )
})
