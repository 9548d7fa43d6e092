import { describe } from 'node:test'
import assert from 'node:assert/strict'
import { sql, type RawBuilder } from 'kysely'
import type { TestDialect } from '../helpers/databases.js'
import { eachDatabase, per } from './helpers/harness.js'

describe('execute', () => {
  eachDatabase('sends a raw string verbatim', async (t) => {
    await t.op.execute('create table raw_made (id integer)')
    await t.op.execute('insert into raw_made (id) values (1), (2)')
    assert.deepEqual(
      (await t.rows('raw_made', 'id')).map((r) => r.id),
      [1, 2],
    )
  })

  eachDatabase('runs a Kysely query built on db, with its parameters', async (t) => {
    await t.op.createTable('note', [{ name: 'body', type: 'text' }])
    await t.op.execute(t.op.db.insertInto('note').values({ body: "it's; -- not a comment" }))
    await t.op.execute(sql`insert into ${sql.table('note')} (body) values (${'second'})`)
    assert.deepEqual(
      (await t.rows('note', 'body')).map((r) => r.body),
      ["it's; -- not a comment", 'second'],
    )
  })
})

/** A column's value as text in the database's own rendering, for exact comparisons. */
function asText(dialect: TestDialect, column: string, type: string): RawBuilder<string> {
  const ref = sql.ref(column)
  if (type === 'blob') return dialect === 'postgres' ? sql`encode(${ref}, 'hex')` : sql`hex(${ref})`
  if (dialect === 'postgres' && type === 'timestamptz')
    return sql`(${ref} at time zone 'UTC')::text`
  if (dialect === 'postgres') return sql`${ref}::text`
  return dialect === 'mysql' ? sql`cast(${ref} as char)` : sql`cast(${ref} as text)`
}

describe('bulkInsert', () => {
  const when = new Date('2024-02-29T13:14:15.123Z')
  const types = {
    integer: 42,
    bigint: 9007199254740993n,
    smallint: -7,
    text: "it's a \\ test",
    'varchar(10)': 'grüße',
    boolean: true,
    real: 1.5,
    double: 2.25,
    'numeric(10,2)': '12.34',
    date: '2024-02-29',
    time: '13:14:15',
    timestamp: when,
    timestamptz: when,
    json: { a: [1, 'x'] },
    uuid: '123e4567-e89b-12d3-a456-426614174000',
    blob: Buffer.from([0, 1, 255]),
  }
  const columnOf = (type: string) => `c_${type.replace(/\W.*/, '')}`

  eachDatabase('writes every portable type from typed values', async (t) => {
    await t.op.createTable(
      'typed',
      Object.keys(types).map((type) => ({ name: columnOf(type), type })),
    )
    await t.op.bulkInsert('typed', [
      Object.fromEntries(Object.entries(types).map(([type, v]) => [columnOf(type), v])),
    ])
    const row = await t.db
      .selectFrom('typed')
      .select(
        Object.keys(types).map((type) =>
          asText(t.dialect, columnOf(type), type).as(columnOf(type)),
        ),
      )
      .executeTakeFirstOrThrow()
    const expected = {
      c_integer: '42',
      c_bigint: '9007199254740993',
      c_smallint: '-7',
      c_text: "it's a \\ test",
      c_varchar: 'grüße',
      c_boolean: per(t, { sqlite: '1', postgres: 'true', mysql: '1' }),
      c_real: '1.5',
      c_double: '2.25',
      c_numeric: '12.34',
      c_date: '2024-02-29',
      c_time: per(t, { sqlite: '13:14:15', postgres: '13:14:15', mysql: '13:14:15.000000' }),
      c_timestamp: per(t, {
        sqlite: '2024-02-29T13:14:15.123Z',
        postgres: '2024-02-29 13:14:15.123',
        mysql: '2024-02-29 13:14:15.123000',
      }),
      c_timestamptz: per(t, {
        sqlite: '2024-02-29T13:14:15.123Z',
        postgres: '2024-02-29 13:14:15.123',
        mysql: '2024-02-29 13:14:15.123000',
      }),
      c_json: per(t, {
        sqlite: '{"a":[1,"x"]}',
        postgres: '{"a": [1, "x"]}',
        mysql: '{"a":[1,"x"]}',
      }),
      c_uuid: '123e4567-e89b-12d3-a456-426614174000',
      c_blob: per(t, { sqlite: '0001FF', postgres: '0001ff', mysql: '0001FF' }),
    }
    assert.deepEqual({ ...row }, expected)
  })

  eachDatabase('keeps column defaults for keys a row leaves out', async (t) => {
    await t.op.createTable('tag', [
      { name: 'id', type: 'integer' },
      { name: 'color', type: 'varchar(10)', default: 'grey' },
    ])
    await t.op.bulkInsert('tag', [{ id: 1 }, { id: 2, color: 'red' }, { id: 3 }])
    assert.deepEqual(
      (await t.rows('tag', 'id')).map((r) => r.color),
      ['grey', 'red', 'grey'],
    )
  })

  eachDatabase('splits inserts larger than the parameter limit', async (t) => {
    await t.op.createTable('many', [
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'integer' },
      { name: 'c', type: 'text' },
    ])
    const rows = Array.from({ length: 23000 }, (_, i) => ({ a: i, b: i * 2, c: `r${i}` }))
    await t.op.bulkInsert('many', rows)
    const summary = await t.db
      .selectFrom('many')
      .select([sql<number>`count(*)`.as('n'), sql<number>`sum(b)`.as('s')])
      .executeTakeFirstOrThrow()
    assert.deepEqual([Number(summary.n), Number(summary.s)], [23000, 23000 * 22999])
  })

  eachDatabase(
    'inserts into the named schema',
    async (t) => {
      await t.op.createTable('thing', [{ name: 'id', type: 'integer' }], { schema: t.namespace })
      await t.op.bulkInsert('thing', [{ id: 5 }], { schema: t.namespace })
      assert.deepEqual(
        (await t.rows('thing', 'id')).map((r) => r.id),
        [5],
      )
    },
    { only: ['postgres', 'mysql'] },
  )
})
