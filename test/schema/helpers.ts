import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Retort } from '../../src/api/retort.js'
import { parseDatabaseUrl } from '../../src/config/database-url.js'
import { autogenerate, readDatabaseSchema } from '../../src/schema/commands.js'
import { defaultMeaning } from '../../src/schema/diff.js'
import type { SchemaModel } from '../../src/schema/model.js'
import { fillRevisionBodies } from '../../src/schema/render.js'
import type { RenderDialect } from '../../src/dialects/catalog.js'
import { render as mysqlRender } from '../../src/dialects/mysql/catalog.js'
import { render as postgresRender } from '../../src/dialects/postgres/catalog.js'
import { render as sqliteRender } from '../../src/dialects/sqlite/catalog.js'
import { makeProject, type Project } from '../helpers/project.js'
import type { TestDialect } from '../helpers/databases.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const TEMPLATE = readFileSync(join(ROOT, 'templates/generic/script.ts.tmpl'), 'utf8')

export const EMPTY: SchemaModel = { tables: [] }

/** How autogenerate writes for a database (each dialect's `Dialect.render`), without loading a client. */
export function renderDialect(dialect: TestDialect): RenderDialect {
  return { sqlite: sqliteRender, postgres: postgresRender, mysql: mysqlRender }[dialect]
}

/** A project on `url` whose revision files can import kysely (as a user's project can). */
export function schemaProject(url: string, extra: Record<string, unknown> = {}): Project {
  const project = makeProject({ url, scriptLocation: 'migrations', ...extra })
  mkdirSync(join(project.root, 'node_modules'), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules/kysely'), join(project.root, 'node_modules/kysely'))
  mkdirSync(join(project.root, 'migrations/versions'), { recursive: true })
  return project
}

/** Write a revision going from `from` to `to` as autogenerate renders it. */
export function writeModelRevision(
  project: Project,
  dialect: TestDialect,
  rev: string,
  down: string | null,
  from: SchemaModel,
  to: SchemaModel,
): string {
  const { rendered } = autogenerate(renderDialect(dialect), from, to)
  const text = fillRevisionBodies(
    TEMPLATE.replace('{{ message }}', `to model ${rev}`)
      .replace('{{ revision }}', rev)
      .replace('{{ revises }}', down ?? '')
      .replace('{{ createDate }}', '2026-01-01 00:00:00.000000')
      .replace('{{ revisionLiteral }}', `'${rev}'`)
      .replace('{{ downRevision }}', down === null ? 'null' : `'${down}'`)
      .replace('{{ branchLabels }}', 'null')
      .replace('{{ dependsOn }}', 'null'),
    rendered,
  )
  const path = join(project.root, 'migrations/versions', `${rev}_model.ts`)
  writeFileSync(path, text)
  return path
}

/** The model of the database at `url` (the version table left out). */
export function readModel(url: string): Promise<SchemaModel> {
  return readDatabaseSchema({
    url: parseDatabaseUrl(url, process.cwd()),
    versionTable: 'retort_version',
  })
}

/** Open the project's API, logging into `lines`. */
export function openApi(project: Project, lines: string[] = []): Promise<Retort> {
  return Retort.open({ cwd: project.root, env: {}, log: (l) => lines.push(l) })
}

/**
 * The model without the names the database gave unnamed constraints
 * (`generatedName`, not compared): two databases may number them differently.
 */
export function withoutGeneratedNames(model: SchemaModel): SchemaModel {
  const strip = <T extends { generatedName?: string }>({ generatedName: _g, ...rest }: T) => rest
  return {
    tables: model.tables.map((t) => ({
      ...t,
      primaryKey: t.primaryKey && strip(t.primaryKey),
      uniques: t.uniques.map(strip),
      foreignKeys: t.foreignKeys.map(strip),
      checks: t.checks.map(strip),
    })),
  }
}

/**
 * The model as schema.md compares it: columns in name order (column order is
 * not compared), defaults by meaning (no cast on a literal).
 */
export function canonical(model: SchemaModel): unknown {
  return {
    tables: model.tables.map((t) => ({
      ...t,
      columns: [...t.columns]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((c) => ({ ...c, default: defaultMeaning(c.default) })),
    })),
  }
}
