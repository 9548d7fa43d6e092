/**
 * The work behind `revision --autogenerate` and `check` (shared/spec/schema.md):
 * read the database, compare with the wanted schema, render or list the
 * changes. The API calls these; they know nothing of the CLI.
 */
import type { Kysely } from 'kysely'
import type { DatabaseUrl } from '../config/database-url.js'
import { DatabaseError } from '../errors.js'
import { loadDialect } from '../dialects/registry.js'
import { changeTable, diffSchemas, type SchemaChange } from './diff.js'
import { matchesFilter } from './filter.js'
import { introspect } from './introspect.js'
import type { SchemaModel, TableFilter } from './model.js'
import {
  describeChange,
  renderChanges,
  type RenderDialect,
  type RenderedChanges,
} from './render.js'

/** Where the database's schema is read. */
export interface SchemaSource {
  readonly url: DatabaseUrl
  readonly versionTable: string
  /** `versionTableSchema`: the schema (PostgreSQL) or database (MariaDB) read. */
  readonly schema?: string | undefined
  readonly filter?: TableFilter | undefined
}

/** Open a Kysely on a URL for `fn`, and close it. */
export async function withConnection<T>(
  url: DatabaseUrl,
  fn: (db: Kysely<any>) => Promise<T>,
): Promise<T> {
  const driver = await loadDialect(url.dialect)
  let db: Kysely<any>
  try {
    db = await driver.connect(url, () => {})
  } catch (error) {
    throw new DatabaseError(`could not connect to ${url.masked}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  try {
    return await fn(db)
  } finally {
    await db.destroy().catch(() => {})
  }
}

/** The schema model of the database behind `source`. */
export async function readDatabaseSchema(source: SchemaSource): Promise<SchemaModel> {
  return withConnection(source.url, (db) =>
    introspect(db, source.url.dialect, {
      versionTable: source.versionTable,
      ...(source.schema ? { schema: source.schema } : {}),
      ...(source.filter ? { filter: source.filter } : {}),
    }),
  )
}

/**
 * The changes from `current` to `wanted`, limited to the tables the filter
 * keeps; with `dialect`, ordered as that database runs them (autogenerate).
 */
export function compareSchemas(
  current: SchemaModel,
  wanted: SchemaModel,
  filter?: TableFilter,
  dialect?: Pick<RenderDialect, 'autoIncrementNeedsKey'>,
): SchemaChange[] {
  return diffSchemas(current, wanted, {
    include: (table) => matchesFilter(table, filter),
    autoIncrementNeedsKey: dialect?.autoIncrementNeedsKey ?? false,
  })
}

/** A changes' rendering plus the log lines `revision --autogenerate` prints. */
export interface AutogenerateResult {
  readonly changes: readonly SchemaChange[]
  readonly rendered: RenderedChanges
  /** `INFO  [retort.autogenerate] Detected ...` lines, or `No changes detected`. */
  readonly log: readonly string[]
}

/** Render the difference between the database and the wanted schema as revision bodies. */
export function autogenerate(
  dialect: RenderDialect,
  current: SchemaModel,
  wanted: SchemaModel,
  filter?: TableFilter,
): AutogenerateResult {
  const changes = compareSchemas(current, wanted, filter, dialect)
  const rendered = renderChanges(changes, dialect)
  const log =
    changes.length === 0
      ? ['INFO  [retort.autogenerate] No changes detected']
      : rendered.detected.map((d) => `INFO  [retort.autogenerate] Detected ${d}`)
  return { changes, rendered, log }
}

/** One difference as `check --json` prints it. */
export interface SchemaDifference {
  readonly kind: SchemaChange['kind']
  readonly table: string
  readonly description: string
  readonly change: SchemaChange
}

/** The differences as `check` lists them, in upgrade order. */
export function listDifferences(changes: readonly SchemaChange[]): SchemaDifference[] {
  return changes.map((change) => ({
    kind: change.kind,
    table: changeTable(change),
    description: describeChange(change),
    change,
  }))
}
