import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CompiledQuery } from 'kysely'
import { loadDialect } from '../../src/dialects/registry.js'
import { inlineParameters } from '../../src/dialects/capture.js'
import { localTimestamp } from '../../src/dialects/literals.js'

describe('SQL literals for offline scripts', () => {
  it('quotes strings with doubled quotes, and MySQL also doubles backslashes', async () => {
    const [sqlite, postgres, mysql] = await Promise.all([
      loadDialect('sqlite'),
      loadDialect('postgres'),
      loadDialect('mysql'),
    ])
    assert.equal(sqlite.literal("O'Brien \\ x"), "'O''Brien \\ x'")
    assert.equal(postgres.literal("O'Brien \\ x"), "'O''Brien \\ x'")
    assert.equal(mysql.literal("O'Brien \\ x"), "'O''Brien \\\\ x'")
  })

  it('writes numbers, booleans, null, bytes and dates in each dialect', async () => {
    const [sqlite, postgres, mysql] = await Promise.all([
      loadDialect('sqlite'),
      loadDialect('postgres'),
      loadDialect('mysql'),
    ])
    for (const d of [sqlite, postgres, mysql]) {
      assert.equal(d.literal(42), '42')
      assert.equal(d.literal(-1.5), '-1.5')
      assert.equal(d.literal(10n ** 20n), '100000000000000000000')
      assert.equal(d.literal(null), 'NULL')
      assert.equal(d.literal(undefined), 'NULL')
      assert.throws(() => d.literal(Number.NaN), TypeError)
    }
    assert.equal(sqlite.literal(true), '1')
    assert.equal(postgres.literal(false), 'false')
    assert.equal(mysql.literal(true), 'true')
    assert.equal(sqlite.literal(Buffer.from([0, 255])), "X'00ff'")
    assert.equal(mysql.literal(new Uint8Array([1, 2])), "X'0102'")
    assert.equal(postgres.literal(Buffer.from([0xab])), "'\\xab'::bytea")
    const date = new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6))
    assert.equal(sqlite.literal(date), "'2020-01-02T03:04:05.006Z'")
    assert.equal(postgres.literal(date), `'${localTimestamp(date, true)}'`)
    assert.equal(mysql.literal(date), `'${localTimestamp(date, false)}'`)
    assert.match(localTimestamp(date, true), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.006[+-]\d\d:\d\d$/)
    assert.equal(postgres.literal(['a"b', null, 3]), `'{"a\\"b",NULL,3}'`)
    assert.equal(sqlite.literal({ a: "it's" }), `'{"a":"it''s"}'`)
  })

  it('inlines the parameters of precompiled queries, leaving quoted text and comments alone', () => {
    const lit = (v: unknown) => `<${String(v)}>`
    assert.equal(
      inlineParameters(`select ?, '?', "?" -- ?\n, ? /* ? */`, ['a', 'b'], 'question', lit, false),
      `select <a>, '?', "?" -- ?\n, <b> /* ? */`,
    )
    assert.equal(
      inlineParameters(
        `select $2, $1, '$1', $$ $1 $$, $t$ $2 $t$`,
        ['a', 'b'],
        'dollar',
        lit,
        false,
      ),
      `select <b>, <a>, '$1', $$ $1 $$, $t$ $2 $t$`,
    )
    assert.equal(
      inlineParameters(`select 'a\\'?', ?`, ['x'], 'question', lit, true),
      `select 'a\\'?', <x>`,
    )
  })

  it('captures what a migration sends through the offline Kysely, compiled or raw', async () => {
    for (const [dialect, expected] of [
      ['postgres', `select 'x''y' as "a"`],
      ['mysql', "select 'x''y' as `a`"],
    ] as const) {
      const driver = await loadDialect(dialect)
      const captured: string[] = []
      const db = driver.offline((sql) => captured.push(sql))
      await db.selectNoFrom((eb) => [eb.val("x'y").as('a')]).execute()
      await db.executeQuery(
        CompiledQuery.raw(`select ${dialect === 'postgres' ? '$1' : '?'} as a, '?' as b`, ["x'y"]),
      )
      assert.equal(captured[0], expected)
      assert.equal(captured[1], `select 'x''y' as a, '?' as b`)
    }
  })
})
