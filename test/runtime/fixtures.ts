// Shared pieces of the runtime suites: revision files in a temp folder,
// hand-built plans, and a look at the database through its own client.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import mysql from 'mysql2/promise'
import { parseDatabaseUrl } from '../../src/config/database-url.js'
import type { PlanStep, RowChange } from '../../src/graph/step.js'
import type { SessionOptions } from '../../src/runtime/session.js'
import type { FreshDatabase, TestDialect } from '../helpers/databases.js'

/** A temp folder for revision files, removed by `cleanup`. */
export function revisionFolder(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'retort-revs-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Write a revision module whose functions have the given bodies (`op`, `db` in scope); returns its path. */
export function writeRevision(
  dir: string,
  id: string,
  bodies: { upgrade?: string; downgrade?: string },
  ext = 'ts',
): string {
  const path = join(dir, `${id}_rev.${ext}`)
  const typed = ext.endsWith('ts')
  const param = typed ? '{ op, db }: MigrationContext' : '{ op, db }'
  const lines = [
    `/**\n * rev ${id}\n */`,
    typed ? `import type { MigrationContext } from '../../src/ops/context.js'` : '',
    `export const revision = '${id}'`,
    `export const downRevision = null`,
    `export const branchLabels = null`,
    `export const dependsOn = null`,
  ]
  if (bodies.upgrade !== undefined)
    lines.push(
      `export async function upgrade(${param}) {\n  void op; void db\n${bodies.upgrade}\n}`,
    )
  if (bodies.downgrade !== undefined)
    lines.push(
      `export async function downgrade(${param}) {\n  void op; void db\n${bodies.downgrade}\n}`,
    )
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

/** An upgrade step of a linear chain: `prev -> id`, INSERT for a base, else UPDATE. */
export function upgradeStep(
  id: string,
  path: string,
  prev: string | undefined,
  message = `rev ${id}`,
): PlanStep {
  const rowChanges: RowChange[] =
    prev === undefined
      ? [{ kind: 'insert', revision: id }]
      : [{ kind: 'update', from: prev, to: id }]
  return {
    verb: 'upgrade',
    revision: id,
    path,
    from: prev === undefined ? [] : [prev],
    to: [id],
    message,
    rowChanges,
  }
}

/** Upgrade steps for a linear chain of revisions (ids in order), starting after `after`. */
export function linearPlan(
  revisions: readonly { id: string; path: string }[],
  after?: string,
): PlanStep[] {
  const start = after === undefined ? 0 : revisions.findIndex((r) => r.id === after) + 1
  return revisions
    .slice(start)
    .map((r, i) =>
      upgradeStep(r.id, r.path, i + start === 0 ? undefined : revisions[i + start - 1]!.id),
    )
}

export function stampStep(
  from: readonly string[],
  to: readonly string[],
  rowChanges: readonly RowChange[],
): PlanStep {
  return { verb: 'stamp_revision', from, to, message: '', rowChanges }
}

/** Session options for a fresh test database. */
export function sessionOptions(
  url: string,
  extra: Partial<SessionOptions> = {},
): SessionOptions & { logs: string[] } {
  const logs: string[] = []
  return {
    url: parseDatabaseUrl(url, tmpdir()),
    versionTable: 'alembic_version',
    transactionPerMigration: false,
    args: {},
    log: (line) => logs.push(line),
    lock: false,
    logs,
    ...extra,
  }
}

/** What is in a test database, read with the database's own client. */
export interface Inspection {
  tables: string[]
  rows(table: string, column: string): Promise<string[]>
  /** Columns of a table as `name type nullable` strings, in position order. */
  columns(table: string): Promise<string[]>
  /** Name of the primary key constraint (not SQLite, which does not keep it). */
  primaryKey(table: string): Promise<{ name: string | undefined; columns: string[] }>
  close(): Promise<void>
}

export async function inspect(dialect: TestDialect, fresh: FreshDatabase): Promise<Inspection> {
  if (dialect === 'sqlite') {
    const db = new Database(fresh.namespace)
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
        name: string
      }[]
    ).map((r) => r.name)
    return {
      tables,
      rows: async (table, column) =>
        (
          db.prepare(`SELECT ${column} AS v FROM ${table} ORDER BY 1`).all() as { v: unknown }[]
        ).map((r) => String(r.v)),
      columns: async (table) =>
        (
          db.prepare(`PRAGMA table_info(${table})`).all() as {
            name: string
            type: string
            notnull: number
          }[]
        ).map((c) => `${c.name} ${c.type.toLowerCase()} ${c.notnull ? 'not null' : 'null'}`),
      primaryKey: async (table) => {
        const sql = (
          db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(table) as { sql: string }
        ).sql
        const match = /CONSTRAINT (\w+) PRIMARY KEY \((\w+)\)/.exec(sql)
        return { name: match?.[1], columns: match ? [match[2]!] : [] }
      },
      close: async () => void db.close(),
    }
  }
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: fresh.url })
    await client.connect()
    const schema = fresh.namespace
    const tables = (
      await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
        [schema],
      )
    ).rows.map((r) => r.table_name as string)
    return {
      tables,
      rows: async (table, column) =>
        (
          await client.query(`SELECT ${column}::text AS v FROM ${schema}.${table} ORDER BY 1`)
        ).rows.map((r) => r.v as string),
      columns: async (table) =>
        (
          await client.query(
            `SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
            [schema, table],
          )
        ).rows.map(
          (c) =>
            `${c.column_name} ${c.data_type}${c.character_maximum_length ? `(${c.character_maximum_length})` : ''} ${c.is_nullable === 'NO' ? 'not null' : 'null'}`,
        ),
      primaryKey: async (table) => {
        const r = await client.query(
          `SELECT tc.constraint_name, kcu.column_name FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema WHERE tc.table_schema = $1 AND tc.table_name = $2 AND tc.constraint_type = 'PRIMARY KEY'`,
          [schema, table],
        )
        return { name: r.rows[0]?.constraint_name, columns: r.rows.map((x) => x.column_name) }
      },
      close: () => client.end(),
    }
  }
  const conn = await mysql.createConnection(fresh.url)
  const [tableRows] = await conn.query(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1`,
    [fresh.namespace],
  )
  return {
    tables: (tableRows as { t: string }[]).map((r) => r.t),
    rows: async (table, column) =>
      (
        (await conn.query(`SELECT ${column} AS v FROM ${table} ORDER BY 1`))[0] as { v: unknown }[]
      ).map((r) => String(r.v)),
    columns: async (table) =>
      (
        (
          await conn.query(
            `SELECT column_name AS n, column_type AS t, is_nullable AS nl FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`,
            [fresh.namespace, table],
          )
        )[0] as { n: string; t: string; nl: string }[]
      ).map((c) => `${c.n} ${c.t.toLowerCase()} ${c.nl === 'NO' ? 'not null' : 'null'}`),
    primaryKey: async (table) => {
      const [rows] = await conn.query(
        `SELECT constraint_name AS c, column_name AS n FROM information_schema.key_column_usage WHERE table_schema = ? AND table_name = ? AND constraint_name = 'PRIMARY'`,
        [fresh.namespace, table],
      )
      return { name: undefined, columns: (rows as { n: string }[]).map((r) => r.n) }
    },
    close: () => conn.end(),
  }
}

/**
 * The lock worker (lock-worker.ts) bundled once for a test file, removed
 * after it: a child started with tsx spends seconds compiling before it runs.
 * Bundled inside the repository, so it finds the database clients in node_modules.
 */
export function bundledLockWorker(name: string): string {
  const worker = fileURLToPath(
    new URL(`../../node_modules/.cache/retort-test/${name}-${process.pid}.mjs`, import.meta.url),
  )
  before(async () => {
    await build({
      entryPoints: [fileURLToPath(new URL('./lock-worker.ts', import.meta.url))],
      outfile: worker,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3', 'pg', 'mysql2', 'mysql2/*', 'esbuild', 'tsx', 'tsx/*'],
      logLevel: 'warning',
    })
  })
  after(() => rmSync(worker, { force: true }))
  return worker
}
