import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { sql, type Expression } from 'kysely'
import { RetortError } from '../../../src/errors.js'
import type { TableDescription } from '../../../src/ops/definitions.js'
import type { TableOperation } from '../../../src/ops/operation.js'
import {
  applyOps,
  modelFromDescription,
  planRenames,
  runsInPlace,
  type TableModel,
} from '../../../src/dialects/sqlite/batch-model.js'

// SQLite batch mode's table model is pure: these tests need no database.

/** Expressions in these tests are raw SQL; their text is what the model searches for column names. */
const textOf = (e: Expression<unknown>): string =>
  (e.toOperationNode() as unknown as { sqlFragments: string[] }).sqlFragments.join('?')

const item: TableDescription = {
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'code', type: 'varchar(20)', nullable: false },
    { name: 'price', type: 'integer' },
  ],
  primaryKey: { columns: ['id'] },
  unique: [{ name: 'uq_code', columns: ['code'] }],
  checks: [{ name: 'ck_price', expression: sql.raw('price >= 0') }],
  indexes: [{ name: 'ix_price', columns: ['price'] }],
}

const on = { table: 'item', schema: undefined } as const

function apply(ops: TableOperation[], description = item): TableModel {
  const before = modelFromDescription(description)
  const plan = planRenames(
    'item',
    before.columns.map((c) => c.def.name),
    ops,
  )
  return applyOps(textOf, 'item', before, ops, plan)
}

const names = (model: TableModel): string[] => model.columns.map((c) => c.def.name)

describe('SQLite batch table model', () => {
  it('reads a description: columns fed from themselves, primary key columns NOT NULL', () => {
    const model = modelFromDescription(item)
    assert.deepEqual(names(model), ['id', 'code', 'price'])
    assert.deepEqual(
      model.columns.map((c) => c.source),
      ['id', 'code', 'price'],
    )
    assert.equal(model.columns[0]!.def.nullable, false)
    assert.deepEqual(model.primaryKey, { columns: ['id'] })
  })

  it('drops a column with the constraints and indexes over it, as PostgreSQL does', () => {
    const model = apply([{ ...on, kind: 'dropColumn', column: 'price' }])
    assert.deepEqual(names(model), ['id', 'code'])
    assert.deepEqual(model.checks, [])
    assert.deepEqual(model.indexes, [])
    assert.deepEqual(
      model.unique.map((u) => u.name),
      ['uq_code'],
    )
  })

  it('changes a type and nullability in place in the model, keeping the column fed from its old data', () => {
    const model = apply([
      { ...on, kind: 'alterColumn', column: 'price', changes: { type: 'bigint', nullable: false } },
    ])
    const price = model.columns.find((c) => c.def.name === 'price')!
    assert.equal(price.def.type, 'bigint')
    assert.equal(price.def.nullable, false)
    assert.equal(price.source, 'price')
  })

  it('plans native renames, moving a dropped column aside when a rename takes its name', () => {
    const ops: TableOperation[] = [
      { ...on, kind: 'dropColumn', column: 'code' },
      { ...on, kind: 'alterColumn', column: 'price', changes: { newName: 'code' } },
    ]
    const plan = planRenames('item', ['id', 'code', 'price'], ops)
    assert.deepEqual(plan.renames, [
      { from: 'code', to: '_retort_dropped_1' },
      { from: 'price', to: 'code' },
    ])
  })

  it('refuses an operation naming a column the batch has already dropped, naming the operation', () => {
    assert.throws(
      () =>
        apply([
          { ...on, kind: 'dropColumn', column: 'price' },
          { ...on, kind: 'alterColumn', column: 'price', changes: { nullable: false } },
        ]),
      (e) =>
        e instanceof RetortError &&
        e.message ===
          "alterColumn('price' on 'item'): table 'item' has no column 'price' at this point of the batch",
    )
  })

  it('refuses a second primary key and dropping an unknown constraint', () => {
    assert.throws(
      () => apply([{ ...on, kind: 'createPrimaryKey', name: 'pk2', columns: ['code'] }]),
      /table 'item' already has a primary key/,
    )
    assert.throws(
      () => apply([{ ...on, kind: 'dropConstraint', name: 'nope', type: undefined }]),
      /table 'item' has no constraint named 'nope'/,
    )
  })

  it('runs plain additions, renames and index changes in place; everything else rebuilds', () => {
    assert.equal(
      runsInPlace({ ...on, kind: 'addColumn', column: { name: 'n', type: 'text' } }),
      true,
    )
    assert.equal(
      runsInPlace({ ...on, kind: 'alterColumn', column: 'code', changes: { newName: 'sku' } }),
      true,
    )
    assert.equal(
      runsInPlace({ kind: 'dropIndex', name: 'ix_price', table: 'item', schema: undefined }),
      true,
    )
    assert.equal(runsInPlace({ ...on, kind: 'dropColumn', column: 'price' }), false)
    assert.equal(
      runsInPlace({ ...on, kind: 'addColumn', column: { name: 'n', type: 'text', unique: true } }),
      false,
    )
  })
})
