import assert from 'node:assert/strict'
import { describe } from 'node:test'
import { sql } from 'kysely'
import type { AlterColumnOptions, ColumnDefinition } from '../../src/ops/definitions.js'
import { dialectOf } from '../helpers/dialects.js'
import { createOperations } from '../../src/ops/operations.js'
import type { TestDialect } from '../helpers/databases.js'
import { eachDatabase, type OpsTest } from './helpers/harness.js'
import { capturingKysely, scriptOf, statementsOf } from './helpers/offline.js'

// issue 12 item 4: MariaDB's MODIFY COLUMN takes the column as restated, so
// alterColumn dropped a column-level CHECK. Every variant must keep it, on
// every database, online (read from the catalog) and in --sql mode (from
// `existing`).

const columns: ColumnDefinition[] = [
  { name: 'id', type: 'integer', primaryKey: true },
  { name: 'price', type: 'numeric(10,2)', default: 0, check: sql`price >= 0` },
]

/** The column as it is, for --sql mode. */
const existing = {
  type: 'numeric(10,2)',
  nullable: true,
  default: 0,
  check: sql`price >= ${0}`,
} as const

const variants: readonly (readonly [string, AlterColumnOptions, string])[] = [
  ['type', { type: 'numeric(14,2)' }, 'price'],
  ['nullability', { nullable: false }, 'price'],
  ['a new default', { default: 1.5 }, 'price'],
  ['dropping the default', { default: null }, 'price'],
  ['comment', { comment: 'in euros' }, 'price'],
  ['name', { newName: 'cost' }, 'cost'],
  [
    'type, nullability, default and comment at once',
    { type: 'numeric(14,2)', nullable: false, default: 2, comment: 'in euros' },
    'price',
  ],
]

/** SQLite changes a type, nullability or default only through batch mode. */
const needsBatch = (dialect: TestDialect, changes: AlterColumnOptions): boolean =>
  dialect === 'sqlite' &&
  (changes.type !== undefined || changes.nullable !== undefined || changes.default !== undefined)

async function assertCheckHolds(t: OpsTest, column: string): Promise<void> {
  await t.db
    .insertInto('item')
    .values({ id: 1, [column]: '3.50' })
    .execute()
  await assert.rejects(
    t.db
      .insertInto('item')
      .values({ id: 2, [column]: '-1.00' })
      .execute(),
    /check|constraint/i,
    `a negative ${column} was accepted: the CHECK is gone`,
  )
  const checks = (await t.table('item')).checks
  assert.ok(
    checks.some((c) => c.expression.includes(column)),
    `no check on ${column}: ${JSON.stringify(checks)}`,
  )
}

describe('alterColumn keeps a column-level CHECK, online', () => {
  for (const [what, changes, column] of variants) {
    eachDatabase(`changing the ${what}`, async (t) => {
      await t.op.createTable('item', columns)
      if (needsBatch(t.dialect, changes)) {
        await t.op.batchAlterTable('item', (batch) => batch.alterColumn('price', changes))
      } else {
        await t.op.alterColumn('item', 'price', changes)
      }
      await assertCheckHolds(t, column)
    })
  }
})

describe("alterColumn keeps a column-level CHECK in --sql mode, given in 'existing'", () => {
  for (const [what, changes, column] of variants) {
    eachDatabase(`changing the ${what}: the script keeps it`, async (t) => {
      await t.op.createTable('item', columns)
      const { db, captured } = capturingKysely(t.dialect)
      const offline = createOperations({ db, dialect: dialectOf(t.dialect), offline: true })
      if (needsBatch(t.dialect, changes)) {
        // SQLite's batch copies the table as described (Alembic's copy_from).
        await offline.batchAlterTable('item', (batch) => batch.alterColumn('price', changes), {
          table: { columns },
        })
      } else {
        await offline.alterColumn('item', 'price', { ...changes, existing })
      }
      for (const statement of statementsOf(scriptOf(t.dialect, captured))) {
        await sql.raw(statement).execute(t.db)
      }
      await assertCheckHolds(t, column)
    })
  }
})
