import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { RetortError } from '../../src/errors.js'
import { parseColumnType } from '../../src/ops/column-type.js'
import { dialectOf } from '../helpers/dialects.js'

describe('parseColumnType', () => {
  it('reads portable names in any case and spacing', () => {
    assert.deepEqual(parseColumnType('INTEGER'), { kind: 'integer' })
    assert.deepEqual(parseColumnType(' TimestampTZ '), { kind: 'timestamptz' })
    assert.deepEqual(parseColumnType('varchar( 30 )'), { kind: 'varchar', length: 30 })
    assert.deepEqual(parseColumnType('numeric'), { kind: 'numeric' })
    assert.deepEqual(parseColumnType('numeric(8)'), { kind: 'numeric', precision: 8 })
    assert.deepEqual(parseColumnType('numeric(8, 3)'), { kind: 'numeric', precision: 8, scale: 3 })
  })

  it('passes any other type through as written', () => {
    assert.deepEqual(parseColumnType('citext'), { kind: 'raw', sql: 'citext' })
    assert.deepEqual(parseColumnType(" enum('a','b') "), { kind: 'raw', sql: "enum('a','b')" })
    assert.deepEqual(parseColumnType('integer[]'), { kind: 'raw', sql: 'integer[]' })
  })

  it('refuses raw types that cannot be types', () => {
    for (const bad of [
      '',
      '  ',
      'text; drop table x',
      'text -- x',
      'text /* x */',
      'varchar(10',
      'int)(',
    ]) {
      assert.throws(() => parseColumnType(bad), RetortError, bad)
    }
  })
})

describe('portable type mapping', () => {
  const table: Record<string, [string, string, string]> = {
    integer: ['integer', 'integer', 'int'],
    bigint: ['bigint', 'bigint', 'bigint'],
    smallint: ['smallint', 'smallint', 'smallint'],
    text: ['text', 'text', 'text'],
    'varchar(30)': ['varchar(30)', 'varchar(30)', 'varchar(30)'],
    boolean: ['boolean', 'boolean', 'boolean'],
    real: ['real', 'real', 'float'],
    double: ['double', 'double precision', 'double'],
    'numeric(12,4)': ['numeric(12,4)', 'numeric(12,4)', 'decimal(12,4)'],
    date: ['date', 'date', 'date'],
    time: ['time', 'time', 'time(6)'],
    timestamp: ['timestamp', 'timestamp', 'datetime(6)'],
    timestamptz: ['timestamptz', 'timestamptz', 'datetime(6)'],
    json: ['text', 'jsonb', 'json'],
    uuid: ['char(36)', 'uuid', 'uuid'],
    blob: ['blob', 'bytea', 'blob'],
    inet: ['inet', 'inet', 'inet'],
  }
  for (const [type, [sqlite, postgres, mysql]] of Object.entries(table)) {
    it(`maps '${type}' for each dialect`, () => {
      const parsed = parseColumnType(type)
      assert.deepEqual(
        [
          dialectOf('sqlite').typeSql(parsed),
          dialectOf('postgres').typeSql(parsed),
          dialectOf('mysql').typeSql(parsed),
        ],
        [sqlite, postgres, mysql],
      )
    })
  }

  it('uses INTEGER for an auto-incremented bigint key on SQLite', () => {
    assert.equal(
      dialectOf('sqlite').typeSql(parseColumnType('bigint'), { autoIncrement: true }),
      'integer',
    )
    assert.equal(
      dialectOf('postgres').typeSql(parseColumnType('bigint'), { autoIncrement: true }),
      'bigint',
    )
  })
})
