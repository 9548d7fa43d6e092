import { it } from 'node:test'
import type { Kysely } from 'kysely'
import { testDatabases, type TestDialect } from '../../helpers/databases.js'
import { createOperations, type Operations } from '../../../src/ops/operations.js'
import { dialectOf } from '../../helpers/dialects.js'
import { readCatalog, type Catalog, type CatalogTable } from './catalog.js'
import { openFresh, type OpenDatabase } from './connect.js'

/** What a database test gets: a fresh schema, its connection, `op` on it, and catalog readers. */
export interface OpsTest extends OpenDatabase {
  readonly op: Operations
  catalog(): Promise<Catalog>
  /** One table of the catalog; fails when it is missing. */
  table(name: string): Promise<CatalogTable>
  /** All rows of a table, ordered by the given columns. */
  rows(table: string, orderBy: string): Promise<Record<string, unknown>[]>
}

/** Operations on `db` for `dialect`, online. */
export function onlineOps(dialect: TestDialect, db: Kysely<any>): Operations {
  return createOperations({ db, dialect: dialectOf(dialect), offline: false })
}

/** Wrap an open database as an OpsTest. */
export function opsTest(open: OpenDatabase): OpsTest {
  const catalog = () => readCatalog(open.dialect, open.db, open.namespace)
  return {
    ...open,
    op: onlineOps(open.dialect, open.db),
    catalog,
    async table(name) {
      const t = (await catalog())[name]
      if (!t) throw new Error(`no table '${name}' in the catalog`)
      return t
    },
    async rows(table, orderBy) {
      return open.db.selectFrom(table).selectAll().orderBy(orderBy).execute()
    },
  }
}

/**
 * One test per database of the matrix, each on a fresh schema; absent
 * servers are skipped (a failure under RETORT_TEST_ALL_DBS=1).
 */
export function eachDatabase(
  title: string,
  body: (t: OpsTest) => Promise<void>,
  options: { readonly only?: readonly TestDialect[] } = {},
): void {
  for (const database of testDatabases()) {
    if (options.only && !options.only.includes(database.dialect)) continue
    it(`${title} [${database.dialect}]`, { skip: database.skip }, async () => {
      const open = await openFresh(database)
      try {
        await body(opsTest(open))
      } finally {
        await open.close()
      }
    })
  }
}

/** The value for this test's database. */
export function per<T>(
  t: { readonly dialect: TestDialect },
  values: Readonly<Record<TestDialect, T>>,
): T {
  return values[t.dialect]
}
