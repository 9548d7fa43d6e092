import { describe } from 'node:test'
import assert from 'node:assert/strict'
import { sql, type Kysely } from 'kysely'
import { introspect } from '../../src/schema/introspect.js'
import type { SchemaModel, TableModel } from '../../src/schema/model.js'
import type { Operations } from '../../src/ops/operations.js'
import type { TestDialect } from '../helpers/databases.js'
import { eachDatabase, per, type OpsTest } from '../ops/helpers/harness.js'

const read = (
  t: OpsTest,
  filter?: { include?: string[]; exclude?: string[] },
): Promise<SchemaModel> =>
  introspect(t.db, t.dialect, { versionTable: 'retort_version', ...(filter ? { filter } : {}) })

const table = (model: SchemaModel, name: string): TableModel => {
  const found = model.tables.find((x) => x.name === name)
  assert.ok(found, `no table '${name}' in ${model.tables.map((x) => x.name).join(', ')}`)
  return found
}

async function runSql(db: Kysely<any>, statements: readonly string[]): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db)
}

const PORTABLE = [
  'integer',
  'bigint',
  'smallint',
  'text',
  'varchar(40)',
  'boolean',
  'real',
  'double',
  'numeric(10,2)',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'json',
  'uuid',
  'blob',
] as const

/** What each portable type reads back as: itself, unless two names render alike. */
function readBack(dialect: TestDialect, type: string): string {
  if (dialect === 'sqlite' && type === 'json') return 'text' // renders `text`
  if (dialect === 'mysql' && type === 'timestamptz') return 'timestamp' // both `datetime(6)`
  return type
}

describe('introspection: columns', () => {
  eachDatabase('maps every portable type made with op back to its portable name', async (t) => {
    await t.op.createTable(
      'typed',
      PORTABLE.map((type, k) => ({ name: `c${k}`, type })),
    )
    const columns = table(await read(t), 'typed').columns
    assert.deepEqual(
      columns.map((c) => c.type),
      PORTABLE.map((type) => readBack(t.dialect, type)),
    )
  })

  eachDatabase('keeps a non-portable type as the database spells it', async (t) => {
    const ddl = per(t, {
      sqlite: 'create table odd (a VARCHAR2(10), b citext)',
      postgres: 'create table odd (a int4range, b character(3))',
      mysql: 'create table odd (a int unsigned, b tinytext)',
    })
    await runSql(t.db, [ddl])
    assert.deepEqual(
      table(await read(t), 'odd').columns.map((c) => c.type),
      per(t, {
        sqlite: ['VARCHAR2(10)', 'citext'],
        postgres: ['int4range', 'character(3)'],
        mysql: ['int(10) unsigned', 'tinytext'],
      }),
    )
  })

  eachDatabase('reads nullability, defaults, auto-increment and comments (op)', async (t) => {
    await t.op.createTable(
      'account',
      [
        { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
        { name: 'name', type: 'varchar(50)', nullable: false, default: 'abc', comment: 'shown' },
        { name: 'credit', type: 'integer', default: 0 },
        { name: 'created', type: 'timestamp', default: sql`CURRENT_TIMESTAMP` },
        { name: 'note', type: 'text' },
      ],
      { comment: 'people' },
    )
    const account = table(await read(t), 'account')
    assert.equal(account.comment, per(t, { sqlite: null, postgres: 'people', mysql: 'people' }))
    assert.deepEqual(
      account.columns.map((c) => [c.name, c.nullable, c.default, c.autoIncrement, c.comment]),
      [
        ['id', false, null, true, null],
        [
          'name',
          false,
          per(t, { sqlite: "'abc'", postgres: "'abc'::character varying", mysql: "'abc'" }),
          false,
          per(t, { sqlite: null, postgres: 'shown', mysql: 'shown' }),
        ],
        ['credit', true, '0', false, null],
        [
          'created',
          true,
          per(t, {
            sqlite: 'CURRENT_TIMESTAMP',
            postgres: 'CURRENT_TIMESTAMP',
            mysql: 'current_timestamp(6)',
          }),
          false,
          null,
        ],
        ['note', true, null, false, null],
      ],
    )
  })

  eachDatabase('reads the same columns from raw SQL as from op', async (t) => {
    await t.op.createTable('a', [
      { name: 'id', type: 'bigint', primaryKey: true },
      { name: 'name', type: 'varchar(50)', nullable: false, default: 'abc' },
      { name: 'flag', type: 'boolean', default: true },
      { name: 'amount', type: 'numeric(10,2)', default: 0 },
    ])
    await runSql(t.db, [
      per(t, {
        sqlite:
          "create table b (id bigint primary key not null, name varchar(50) not null default 'abc', flag boolean default true, amount numeric(10,2) default 0)",
        postgres:
          "create table b (id int8 primary key, name character varying(50) not null default 'abc', flag bool default true, amount decimal(10,2) default 0)",
        mysql:
          "create table b (id bigint primary key, name varchar(50) not null default 'abc', flag tinyint(1) default 1, amount decimal(10,2) default 0)",
      }),
    ])
    const model = await read(t)
    assert.deepEqual(table(model, 'b').columns, table(model, 'a').columns)
  })

  eachDatabase(
    'reads an identity or serial column as auto-increment with no default',
    async (t) => {
      await runSql(t.db, [
        'create table s (id serial primary key, n integer generated always as identity)',
      ])
      assert.deepEqual(
        table(await read(t), 's').columns.map((c) => [c.name, c.type, c.default, c.autoIncrement]),
        [
          ['id', 'integer', null, true],
          ['n', 'integer', null, true],
        ],
      )
    },
    { only: ['postgres'] },
  )
})

/** A schema with every kind of key, check and index, made with op. */
async function keyedSchema(op: Operations, dialect: TestDialect): Promise<void> {
  await op.createTable(
    'region',
    [
      { name: 'country', type: 'varchar(2)', nullable: false },
      { name: 'code', type: 'varchar(8)', nullable: false },
    ],
    { primaryKey: { name: 'pk_region', columns: ['country', 'code'] } },
  )
  await op.createTable(
    'office',
    [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'country', type: 'varchar(2)', nullable: false },
      { name: 'region', type: 'varchar(8)', nullable: false },
      { name: 'floor', type: 'integer', check: sql`floor >= 0` },
      { name: 'email', type: 'varchar(100)', unique: true },
      {
        name: 'parent_id',
        type: 'integer',
        references: { table: 'office', column: 'id', onDelete: 'set null' },
      },
    ],
    {
      unique: [{ name: 'uq_office_place', columns: ['country', 'floor'] }],
      foreignKeys: [
        {
          name: 'fk_office_region',
          columns: ['country', 'region'],
          references: { table: 'region', columns: ['country', 'code'] },
          onDelete: 'cascade',
          onUpdate: 'restrict',
        },
      ],
      checks: [{ name: 'ck_office_floor', expression: sql`floor < 200` }],
    },
  )
  await op.createIndex('ix_office_region', 'office', ['region desc', 'country'])
  await op.createIndex('ux_office_email_floor', 'office', ['email', 'floor'], { unique: true })
  if (dialect !== 'mysql') {
    await op.createIndex('ix_office_lower_email', 'office', [sql`lower(email)`], {
      where: sql`floor > 0`,
    })
  }
}

/** The same schema as each database's own DDL. */
const KEYED_SQL: Readonly<Record<TestDialect, readonly string[]>> = {
  sqlite: [
    'create table region (country varchar(2) not null, code varchar(8) not null, constraint pk_region primary key (country, code))',
    `create table office (
      id integer primary key not null, country varchar(2) not null, region varchar(8) not null,
      floor integer check (floor >= 0), email varchar(100) unique,
      parent_id integer references office (id) on delete set null,
      constraint uq_office_place unique (country, floor),
      constraint fk_office_region foreign key (country, region) references region (country, code)
        on delete cascade on update restrict,
      constraint ck_office_floor check (floor < 200))`,
    'create index ix_office_region on office (region desc, country)',
    'create unique index ux_office_email_floor on office (email, floor)',
    'create index ix_office_lower_email on office (lower(email)) where floor > 0',
  ],
  postgres: [
    'create table region (country varchar(2) not null, code varchar(8) not null, constraint pk_region primary key (country, code))',
    `create table office (
      id integer primary key not null, country varchar(2) not null, region varchar(8) not null,
      floor integer check (floor >= 0), email varchar(100) unique,
      parent_id integer references office (id) on delete set null,
      constraint uq_office_place unique (country, floor),
      constraint fk_office_region foreign key (country, region) references region (country, code)
        on delete cascade on update restrict,
      constraint ck_office_floor check (floor < 200))`,
    'create index ix_office_region on office (region desc, country)',
    'create unique index ux_office_email_floor on office (email, floor)',
    'create index ix_office_lower_email on office (lower(email)) where floor > 0',
  ],
  mysql: [
    'create table region (country varchar(2) not null, code varchar(8) not null, primary key (country, code))',
    `create table office (
      id int primary key, country varchar(2) not null, region varchar(8) not null,
      floor int check (floor >= 0), email varchar(100) unique,
      parent_id int, foreign key (parent_id) references office (id) on delete set null,
      constraint uq_office_place unique (country, floor),
      constraint fk_office_region foreign key (country, region) references region (country, code)
        on delete cascade on update restrict,
      constraint ck_office_floor check (floor < 200))`,
    'create index ix_office_region on office (region desc, country)',
    'create unique index ux_office_email_floor on office (email, floor)',
  ],
}

function expectedOffice(dialect: TestDialect): Omit<TableModel, 'columns'> {
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : name)
  // The names the database has for the unnamed ones (SQLite: the implied names).
  const generated = (names: Record<'other' | 'mysql', string>) =>
    dialect === 'mysql' ? names.mysql : names.other
  const ux = { name: 'ux_office_email_floor', columns: ['email', 'floor'] }
  return {
    name: 'office',
    comment: null,
    primaryKey: {
      name: null,
      generatedName: generated({ other: 'office_pkey', mysql: 'PRIMARY' }),
      columns: ['id'],
    },
    // MariaDB has no unique index apart from a UNIQUE key.
    uniques: [
      { name: 'uq_office_place', columns: ['country', 'floor'] },
      ...(dialect === 'mysql' ? [ux] : []),
      {
        name: null,
        generatedName: generated({ other: 'office_email_key', mysql: 'email' }),
        columns: ['email'],
      },
    ],
    foreignKeys: [
      {
        name: 'fk_office_region',
        columns: ['country', 'region'],
        referencedTable: 'region',
        referencedColumns: ['country', 'code'],
        onDelete: 'cascade',
        onUpdate: 'restrict',
      },
      {
        name: null,
        generatedName: generated({ other: 'office_parent_id_fkey', mysql: 'office_ibfk_1' }),
        columns: ['parent_id'],
        referencedTable: 'office',
        referencedColumns: ['id'],
        onDelete: 'set null',
        // MariaDB's default action is RESTRICT.
        onUpdate: dialect === 'mysql' ? 'restrict' : 'no action',
      },
    ],
    checks: [
      { name: 'ck_office_floor', expression: `${q('floor')} < 200` },
      {
        name: null,
        generatedName: {
          sqlite: 'office_check',
          postgres: 'office_floor_check',
          mysql: 'floor',
        }[dialect],
        expression: `${q('floor')} >= 0`,
      },
    ],
    indexes: [
      ...(dialect === 'mysql'
        ? []
        : [
            {
              name: 'ix_office_lower_email',
              columns: [
                { expression: dialect === 'postgres' ? 'lower(email::text)' : 'lower(email)' },
              ],
              unique: false,
              where: 'floor > 0',
            },
          ]),
      {
        name: 'ix_office_region',
        columns: [
          { column: 'region', descending: true },
          { column: 'country', descending: false },
        ],
        unique: false,
        where: null,
      },
      ...(dialect === 'mysql'
        ? []
        : [
            {
              name: 'ux_office_email_floor',
              columns: [
                { column: 'email', descending: false },
                { column: 'floor', descending: false },
              ],
              unique: true,
              where: null,
            },
          ]),
    ],
  }
}

describe('introspection: keys, checks and indexes', () => {
  eachDatabase('reads every kind of key, check and index made with op', async (t) => {
    await keyedSchema(t.op, t.dialect)
    const model = await read(t)
    const { columns, ...office } = table(model, 'office')
    assert.deepEqual(office, expectedOffice(t.dialect))
    assert.deepEqual(
      columns.map((c) => c.name),
      ['id', 'country', 'region', 'floor', 'email', 'parent_id'],
    )
    assert.deepEqual(table(model, 'region').primaryKey, {
      // MariaDB's primary key is always named PRIMARY: not a name the schema chose.
      name: t.dialect === 'mysql' ? null : 'pk_region',
      ...(t.dialect === 'mysql' ? { generatedName: 'PRIMARY' } : {}),
      columns: ['country', 'code'],
    })
  })

  eachDatabase('reads the same model from raw SQL as from op', async (t) => {
    await keyedSchema(t.op, t.dialect)
    const fromOp = await read(t)
    await t.op.dropTable('office')
    await t.op.dropTable('region')
    await runSql(t.db, KEYED_SQL[t.dialect])
    assert.deepEqual(await read(t), fromOp)
  })

  eachDatabase(
    'leaves out names the database made up, and keeps names the schema chose',
    async (t) => {
      await runSql(t.db, [
        'create table p (id integer primary key, a integer unique, b integer, c integer, check (b > 0), unique (b, c))',
        'create table q (id integer, p_id integer references p (id), constraint q_key primary key (id), constraint uq_q_p unique (p_id))',
      ])
      const model = await read(t)
      assert.deepEqual(
        model.tables.map((x) => [
          x.name,
          x.primaryKey?.name,
          x.uniques.map((u) => u.name),
          x.foreignKeys.map((f) => f.name),
          x.checks.map((c) => c.name),
        ]),
        [
          ['p', null, [null, null], [], [null]],
          ['q', t.dialect === 'mysql' ? null : 'q_key', ['uq_q_p'], [null], []],
        ],
      )
    },
  )

  eachDatabase(
    "keeps the index InnoDB made for a foreign key out of the indexes, and a user's own index in",
    async (t) => {
      await runSql(t.db, [
        'create table p (id int primary key)',
        'create table c (id int primary key, p1 int, p2 int, p3 int, index ix_own (p3), ' +
          'foreign key (p1) references p (id), constraint fk_c_p2 foreign key (p2) references p (id), ' +
          'foreign key (p3) references p (id))',
      ])
      const c = table(await read(t), 'c')
      assert.deepEqual(
        c.indexes.map((i) => i.name),
        ['ix_own'],
      )
      assert.equal(c.foreignKeys.length, 3)
    },
    { only: ['mysql'] },
  )

  eachDatabase(
    'reads a MariaDB JSON column as json, without its json_valid check',
    async (t) => {
      await runSql(t.db, ['create table j (id int primary key, data json, n int check (n > 0))'])
      const j = table(await read(t), 'j')
      assert.equal(j.columns[1]!.type, 'json')
      assert.deepEqual(j.checks, [{ name: null, generatedName: 'n', expression: '`n` > 0' }])
    },
    { only: ['mysql'] },
  )
})

describe('introspection: which tables', () => {
  eachDatabase('never includes the version table, and applies include/exclude', async (t) => {
    for (const name of ['retort_version', 'account', 'account_log', 'audit', 'other']) {
      await t.op.createTable(name, [{ name: 'id', type: 'integer' }])
    }
    const names = async (filter?: { include?: string[]; exclude?: string[] }) =>
      (await read(t, filter)).tables.map((x) => x.name)
    assert.deepEqual(await names(), ['account', 'account_log', 'audit', 'other'])
    assert.deepEqual(await names({ include: ['account*'] }), ['account', 'account_log'])
    assert.deepEqual(await names({ exclude: ['*_log', 'other'] }), ['account', 'audit'])
    assert.deepEqual(await names({ include: ['a*'], exclude: ['audit'] }), [
      'account',
      'account_log',
    ])
  })

  eachDatabase('reads an empty database as no tables', async (t) => {
    assert.deepEqual(await read(t), { tables: [] })
  })
})
