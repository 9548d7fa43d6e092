import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { RetortError } from '../../src/errors.js'
import { identifiersIn, parseCreateTable, tokenize } from '../../src/dialects/sqlite/parser.js'

describe('tokenize', () => {
  it('unquotes identifiers and strings, keeps blobs and numbers, drops comments', () => {
    const tokens = tokenize(`"a""b" [c d] \`e\` 'it''s' x'00ff' -1.5e3 -- gone\n /* gone */ f`)
    assert.deepEqual(
      tokens.map((t) => [t.type, t.value]),
      [
        ['quoted', 'a"b'],
        ['quoted', 'c d'],
        ['quoted', 'e'],
        ['string', "it's"],
        ['blob', "x'00ff'"],
        ['punct', '-'],
        ['number', '1.5e3'],
        ['word', 'f'],
      ],
    )
  })
})

describe('identifiersIn', () => {
  it('lists referenced names but not function names', () => {
    assert.deepEqual(
      [...identifiersIn('lower("Email") = coalesce(alias, \'x\') and length (n) > 0')].sort(),
      ['alias', 'and', 'email', 'n'],
    )
  })
})

describe('parseCreateTable', () => {
  it('reads columns, column constraints and table constraints with their names', () => {
    const parsed = parseCreateTable(`CREATE TABLE "order item" (
      id INTEGER CONSTRAINT pk_id PRIMARY KEY AUTOINCREMENT,
      "name" varchar(40) NOT NULL DEFAULT 'it''s' COLLATE NOCASE,
      qty unsigned big int DEFAULT -1 CHECK (qty >= -1),
      price numeric(10, 2) CONSTRAINT ck_price CHECK (price > 0) DEFAULT (1.5 * 2),
      at timestamp default CURRENT_TIMESTAMP,
      parent_id integer REFERENCES parent ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
      code text UNIQUE,
      untyped,
      CONSTRAINT uq_name UNIQUE (name, qty DESC),
      CHECK (qty < 100),
      CONSTRAINT fk_x FOREIGN KEY (qty, code) REFERENCES other (a, b) ON UPDATE CASCADE MATCH SIMPLE
    ) WITHOUT ROWID, STRICT`)
    assert.deepEqual(
      parsed.columns.map((c) => [c.name, c.type, c.notNull, c.default]),
      [
        ['id', 'INTEGER', false, undefined],
        ['name', 'varchar(40)', true, "'it''s'"],
        ['qty', 'unsigned big int', false, '-1'],
        ['price', 'numeric(10, 2)', false, '(1.5 * 2)'],
        ['at', 'timestamp', false, 'CURRENT_TIMESTAMP'],
        ['parent_id', 'integer', false, undefined],
        ['code', 'text', false, undefined],
        ['untyped', '', false, undefined],
      ],
    )
    const [id, name, qty, price, , parent, code] = parsed.columns
    assert.deepEqual(id!.primaryKey, { name: 'pk_id', autoIncrement: true })
    assert.equal(name!.collate, 'NOCASE')
    assert.deepEqual(qty!.checks, [{ text: 'qty >= -1' }])
    assert.deepEqual(price!.checks, [{ name: 'ck_price', text: 'price > 0' }])
    assert.deepEqual(parent!.references, {
      columns: ['parent_id'],
      table: 'parent',
      referencedColumns: [],
      onDelete: 'set null',
      initiallyDeferred: true,
    })
    assert.deepEqual(code!.unique, {})
    assert.deepEqual(parsed.constraints, [
      { kind: 'unique', name: 'uq_name', columns: ['name', 'qty'] },
      { kind: 'check', text: 'qty < 100' },
      {
        kind: 'foreignKey',
        name: 'fk_x',
        columns: ['qty', 'code'],
        table: 'other',
        referencedColumns: ['a', 'b'],
        onUpdate: 'cascade',
      },
    ])
    assert.equal(parsed.options, 'WITHOUT ROWID, STRICT')
  })

  it('marks generated columns and refuses ON CONFLICT clauses', () => {
    const parsed = parseCreateTable(
      'create table t (a int, b int generated always as (a * 2) stored)',
    )
    assert.deepEqual(
      parsed.columns.map((c) => c.generated),
      [false, true],
    )
    assert.throws(
      () => parseCreateTable('create table t (a int not null on conflict replace)'),
      RetortError,
    )
  })
})
