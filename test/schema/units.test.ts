import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { matchesFilter, unmatchedPatterns } from '../../src/schema/filter.js'
import { splitStatements } from '../../src/schema/sql-script.js'
import { unwrapParens } from '../../src/schema/catalog-rows.js'
import { creationOrder } from '../../src/schema/declared.js'
import {
  isGeneratedName,
  portableType as postgresType,
} from '../../src/dialects/postgres/catalog.js'
import { portableType as mysqlType } from '../../src/dialects/mysql/catalog.js'
import { parseCreateIndex, portableType as sqliteType } from '../../src/dialects/sqlite/catalog.js'
import { validateConfig, resolveConfig } from '../../src/config/config.js'
import { ConfigError } from '../../src/errors.js'

const plain = { dollarQuotes: false, backslashEscapes: false, hashComments: false }

describe('table filter', () => {
  it('keeps a table when include is empty or matches, and no exclude matches', () => {
    assert.equal(matchesFilter('account', undefined), true)
    assert.equal(matchesFilter('account', { include: [] }), true)
    assert.equal(matchesFilter('account', { include: ['acc*'] }), true)
    assert.equal(matchesFilter('account', { include: ['acc'] }), false)
    assert.equal(matchesFilter('account', { exclude: ['*count'] }), false)
    assert.equal(matchesFilter('a.b', { include: ['a.b'] }), true)
    assert.equal(matchesFilter('axb', { include: ['a.b'] }), false, '. is literal')
    assert.equal(matchesFilter('Account', { include: ['account'] }), false, 'case counts')
  })

  it('lists the patterns that match no table', () => {
    assert.deepEqual(
      unmatchedPatterns(['a', 'b'], { include: ['a*', 'zz'], exclude: ['b', 'q*'] }),
      ['zz', 'q*'],
    )
  })
})

describe('SQL script splitting', () => {
  it('splits at top-level semicolons and gives each statement its first line', () => {
    const text =
      "-- intro; not a statement\ncreate table a (x text default 'a;b');\n\n/* c; */ create table b (y int);\ninsert into a values ('it''s;');"
    assert.deepEqual(splitStatements(text, plain), [
      { sql: "create table a (x text default 'a;b')", line: 2 },
      { sql: 'create table b (y int)', line: 4 },
      { sql: "insert into a values ('it''s;')", line: 5 },
    ])
  })

  it('reads dollar quotes, backslash escapes and # comments only where the database has them', () => {
    const pg = 'create function f() returns int as $$ select 1; $$ language sql;\nselect 2;'
    assert.equal(splitStatements(pg, { ...plain, dollarQuotes: true }).length, 2)
    const my = "# note; here\ninsert into t values ('a\\';b');\nselect 1;"
    assert.deepEqual(
      splitStatements(my, { ...plain, backslashEscapes: true, hashComments: true }).map(
        (s) => s.line,
      ),
      [2, 3],
    )
  })
})

describe('catalog spellings', () => {
  it('maps a spelling to the portable name only when that name renders back to it', () => {
    assert.equal(postgresType('character varying(255)'), 'varchar(255)')
    assert.equal(postgresType('timestamp with time zone'), 'timestamptz')
    assert.equal(postgresType('character varying'), 'character varying')
    assert.equal(
      postgresType('json'),
      'json',
      'PostgreSQL json is not what portable json renders (jsonb)',
    )
    assert.equal(postgresType('jsonb'), 'json')
    assert.equal(mysqlType('int(11)'), 'integer')
    assert.equal(mysqlType('int(10) unsigned'), 'int(10) unsigned')
    assert.equal(mysqlType('tinyint(1)'), 'boolean')
    assert.equal(mysqlType('decimal(10,2)'), 'numeric(10,2)')
    assert.equal(mysqlType('datetime'), 'datetime', 'portable timestamp renders datetime(6)')
    assert.equal(sqliteType('VARCHAR(20)'), 'varchar(20)')
    assert.equal(sqliteType('char(36)'), 'uuid')
    assert.equal(sqliteType('INT'), 'INT')
  })

  it("recognises PostgreSQL's own constraint names", () => {
    assert.equal(isGeneratedName('t_pkey', 't', ['id'], 'pkey'), true)
    assert.equal(isGeneratedName('t_a_b_key', 't', ['a', 'b'], 'key'), true)
    assert.equal(isGeneratedName('t_a_key1', 't', ['a'], 'key'), true)
    assert.equal(isGeneratedName('t_check', 't', ['a', 'b'], 'check'), true)
    assert.equal(isGeneratedName('uq_t_a', 't', ['a'], 'key'), false)
    assert.equal(isGeneratedName('other_a_key', 't', ['a'], 'key'), false)
  })

  it('reads the expressions and WHERE of a CREATE INDEX text', () => {
    assert.deepEqual(
      parseCreateIndex(
        'CREATE INDEX "ix" ON "t" ("a" DESC, (lower(b)), c COLLATE nocase) WHERE (a > 0)',
      ),
      { elements: ['"a" DESC', '(lower(b))', 'c COLLATE nocase'], where: 'a > 0' },
    )
  })

  it('removes only parentheses that enclose the whole text', () => {
    assert.equal(unwrapParens('((a > 0))'), 'a > 0')
    assert.equal(unwrapParens('(a) > (b)'), '(a) > (b)')
    assert.equal(unwrapParens("(a = ')')"), "a = ')'")
  })
})

describe('declared schema: creation order', () => {
  const col = (name: string, references?: string) => ({
    name,
    type: 'integer',
    ...(references ? { references: { table: references, column: 'id' } } : {}),
  })
  it('creates referenced tables first and defers the key that closes a circle', () => {
    const declaration = {
      tables: {
        a: { columns: [col('id'), col('b_id', 'b')] },
        b: { columns: [col('id'), col('c_id', 'c')] },
        c: { columns: [col('id'), col('a_id', 'a')] },
        d: { columns: [col('id'), col('d_id', 'd')] },
      },
    }
    const { order, deferred } = creationOrder(declaration, ['a', 'b', 'c', 'd'], true)
    assert.deepEqual(order, ['c', 'b', 'a', 'd'])
    assert.deepEqual([...deferred], ['c\u0000a'])
    assert.deepEqual(creationOrder(declaration, ['a', 'b', 'c', 'd'], false).order, [
      'a',
      'b',
      'c',
      'd',
    ])
  })
})

describe('config: schema, include, exclude', () => {
  it('accepts the keys, resolves the schema path from the config folder', () => {
    const config = validateConfig(
      { schema: 'db/schema.ts', include: ['app_*'], exclude: ['tmp_*'] },
      'retort.config.json',
    )
    const resolved = resolveConfig(config, { rootDir: '/srv/app' })
    assert.equal(resolved.schema, '/srv/app/db/schema.ts')
    assert.deepEqual([resolved.include, resolved.exclude], [['app_*'], ['tmp_*']])
    const none = resolveConfig({}, { rootDir: '/srv/app' })
    assert.deepEqual([none.schema, none.include, none.exclude], [undefined, [], []])
  })

  it('refuses a pattern list that is not strings, naming the file and the key', () => {
    assert.throws(
      () => validateConfig({ include: 'app_*' }, 'retort.config.json'),
      (e) =>
        e instanceof ConfigError &&
        /retort\.config\.json: 'include' must be an array of table-name patterns/.test(e.message),
    )
  })
})
