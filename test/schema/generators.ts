import fc from 'fast-check'
import type {
  ForeignKeyModel,
  IndexModel,
  SchemaModel,
  TableModel,
} from '../../src/schema/model.js'

/**
 * Random schemas over a small pool of tables and columns, so that two of
 * them overlap and differ in every kind of change: tables, columns, types
 * (within a family the databases convert without `using`), nullability,
 * defaults, comments, primary keys (one column, two, none), auto-increment,
 * uniques, checks, indexes (expression and partial ones where the database
 * has them), foreign keys (cycles and self references included). Only what
 * every database can index is indexed (no text columns, for MariaDB), and a
 * foreign key column is never indexed by hand (MariaDB ties such an index to
 * the key).
 */
const TABLES = ['t0', 't1', 't2', 't3']

/** What a database can hold, which the schemas keep to. */
export interface SchemaFeatures {
  /** Table and column comments (not SQLite). */
  readonly comments: boolean
  /** Expression and partial indexes (not MariaDB 10.11). */
  readonly indexExpressions: boolean
  /** Auto-increment only on a lone INTEGER PRIMARY KEY (SQLite). */
  readonly autoIncrementNeedsSoleKey: boolean
}

/** The features of a test database. */
export function featuresOf(dialect: 'sqlite' | 'postgres' | 'mysql'): SchemaFeatures {
  return {
    comments: dialect !== 'sqlite',
    indexExpressions: dialect !== 'mysql',
    autoIncrementNeedsSoleKey: dialect === 'sqlite',
  }
}

const rawTable = fc.record({
  present: fc.boolean(),
  c0: fc.boolean(),
  pk: fc.constantFrom('id', 'id', 'id c0', 'none'),
  autoIncrement: fc.boolean(),
  c1: fc.option(
    fc.record({
      type: fc.constantFrom('integer', 'bigint'),
      nullable: fc.boolean(),
      default: fc.constantFrom(null, '0', '7'),
    }),
  ),
  c2: fc.option(
    fc.record({
      type: fc.constantFrom('varchar(20)', 'varchar(40)', 'text'),
      nullable: fc.boolean(),
      default: fc.constantFrom(null, "'abc'", "'x y'"),
      comment: fc.constantFrom(null, 'note a', 'note b'),
    }),
  ),
  c4: fc.option(fc.boolean()),
  c5: fc.option(fc.record({ nullable: fc.boolean(), comment: fc.constantFrom(null, 'amount') })),
  comment: fc.constantFrom(null, 'table a', 'table b'),
  unique1: fc.boolean(),
  unique2: fc.boolean(),
  check: fc.boolean(),
  index: fc.constantFrom('none', 'c5', 'c1c5', 'unique c5', 'c5 desc', 'abs c1', 'c5 where c1'),
  fk: fc.option(
    fc.record({
      target: fc.constantFrom(...TABLES),
      onDelete: fc.constantFrom('no action', 'cascade'),
    }),
  ),
})

type RawTable = typeof rawTable extends fc.Arbitrary<infer T> ? T : never

function buildTable(
  name: string,
  raw: RawTable,
  referenceable: ReadonlySet<string>,
  features: SchemaFeatures,
): TableModel {
  const comments = features.comments
  // The key column c0 is there and NOT NULL; auto-increment needs a key on id (MariaDB: id leads one).
  const c0 = raw.c0 || raw.pk === 'id c0'
  const autoIncrement =
    raw.autoIncrement &&
    raw.pk !== 'none' &&
    (!features.autoIncrementNeedsSoleKey || raw.pk === 'id')
  const columns: TableModel['columns'][number][] = [
    { name: 'id', type: 'integer', nullable: false, default: null, autoIncrement, comment: null },
  ]
  const plain = { default: null, autoIncrement: false, comment: null }
  if (c0) columns.push({ ...plain, name: 'c0', type: 'integer', nullable: raw.pk !== 'id c0' })
  if (raw.c1) columns.push({ ...plain, name: 'c1', ...raw.c1 })
  if (raw.c2)
    columns.push({ ...plain, name: 'c2', ...raw.c2, comment: comments ? raw.c2.comment : null })
  if (raw.c4 !== null) columns.push({ ...plain, name: 'c4', type: 'boolean', nullable: raw.c4 })
  if (raw.c5)
    columns.push({
      ...plain,
      name: 'c5',
      type: 'numeric(10,2)',
      nullable: raw.c5.nullable,
      comment: comments ? raw.c5.comment : null,
    })
  const has = (c: string) => columns.some((col) => col.name === c)
  const uniques = [
    ...(raw.unique1 && has('c1') ? [{ name: `uq_${name}_1`, columns: ['c1'] }] : []),
    ...(raw.unique2 && has('c4') && has('c5')
      ? [{ name: `uq_${name}_2`, columns: ['c4', 'c5'] }]
      : []),
  ]
  const checks = raw.check && has('c1') ? [{ name: `ck_${name}_1`, expression: 'c1 > 0' }] : []
  const col = (column: string, descending = false) => ({ column, descending })
  const index = ((): IndexModel | undefined => {
    const base = { name: `ix_${name}_1`, unique: false, where: null }
    if (!has('c5')) return undefined
    switch (raw.index) {
      case 'c5':
        return { ...base, columns: [col('c5')] }
      case 'c1c5':
        return has('c1') ? { ...base, columns: [col('c1'), col('c5')] } : undefined
      case 'unique c5':
        return { ...base, unique: true, columns: [col('c5')] }
      case 'c5 desc':
        return { ...base, columns: [col('c5', true)] }
      case 'abs c1':
        return features.indexExpressions && has('c1')
          ? { ...base, columns: [{ expression: 'abs(c1)' }] }
          : undefined
      case 'c5 where c1':
        return features.indexExpressions && has('c1')
          ? { ...base, columns: [col('c5')], where: 'c1 IS NOT NULL' }
          : undefined
      default:
        return undefined
    }
  })()
  const foreignKeys: ForeignKeyModel[] =
    raw.fk && has('c0') && referenceable.has(raw.fk.target)
      ? [
          {
            name: `fk_${name}_c0`,
            columns: ['c0'],
            referencedTable: raw.fk.target,
            referencedColumns: ['id'],
            onDelete: raw.fk.onDelete,
            onUpdate: 'no action',
          },
        ]
      : []
  return {
    name,
    comment: comments ? raw.comment : null,
    columns,
    primaryKey:
      raw.pk === 'none' ? null : { name: null, columns: raw.pk === 'id' ? ['id'] : ['id', 'c0'] },
    uniques,
    foreignKeys,
    checks,
    indexes: index ? [index] : [],
  }
}

/** A random schema of what a database with `features` holds. */
export function schemaArbitrary(features: SchemaFeatures): fc.Arbitrary<SchemaModel> {
  return fc.array(rawTable, { minLength: TABLES.length, maxLength: TABLES.length }).map((raws) => {
    const present = new Set(TABLES.filter((_t, k) => raws[k]!.present))
    // A foreign key references id: only tables whose primary key is id alone.
    const referenceable = new Set(TABLES.filter((t, k) => present.has(t) && raws[k]!.pk === 'id'))
    return {
      tables: TABLES.flatMap((name, k) =>
        present.has(name) ? [buildTable(name, raws[k]!, referenceable, features)] : [],
      ),
    }
  })
}

/** `count` (before, after) pairs, the same for a given seed. */
export function schemaPairs(
  count: number,
  features: SchemaFeatures,
  seed: number,
): [SchemaModel, SchemaModel][] {
  return fc.sample(fc.tuple(schemaArbitrary(features), schemaArbitrary(features)), {
    numRuns: count,
    seed,
  })
}
