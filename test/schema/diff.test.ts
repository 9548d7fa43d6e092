import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { diffSchemas, invertChanges, type SchemaChange } from '../../src/schema/diff.js'
import type { ColumnModel, SchemaModel, TableModel } from '../../src/schema/model.js'
import { describeChange } from '../../src/schema/render.js'

const col = (name: string, type = 'integer', more: Partial<ColumnModel> = {}): ColumnModel => ({
  name,
  type,
  nullable: true,
  default: null,
  autoIncrement: false,
  comment: null,
  ...more,
})

const table = (name: string, more: Partial<TableModel> = {}): TableModel => ({
  name,
  comment: null,
  columns: [col('id', 'integer', { nullable: false })],
  primaryKey: { name: null, columns: ['id'] },
  uniques: [],
  foreignKeys: [],
  checks: [],
  indexes: [],
  ...more,
})

const fk = (to: string, name: string | null = `fk_${to}`) => ({
  name,
  columns: ['ref'],
  referencedTable: to,
  referencedColumns: ['id'],
  onDelete: 'no action' as const,
  onUpdate: 'no action' as const,
})

const schema = (...tables: TableModel[]): SchemaModel => ({ tables })
const lines = (changes: readonly SchemaChange[]) => changes.map(describeChange)

describe('diffSchemas', () => {
  it('finds nothing between a schema and itself', () => {
    const s = schema(table('a', { columns: [col('id'), col('x', 'text')] }))
    assert.deepEqual(diffSchemas(s, s), [])
  })

  it('adds and drops tables and columns', () => {
    const before = schema(table('a', { columns: [col('id'), col('old')] }), table('gone'))
    const after = schema(table('a', { columns: [col('id'), col('new', 'text')] }), table('b'))
    assert.deepEqual(lines(diffSchemas(before, after)), [
      "removed table 'gone'",
      "removed column 'a.old'",
      "added column 'a.new'",
      "added table 'b'",
    ])
  })

  it('gives one alterColumn per changed attribute, each from the state the previous left', () => {
    const before = schema(table('a', { columns: [col('x', 'varchar(50)', { default: "'a'" })] }))
    const after = schema(
      table('a', {
        columns: [
          col('x', 'text', { nullable: false, default: null, comment: 'c', autoIncrement: true }),
        ],
      }),
    )
    const changes = diffSchemas(before, after)
    assert.deepEqual(lines(changes), [
      "type change from varchar(50) to text on 'a.x'",
      "NOT NULL on column 'a.x'",
      "removed server default on column 'a.x'",
      "column comment on 'a.x'",
      "added auto-increment on column 'a.x'",
    ])
    const second = changes[1]!
    assert.ok(second.kind === 'alterColumn' && second.from.type === 'text' && second.from.nullable)
  })

  it('never compares names the database made up, and compares chosen names', () => {
    const unnamed = schema(table('a', { uniques: [{ name: null, columns: ['x'] }] }))
    const named = schema(table('a', { uniques: [{ name: 'uq_a_x', columns: ['x'] }] }))
    const renamed = schema(table('a', { uniques: [{ name: 'uq_other', columns: ['x'] }] }))
    assert.deepEqual(diffSchemas(unnamed, named), [])
    assert.deepEqual(diffSchemas(named, unnamed), [])
    assert.deepEqual(lines(diffSchemas(named, renamed)), [
      "removed unique constraint 'uq_a_x' on 'a' (x)",
      "added unique constraint 'uq_other' on 'a' (x)",
    ])
  })

  it('drops and re-creates an index or constraint whose content changed under the same name', () => {
    const ix = (columns: string[]) => ({
      name: 'ix_a',
      columns: columns.map((c) => ({ column: c, descending: false })),
      unique: false,
      where: null,
    })
    const before = schema(
      table('a', { indexes: [ix(['x'])], checks: [{ name: 'ck', expression: 'x > 0' }] }),
    )
    const after = schema(
      table('a', { indexes: [ix(['x', 'y'])], checks: [{ name: 'ck', expression: 'x > 1' }] }),
    )
    assert.deepEqual(lines(diffSchemas(before, after)), [
      "removed index 'ix_a' on 'a'",
      "removed check constraint 'ck' on 'a'",
      "added check constraint 'ck' on 'a'",
      "added index 'ix_a' on 'a'",
    ])
  })

  it('creates referenced tables before the tables whose foreign keys name them', () => {
    const after = schema(
      table('a_child', { columns: [col('id'), col('ref')], foreignKeys: [fk('z_parent')] }),
      table('z_parent'),
    )
    assert.deepEqual(lines(diffSchemas(schema(), after)), [
      "added table 'z_parent'",
      "added table 'a_child'",
    ])
  })

  it('drops foreign keys naming a dropped table before the table, and drops referencing tables first', () => {
    const before = schema(
      table('keep', { columns: [col('id'), col('ref')], foreignKeys: [fk('parent', 'fk_keep')] }),
      table('parent'),
      table('child', { columns: [col('id'), col('ref')], foreignKeys: [fk('parent', 'fk_child')] }),
    )
    const after = schema(table('keep', { columns: [col('id'), col('ref')] }))
    assert.deepEqual(lines(diffSchemas(before, after)), [
      "removed foreign key 'fk_keep' on 'keep' (ref) -> parent(id)",
      "removed table 'child'",
      "removed table 'parent'",
    ])
  })

  it('creates two tables that reference each other, then adds the closing foreign key', () => {
    const a = table('a', { columns: [col('id'), col('ref')], foreignKeys: [fk('b', 'fk_a_b')] })
    const b = table('b', { columns: [col('id'), col('ref')], foreignKeys: [fk('a', 'fk_b_a')] })
    const up = diffSchemas(schema(), schema(a, b))
    assert.deepEqual(lines(up), [
      "added table 'b'",
      "added table 'a'",
      "added foreign key 'fk_b_a' on 'b' (ref) -> a(id)",
    ])
    // The downgrade runs the same steps backwards: the foreign key goes first.
    assert.deepEqual(lines(invertChanges(up)), [
      "removed foreign key 'fk_b_a' on 'b' (ref) -> a(id)",
      "removed table 'a'",
      "removed table 'b'",
    ])
    const down = diffSchemas(schema(a, b), schema())
    assert.equal(lines(down)[0], "removed foreign key 'fk_b_a' on 'b' (ref) -> a(id)")
  })

  it('turns auto-increment off before the primary key goes and on after the new one is added', () => {
    const id = (autoIncrement: boolean) => col('id', 'integer', { nullable: false, autoIncrement })
    const c0 = col('c0', 'integer', { nullable: false })
    const before = schema(table('a', { columns: [id(true), c0] }))
    const after = schema(
      table('a', { columns: [id(false), c0], primaryKey: { name: null, columns: ['id', 'c0'] } }),
    )
    const up = diffSchemas(before, after)
    assert.deepEqual(lines(up), [
      "removed auto-increment on column 'a.id'",
      "removed primary key on 'a'",
      "added primary key on 'a'",
    ])
    assert.deepEqual(lines(invertChanges(up)), [
      "removed primary key on 'a'",
      "added primary key on 'a'",
      "added auto-increment on column 'a.id'",
    ])
  })

  it('with autoIncrementNeedsKey, turns a staying auto-increment off while its key is replaced', () => {
    const id = col('id', 'integer', { nullable: false, autoIncrement: true })
    const c0 = col('c0', 'integer', { nullable: false })
    const before = schema(table('a', { columns: [id] }))
    const after = schema(
      table('a', { columns: [id, c0], primaryKey: { name: null, columns: ['id', 'c0'] } }),
    )
    const up = diffSchemas(before, after, { autoIncrementNeedsKey: true })
    assert.deepEqual(lines(up), [
      "auto-increment turned off for column 'a.id' while its key is replaced",
      "removed primary key on 'a'",
      "added column 'a.c0'",
      "added primary key on 'a'",
      "auto-increment turned back on for column 'a.id' after its key is replaced",
    ])
    assert.deepEqual(lines(invertChanges(up)), [
      "auto-increment turned off for column 'a.id' while its key is replaced",
      "removed primary key on 'a'",
      "removed column 'a.c0'",
      "added primary key on 'a'",
      "auto-increment turned back on for column 'a.id' after its key is replaced",
    ])
    // The off and on changes restate the column as it is at that step.
    const [off, , , , on] = up
    assert.ok(off?.kind === 'alterColumn' && off.from.autoIncrement && !off.to.autoIncrement)
    assert.ok(on?.kind === 'alterColumn' && !on.from.autoIncrement && on.to.autoIncrement)
    // The schemas' differences alone (check; PostgreSQL, whose identity needs no key).
    assert.deepEqual(lines(diffSchemas(before, after)), [
      "removed primary key on 'a'",
      "added column 'a.c0'",
      "added primary key on 'a'",
    ])
  })

  it('with autoIncrementNeedsKey, leaves auto-increment on when a kept key still starts with the column', () => {
    const id = col('id', 'integer', { nullable: false, autoIncrement: true })
    const c0 = col('c0', 'integer', { nullable: false })
    const uniques = [{ name: 'uq_a_id', columns: ['id'] }]
    const before = schema(table('a', { columns: [id, c0], uniques }))
    const after = schema(
      table('a', { columns: [id, c0], uniques, primaryKey: { name: null, columns: ['id', 'c0'] } }),
    )
    assert.deepEqual(lines(diffSchemas(before, after, { autoIncrementNeedsKey: true })), [
      "removed primary key on 'a'",
      "added primary key on 'a'",
    ])
  })

  it('drops a table before the key of a surviving table it references', () => {
    const before = schema(
      table('child', { columns: [col('id'), col('ref')], foreignKeys: [fk('parent', 'fk_child')] }),
      table('parent'),
    )
    const after = schema(table('parent', { primaryKey: null }))
    assert.deepEqual(lines(diffSchemas(before, after)), [
      "removed table 'child'",
      "removed primary key on 'parent'",
    ])
  })

  it('drops constraints and indexes before columns and adds them after', () => {
    const before = schema(
      table('a', {
        columns: [col('id'), col('x')],
        indexes: [
          {
            name: 'ix_x',
            columns: [{ column: 'x', descending: false }],
            unique: false,
            where: null,
          },
        ],
      }),
    )
    const after = schema(
      table('a', { columns: [col('id'), col('y')], uniques: [{ name: 'uq_y', columns: ['y'] }] }),
    )
    assert.deepEqual(lines(diffSchemas(before, after)), [
      "removed index 'ix_x' on 'a'",
      "removed column 'a.x'",
      "added column 'a.y'",
      "added unique constraint 'uq_y' on 'a' (y)",
    ])
  })

  it("compares defaults by meaning: a literal's cast is not a change", () => {
    const withDefault = (d: string) =>
      schema(
        table('a', {
          columns: [col('id', 'integer', { nullable: false }), col('x', 'text', { default: d })],
        }),
      )
    assert.deepEqual(
      diffSchemas(withDefault("'abc'::character varying"), withDefault("'abc'::text")),
      [],
    )
    assert.equal(diffSchemas(withDefault("'abc'::text"), withDefault("'abd'::text")).length, 1)
  })

  it('leaves out the tables and columns the filter excludes', () => {
    const before = schema(
      table('a', { columns: [col('id', 'integer', { nullable: false }), col('secret')] }),
      table('other_tool'),
    )
    const after = schema(table('a'))
    const include = (t: string, c?: string) => t !== 'other_tool' && c !== 'secret'
    assert.deepEqual(diffSchemas(before, after, { include }), [])
  })

  it('inverts every change so that the downgrade diff is the reverse', () => {
    const before = schema(table('a', { columns: [col('id'), col('x', 'text')], comment: 'one' }))
    const after = schema(
      table('a', { columns: [col('id'), col('x', 'varchar(9)')], comment: 'two' }),
      table('b'),
    )
    const down = invertChanges(diffSchemas(before, after))
    assert.deepEqual(lines(down), [
      "removed table 'b'",
      "type change from varchar(9) to text on 'a.x'",
      "changed table comment on 'a'",
    ])
  })
})
