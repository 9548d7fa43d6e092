import { CompiledQuery } from 'kysely'
import type { Kysely } from 'kysely'
import { DatabaseError } from '../errors.js'
import type { RowChange } from '../graph/step.js'
import type { ConnectionHooks } from '../dialects/connection.js'

/** Name and optional schema of the version table. */
export interface VersionTableRef {
  readonly table: string
  readonly schema: string | undefined
}

/** The table name as SQL, schema-qualified when a schema is configured. */
export function qualifiedName(driver: ConnectionHooks, ref: VersionTableRef): string {
  const table = driver.quoteIdentifier(ref.table)
  return ref.schema === undefined ? table : `${driver.quoteIdentifier(ref.schema)}.${table}`
}

/** The table as messages name it. */
export function displayName(ref: VersionTableRef): string {
  return ref.schema === undefined ? ref.table : `${ref.schema}.${ref.table}`
}

/**
 * CREATE TABLE for the version table, in Alembic's shape and layout (the
 * space after the first comma included, so scripts compare equal).
 */
export function createVersionTableSql(driver: ConnectionHooks, ref: VersionTableRef): string {
  const pk = driver.quoteIdentifier(`${ref.table}_pkc`)
  return (
    `CREATE TABLE ${qualifiedName(driver, ref)} (\n` +
    `    version_num VARCHAR(32) NOT NULL, \n` +
    `    CONSTRAINT ${pk} PRIMARY KEY (version_num)\n` +
    `)`
  )
}

/**
 * The statement for one row change; `value` turns a revision id into a
 * literal (offline) or a placeholder that records the parameter (online).
 */
export function rowChangeSql(
  driver: ConnectionHooks,
  ref: VersionTableRef,
  change: RowChange,
  value: (revision: string) => string,
): string {
  const name = qualifiedName(driver, ref)
  switch (change.kind) {
    case 'insert':
      return `INSERT INTO ${name} (version_num) VALUES (${value(change.revision)})`
    case 'update': {
      const to = value(change.to)
      return `UPDATE ${name} SET version_num=${to} WHERE ${name}.version_num = ${value(change.from)}`
    }
    case 'delete':
      return `DELETE FROM ${name} WHERE ${name}.version_num = ${value(change.revision)}`
  }
}

function describeChange(change: RowChange): string {
  switch (change.kind) {
    case 'insert':
      return `inserting '${change.revision}'`
    case 'update':
      return `updating '${change.from}' to '${change.to}'`
    case 'delete':
      return `deleting '${change.revision}'`
  }
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/** Whether the version table exists (creating nothing). */
export async function versionTableExists(
  db: Kysely<any>,
  driver: ConnectionHooks,
  ref: VersionTableRef,
): Promise<boolean> {
  const { sql, parameters } = driver.tableExists(ref)
  try {
    const result = await db.executeQuery<{ present: unknown }>(
      CompiledQuery.raw(sql, [...parameters]),
    )
    const present = result.rows[0]?.present
    return present === true || Number(present) > 0
  } catch (error) {
    throw new DatabaseError(
      `could not look up the version table '${displayName(ref)}': ${messageOf(error)}`,
      {
        cause: error,
      },
    )
  }
}

/**
 * The rows of the version table in the order the database returns them (no
 * ORDER BY: behavior.md b.4 speaks of "the first row the table returns"), or
 * none when the table does not exist.
 */
export async function readVersionRows(
  db: Kysely<any>,
  driver: ConnectionHooks,
  ref: VersionTableRef,
): Promise<string[]> {
  if (!(await versionTableExists(db, driver, ref))) return []
  try {
    const result = await db.executeQuery<{ version_num: string }>(
      CompiledQuery.raw(`SELECT version_num FROM ${qualifiedName(driver, ref)}`),
    )
    return result.rows.map((row) => row.version_num)
  } catch (error) {
    throw new DatabaseError(
      `could not read the version table '${displayName(ref)}': ${messageOf(error)}`,
      { cause: error },
    )
  }
}

/** Create the version table unless it exists. */
export async function ensureVersionTable(
  db: Kysely<any>,
  driver: ConnectionHooks,
  ref: VersionTableRef,
): Promise<void> {
  if (await versionTableExists(db, driver, ref)) return
  try {
    await db.executeQuery(CompiledQuery.raw(createVersionTableSql(driver, ref)))
  } catch (error) {
    throw new DatabaseError(
      `could not create the version table '${displayName(ref)}': ${messageOf(error)}`,
      {
        cause: error,
      },
    )
  }
}

/** Delete every row of the version table (which must exist). */
export async function deleteAllRows(
  db: Kysely<any>,
  driver: ConnectionHooks,
  ref: VersionTableRef,
): Promise<void> {
  try {
    await db.executeQuery(CompiledQuery.raw(`DELETE FROM ${qualifiedName(driver, ref)}`))
  } catch (error) {
    throw new DatabaseError(
      `could not empty the version table '${displayName(ref)}': ${messageOf(error)}`,
      {
        cause: error,
      },
    )
  }
}

/**
 * Apply one row change. An UPDATE or DELETE must match exactly one row
 * (behavior.md c.4): anything else means the table is not what the plan was
 * computed from, and the run fails.
 */
export async function applyRowChange(
  db: Kysely<any>,
  driver: ConnectionHooks,
  ref: VersionTableRef,
  change: RowChange,
): Promise<void> {
  const parameters: string[] = []
  const sql = rowChangeSql(driver, ref, change, (revision) => {
    parameters.push(revision)
    return driver.placeholder(parameters.length)
  })
  let affected: bigint | undefined
  try {
    affected = (await db.executeQuery(CompiledQuery.raw(sql, parameters))).numAffectedRows
  } catch (error) {
    throw new DatabaseError(
      `${describeChange(change)} in '${displayName(ref)}' failed: ${messageOf(error)}\n  while running: ${sql}`,
      { cause: error },
    )
  }
  if (change.kind !== 'insert' && affected !== 1n) {
    throw new DatabaseError(
      `expected to match one row when ${describeChange(change)} in '${displayName(ref)}'; ${affected ?? 0} found`,
    )
  }
}
