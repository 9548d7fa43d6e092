import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { RetortError } from '../../src/errors.js'
import type { ColumnDefinition, TableDescription } from '../../src/ops/definitions.js'
import { createOperations, type Operations } from '../../src/ops/operations.js'
import { dialectOf } from '../helpers/dialects.js'
import { testDatabases, type TestDialect } from '../helpers/databases.js'
import { openFresh } from './helpers/connect.js'
import { onlineOps, opsTest } from './helpers/harness.js'
import { capturingKysely, scriptOf, statementsOf } from './helpers/offline.js'

/*
 * Each scenario runs three ways: offline, where its script must equal
 * test/ops/expected/<dialect>/<scenario>.sql; online on a fresh schema; and
 * by executing the offline script on another fresh schema. Both databases
 * must then hold the same tables, constraints, indexes and rows.
 * RETORT_UPDATE_EXPECTED=1 rewrites the expected files (review the diff).
 */

const here = dirname(fileURLToPath(import.meta.url))
const update = process.env.RETORT_UPDATE_EXPECTED === '1'

interface Scenario {
  readonly name: string
  readonly dialects: readonly TestDialect[]
  /** Tables whose rows must match too. */
  readonly rows?: readonly string[]
  run(op: Operations): Promise<void>
}

const ALL: readonly TestDialect[] = ['sqlite', 'postgres', 'mysql']

const itemColumns: ColumnDefinition[] = [
  { name: 'id', type: 'integer', primaryKey: true },
  { name: 'name', type: 'varchar(40)', nullable: false, default: 'unnamed' },
  { name: 'price', type: 'numeric(10,2)' },
  { name: 'legacy', type: 'text' },
]

const bookColumns: ColumnDefinition[] = [
  { name: 'id', type: 'integer', primaryKey: true },
  { name: 'author_id', type: 'integer' },
  { name: 'title', type: 'varchar(100)', nullable: false },
  { name: 'isbn', type: 'varchar(13)' },
  { name: 'pages', type: 'integer' },
]

const scenarios: readonly Scenario[] = [
  {
    name: 'tables',
    dialects: ALL,
    async run(op) {
      await op.createTable(
        'country',
        [
          { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
          {
            name: 'code',
            type: 'varchar(2)',
            nullable: false,
            unique: true,
            comment: "ISO 3166's code",
          },
        ],
        { comment: 'countries' },
      )
      await op.createTable(
        'city',
        [
          { name: 'id', type: 'bigint', nullable: false },
          {
            name: 'country_id',
            type: 'integer',
            nullable: false,
            references: { table: 'country', column: 'id', onDelete: 'cascade' },
          },
          { name: 'name', type: 'varchar(80)', nullable: false, default: "l'inconnue" },
          { name: 'population', type: 'integer', default: 0, check: sql`population >= ${0}` },
          { name: 'founded', type: 'date' },
          { name: 'updated', type: 'timestamp', default: sql`CURRENT_TIMESTAMP` },
        ],
        {
          primaryKey: { name: 'pk_city', columns: ['id'] },
          unique: [{ name: 'uq_city_name', columns: ['country_id', 'name'] }],
          checks: [{ name: 'ck_city_name', expression: sql`name <> ${''}` }],
        },
      )
      await op.createTable(
        'trip',
        [
          { name: 'from_id', type: 'bigint', nullable: false },
          { name: 'to_id', type: 'bigint', nullable: false },
        ],
        {
          primaryKey: { columns: ['from_id', 'to_id'] },
          foreignKeys: [
            {
              name: 'fk_trip_from',
              columns: ['from_id'],
              references: { table: 'city', columns: ['id'] },
              onDelete: 'restrict',
              onUpdate: 'cascade',
            },
            {
              name: 'fk_trip_to',
              columns: ['to_id'],
              references: { table: 'city', columns: ['id'] },
            },
          ],
        },
      )
      await op.createTable('scratch', [{ name: 'id', type: 'integer' }])
      await op.renameTable('scratch', 'scratch_renamed')
      await op.dropTable('scratch_renamed')
      await op.dropTable('never_there', { ifExists: true })
    },
  },
  {
    name: 'types',
    dialects: ALL,
    async run(op) {
      const types = [
        'integer',
        'bigint',
        'smallint',
        'text',
        'varchar(30)',
        'boolean',
        'real',
        'double',
        'numeric(12,4)',
        'date',
        'time',
        'timestamp',
        'timestamptz',
        'json',
        'uuid',
        'blob',
      ]
      await op.createTable(
        'typed',
        types.map((type, i) => ({ name: `c${i}_${type.replace(/\W.*/, '')}`, type })),
      )
    },
  },
  {
    name: 'columns',
    dialects: ALL,
    rows: ['item'],
    async run(op) {
      await op.createTable('item', itemColumns)
      await op.bulkInsert('item', [
        { id: 1, name: 'first', price: '9.99', legacy: 'x' },
        { id: 2, price: '0.50' },
      ])
      await op.addColumn('item', { name: 'note', type: 'text', default: "it's" })
      await op.addColumn('item', { name: 'stock', type: 'integer', nullable: false, default: 0 })
      await op.alterColumn('item', 'note', { newName: 'memo' })
      await op.dropColumn('item', 'memo')
      const described: TableDescription = {
        columns: [...itemColumns, { name: 'stock', type: 'integer', nullable: false, default: 0 }],
      }
      await op.batchAlterTable(
        'item',
        (batch) => {
          batch.alterColumn('price', {
            type: 'numeric(12,2)',
            nullable: false,
            default: 0,
            existing: { type: 'numeric(10,2)', nullable: true },
          })
          batch.alterColumn('name', { default: null })
          batch.dropColumn('legacy')
          batch.addColumn({ name: 'sku', type: 'varchar(20)' })
        },
        { table: described },
      )
    },
  },
  {
    name: 'constraints',
    dialects: ALL,
    rows: ['book'],
    async run(op) {
      await op.createTable('author', [{ name: 'id', type: 'integer', primaryKey: true }])
      await op.createTable('book', bookColumns)
      await op.bulkInsert('author', [{ id: 1 }])
      await op.bulkInsert('book', [
        { id: 1, author_id: 1, title: 'Candide', isbn: '9780140440041', pages: 144 },
      ])
      await op.batchAlterTable(
        'book',
        (batch) => {
          batch.createUniqueConstraint('uq_book_title', ['title'])
          batch.createForeignKey('fk_book_author', 'author', ['author_id'], ['id'], {
            onDelete: 'cascade',
          })
          batch.createCheckConstraint('ck_book_pages', sql`pages > ${0}`)
        },
        { table: { columns: bookColumns } },
      )
      const tagColumns: ColumnDefinition[] = [
        { name: 'name', type: 'varchar(20)', nullable: false },
      ]
      await op.createTable('tag', tagColumns)
      await op.batchAlterTable('tag', (batch) => batch.createPrimaryKey('pk_tag', ['name']), {
        table: { columns: tagColumns },
      })
      await op.createIndex('ix_book_author_title', 'book', ['author_id', 'title desc'])
      await op.createIndex('ux_book_isbn', 'book', ['isbn'], { unique: true })
      await op.dropIndex('ux_book_isbn', { table: 'book' })
      await op.batchAlterTable(
        'book',
        (batch) => {
          batch.dropConstraint('ck_book_pages', { type: 'check' })
          batch.dropConstraint('uq_book_title', { type: 'unique' })
        },
        {
          table: {
            columns: bookColumns,
            unique: [{ name: 'uq_book_title', columns: ['title'] }],
            foreignKeys: [
              {
                name: 'fk_book_author',
                columns: ['author_id'],
                references: { table: 'author', columns: ['id'] },
                onDelete: 'cascade',
              },
            ],
            checks: [{ name: 'ck_book_pages', expression: sql`pages > 0` }],
            indexes: [{ name: 'ix_book_author_title', columns: ['author_id', 'title desc'] }],
          },
        },
      )
    },
  },
  {
    name: 'alter-in-place',
    dialects: ['postgres', 'mysql'],
    rows: ['item'],
    async run(op) {
      await op.createTable('item', itemColumns)
      await op.bulkInsert('item', [{ id: 1, name: 'first', price: '9.99' }])
      const price = { type: 'numeric(10,2)', nullable: true } as const
      await op.alterColumn('item', 'price', { type: 'numeric(14,2)', existing: price })
      await op.alterColumn('item', 'price', {
        nullable: false,
        existing: { ...price, type: 'numeric(14,2)' },
      })
      await op.alterColumn('item', 'price', { default: 1.5 })
      await op.alterColumn('item', 'price', {
        comment: 'in euros',
        existing: { type: 'numeric(14,2)', nullable: false, default: 1.5 },
      })
      await op.alterColumn('item', 'name', { default: null, newName: 'label' })
      await op.createTable('maker', [{ name: 'code', type: 'varchar(8)', nullable: false }])
      await op.createPrimaryKey('pk_maker', 'maker', ['code'])
      await op.addColumn('item', { name: 'maker', type: 'varchar(8)' })
      await op.createForeignKey('fk_item_maker', 'item', 'maker', ['maker'], ['code'], {
        onUpdate: 'cascade',
      })
      await op.createUniqueConstraint('uq_item_label', 'item', ['label'])
      await op.createCheckConstraint('ck_item_price', 'item', sql`price >= ${0}`)
      await op.dropConstraint('uq_item_label', 'item', { type: 'unique' })
      await op.dropConstraint('ck_item_price', 'item', { type: 'check' })
    },
  },
  {
    name: 'auto-increment',
    dialects: ALL,
    rows: ['ticket'],
    async run(op) {
      const columns: ColumnDefinition[] = [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'label', type: 'text' },
      ]
      await op.createTable('ticket', columns)
      await op.bulkInsert('ticket', [
        { id: 1, label: 'one' },
        { id: 2, label: 'two' },
      ])
      const existing = { type: 'integer', nullable: false } as const
      await op.batchAlterTable(
        'ticket',
        (batch) => batch.alterColumn('id', { autoIncrement: true, existing }),
        { table: { columns } },
      )
      // Numbered after the rows already there.
      await op.bulkInsert('ticket', [{ label: 'three' }])
      await op.batchAlterTable(
        'ticket',
        (batch) =>
          batch.alterColumn('id', {
            autoIncrement: false,
            existing: { ...existing, autoIncrement: true },
          }),
        { table: { columns: [{ ...columns[0]!, autoIncrement: true }, columns[1]!] } },
      )
    },
  },
  {
    name: 'indexes',
    dialects: ['sqlite', 'postgres'],
    async run(op) {
      await op.createTable('person', [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'email', type: 'text' },
        { name: 'deleted_at', type: 'timestamp' },
      ])
      await op.createIndex('ix_person_email_lower', 'person', [sql`lower(email)`], { unique: true })
      await op.createIndex('ix_person_live', 'person', ['email'], {
        where: sql`deleted_at is null and email <> ${'nobody'}`,
      })
      await op.createIndex('ix_person_tmp', 'person', ['deleted_at'])
      await op.dropIndex('ix_person_tmp')
    },
  },
  {
    name: 'table-indexes',
    dialects: ALL,
    async run(op) {
      await op.createTable('author', [{ name: 'id', type: 'integer', primaryKey: true }])
      await op.createTable(
        'book',
        [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'author_id', type: 'integer' },
          { name: 'title', type: 'varchar(100)', nullable: false },
          { name: 'isbn', type: 'varchar(13)' },
        ],
        {
          comment: 'books',
          foreignKeys: [
            { columns: ['author_id'], references: { table: 'author', columns: ['id'] } },
          ],
          indexes: [
            { name: 'ix_book_author_title', columns: ['author_id', 'title desc'] },
            { name: 'ix_book_isbn', columns: ['isbn'], unique: true },
          ],
        },
      )
    },
  },
  {
    name: 'data',
    dialects: ALL,
    rows: ['entry'],
    async run(op) {
      await op.createTable('entry', [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'label', type: 'text' },
        { name: 'active', type: 'boolean' },
        { name: 'ratio', type: 'double' },
        { name: 'day', type: 'date' },
        { name: 'at', type: 'timestamp' },
        { name: 'doc', type: 'json' },
        { name: 'bytes', type: 'blob' },
      ])
      await op.bulkInsert('entry', [
        {
          id: 1,
          label: "it's a \\ path",
          active: true,
          ratio: 0.5,
          day: '2024-02-29',
          at: new Date('2024-02-29T13:14:15.250Z'),
          doc: { a: [1, 'x'] },
          bytes: Buffer.from([0, 255]),
        },
        {
          id: 2,
          label: null,
          active: false,
          ratio: -1e-3,
          day: null,
          at: null,
          doc: null,
          bytes: null,
        },
      ])
      await op.execute("insert into entry (id, label) values (3, 'raw string')")
      await op.execute(op.db.updateTable('entry').set({ label: 'via Kysely' }).where('id', '=', 2))
      await op.execute(sql`delete from ${sql.table('entry')} where ${sql.ref('id')} = ${3}`)
    },
  },
]

function expectedPath(dialect: TestDialect, scenario: string): string {
  return join(here, 'expected', dialect, `${scenario}.sql`)
}

function offlineScript(dialect: TestDialect, scenario: Scenario): Promise<string> {
  const { db, captured } = capturingKysely(dialect)
  const op = createOperations({ db, dialect: dialectOf(dialect), offline: true })
  return scenario.run(op).then(() => scriptOf(dialect, captured))
}

/** Catalog and the scenario's rows, after running `apply` on a fresh schema. */
async function resultOf(
  dialect: TestDialect,
  scenario: Scenario,
  apply: (op: Operations, t: ReturnType<typeof opsTest>) => Promise<void>,
) {
  const database = testDatabases().find((d) => d.dialect === dialect)!
  const open = await openFresh(database)
  try {
    const t = opsTest(open)
    await apply(onlineOps(dialect, open.db), t)
    const rows: Record<string, unknown[]> = {}
    for (const table of scenario.rows ?? [])
      rows[table] = await t.db.selectFrom(table).selectAll().orderBy('id').execute()
    return { catalog: await t.catalog(), rows }
  } finally {
    await open.close()
  }
}

for (const database of testDatabases()) {
  const dialect = database.dialect
  describe(`offline scripts [${dialect}]`, () => {
    for (const scenario of scenarios.filter((s) => s.dialects.includes(dialect))) {
      it(`${scenario.name}: the script is the expected one`, async () => {
        const script = await offlineScript(dialect, scenario)
        const path = expectedPath(dialect, scenario.name)
        if (update || !existsSync(path)) {
          mkdirSync(dirname(path), { recursive: true })
          writeFileSync(path, script)
          if (!update) assert.fail(`wrote the missing ${path}; review it`)
        }
        assert.equal(script, readFileSync(path, 'utf8'))
      })

      it(
        `${scenario.name}: the script builds what the online run builds`,
        { skip: database.skip },
        async () => {
          const script = await offlineScript(dialect, scenario)
          const online = await resultOf(dialect, scenario, (op) => scenario.run(op))
          const replayed = await resultOf(dialect, scenario, async (_op, t) => {
            for (const statement of statementsOf(script)) await sql.raw(statement).execute(t.db)
          })
          assert.deepEqual(replayed, online)
        },
      )
    }
  })
}

describe('offline refusals', () => {
  const offlineOps = (dialect: TestDialect) => {
    const { db, captured } = capturingKysely(dialect)
    return { op: createOperations({ db, dialect: dialectOf(dialect), offline: true }), captured }
  }

  it("MariaDB alterColumn needs 'existing' to restate the column, and emits nothing without it", async () => {
    const { op, captured } = offlineOps('mysql')
    await assert.rejects(
      op.alterColumn('item', 'price', { nullable: false }),
      (e) => e instanceof RetortError && /pass \{ existing: \{ type, nullable/.test(e.message),
    )
    await op.alterColumn('item', 'price', { default: 2 })
    assert.deepEqual(
      captured.map((q) => q.sql),
      ['alter table `item` alter column `price` set default 2'],
    )
  })

  it("MariaDB dropConstraint needs 'type' and dropIndex needs 'table'", async () => {
    const { op, captured } = offlineOps('mysql')
    await assert.rejects(
      op.dropConstraint('fk_x', 'item'),
      /pass \{ type: 'primaryKey' \| 'unique' \| 'foreignKey' \| 'check' \}/,
    )
    await assert.rejects(op.dropIndex('ix_x'), /pass \{ table \}/)
    assert.deepEqual(captured, [])
  })

  it('SQLite refuses what it cannot do in place, naming batchAlterTable, before emitting anything', async () => {
    const { op, captured } = offlineOps('sqlite')
    await assert.rejects(
      op.alterColumn('item', 'price', { type: 'text' }),
      /op\.batchAlterTable\('item'/,
    )
    await assert.rejects(
      op.createCheckConstraint('ck', 'item', sql`price > 0`),
      /op\.batchAlterTable\('item'/,
    )
    assert.deepEqual(captured, [])
  })

  it('values become literals and identifiers are quoted for the dialect', async () => {
    for (const dialect of ALL) {
      const { db, captured } = capturingKysely(dialect)
      const op = createOperations({ db, dialect: dialectOf(dialect), offline: true })
      await op.createTable('we"ird', [{ name: 'it`s', type: 'text', default: "a'b" }])
      await op.bulkInsert('we"ird', [{ 'it`s': "x'); drop table t; --" }])
      const script = scriptOf(dialect, captured)
      const q = dialect === 'mysql' ? '`we"ird`' : '"we""ird"'
      const c = dialect === 'mysql' ? '`it``s`' : '"it`s"'
      assert.equal(
        script,
        `create table ${q} (${c} text default 'a''b');\n\n` +
          `insert into ${q} (${c}) values ('x''); drop table t; --');\n\n`,
      )
    }
  })
})
