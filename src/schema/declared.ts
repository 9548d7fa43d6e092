import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { DEFAULT_VERSION_TABLE, showPath } from '../config/config.js'
import { parseDatabaseUrl } from '../config/database-url.js'
import { ScriptError } from '../errors.js'
import { parseColumnType } from '../ops/column-type.js'
import type { Dialect } from '../dialects/dialect.js'
import type { DialectName } from '../dialects/names.js'
import { loadDialect } from '../dialects/registry.js'
import type { ForeignKeyDefinition } from '../ops/definitions.js'
import { createOperations } from '../ops/operations.js'
import { catalogConventions, introspect, type CatalogConventions } from './introspect.js'
import type { SchemaDeclaration } from './define.js'
import type { SchemaModel, TableFilter } from './model.js'
import { withScratchDatabase } from './scratch.js'
import { splitStatements } from './sql-script.js'

export { defineSchema } from './define.js'
export type { SchemaDeclaration, TableDeclaration } from './define.js'

/** Where the declared schema is and what to compare. */
export interface LoadDeclaredSchemaOptions {
  /** A `.ts .mts .js .mjs` module, a `.sql` file, or a folder of `.sql` files (absolute, or relative to the working folder). */
  readonly path: string
  /** The project's database URL: the scratch database is made next to it, of its dialect. */
  readonly url: string
  readonly filter?: TableFilter
  /** Left out of the model like on the live side. Default `retort_version`. */
  readonly versionTable?: string
}

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs'])

/**
 * The model of the declared schema: the declaration applied to a scratch
 * database of the URL's dialect (with the real `op` for a module, as
 * written for `.sql`), then read back, so that types, defaults and checks
 * are spelled as the database itself spells them. The scratch database is
 * removed afterwards, also on error.
 *
 * @throws ScriptError naming the file (and line, for `.sql`) at fault
 */
export async function loadDeclaredSchema(options: LoadDeclaredSchemaOptions): Promise<SchemaModel> {
  const path = resolve(options.path)
  const shown = showPath(path, process.cwd())
  let isFolder: boolean
  try {
    isFolder = statSync(path).isDirectory()
  } catch (error) {
    throw new ScriptError(
      `declared schema '${shown}' cannot be read: ${messageOf(error)}; ` +
        `set 'schema' in the config to a .ts/.js module, a .sql file or a folder of .sql files`,
      shown,
      { cause: error },
    )
  }
  const ext = extname(path).toLowerCase()
  const dialect = parseDatabaseUrl(options.url, process.cwd()).dialect
  const conventions = await catalogConventions(dialect)
  const read = (db: Kysely<any>) =>
    introspect(db, dialect, {
      versionTable: options.versionTable ?? DEFAULT_VERSION_TABLE,
      ...(options.filter ? { filter: options.filter } : {}),
    })

  if (isFolder || ext === '.sql') {
    const files = isFolder ? sqlFilesIn(path, shown) : [path]
    const scripts = files.map((file) => ({
      file,
      shown: showPath(file, process.cwd()),
      text: readText(file),
    }))
    return withScratchDatabase(options.url, async ({ db }) => {
      for (const script of scripts) await applySqlFile(db, script, conventions)
      return read(db)
    })
  }
  if (!MODULE_EXTENSIONS.has(ext)) {
    throw new ScriptError(
      `declared schema '${shown}': unsupported file type '${ext}'; ` +
        `use a .ts, .mts, .js or .mjs module, a .sql file or a folder of .sql files`,
      shown,
    )
  }
  const declaration = checkDeclaration(
    await importDeclaration(path, shown),
    shown,
    dialect,
    conventions,
  )
  return withScratchDatabase(options.url, async ({ db }) => {
    await applyDeclaration(db, dialect, declaration, shown, conventions)
    return read(db)
  })
}

function sqlFilesIn(folder: string, shown: string): string[] {
  const files = readdirSync(folder)
    .filter((f) => f.toLowerCase().endsWith('.sql'))
    .sort()
  if (files.length === 0) {
    throw new ScriptError(
      `declared schema folder '${shown}' holds no .sql files; add the DDL of the wanted schema there`,
      shown,
    )
  }
  return files.map((f) => join(folder, f))
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const shown = showPath(file, process.cwd())
    throw new ScriptError(`cannot read '${shown}': ${messageOf(error)}`, shown, { cause: error })
  }
}

/** Run a `.sql` file statement by statement; a failure names the file and line. */
async function applySqlFile(
  db: Kysely<any>,
  script: { shown: string; text: string },
  conventions: CatalogConventions,
): Promise<void> {
  for (const statement of splitStatements(script.text, conventions.script)) {
    try {
      await sql.raw(statement.sql).execute(db)
    } catch (error) {
      const line = statement.line + linesIntoStatement(statement.sql, error)
      throw new ScriptError(
        `${script.shown}:${line}: the declared schema's DDL failed: ${messageOf(error)}`,
        script.shown,
        { cause: error },
      )
    }
  }
}

/**
 * How many lines into the statement the database says the error is:
 * PostgreSQL gives a character position; MariaDB quotes the text "near" the
 * error and a line that may be past it (so the quoted text is looked up).
 */
function linesIntoStatement(statement: string, error: unknown): number {
  const linesBefore = (offset: number) => statement.slice(0, offset).split('\n').length - 1
  const position = Number((error as { position?: unknown }).position)
  if (Number.isInteger(position) && position > 0) return linesBefore(position - 1)
  const near = /near '([\s\S]*)' at line (\d+)\s*$/.exec(messageOf(error))
  if (!near) return 0
  const reported = Number(near[2]) - 1
  let best = -1
  for (let at = statement.indexOf(near[1]!); at >= 0; at = statement.indexOf(near[1]!, at + 1)) {
    if (linesBefore(at) <= reported) best = at
  }
  return best >= 0 ? linesBefore(best) : reported
}

async function importDeclaration(path: string, shown: string): Promise<unknown> {
  let module: Record<string, unknown>
  try {
    const ext = extname(path).toLowerCase()
    if (ext === '.ts' || ext === '.mts') {
      const { tsImport } = await import('tsx/esm/api')
      module = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<
        string,
        unknown
      >
    } else {
      module = (await import(pathToFileURL(path).href)) as Record<string, unknown>
    }
  } catch (error) {
    throw new ScriptError(`declared schema '${shown}' failed to load: ${messageOf(error)}`, shown, {
      cause: error,
    })
  }
  let value = module.default
  // A module compiled as CommonJS arrives as { default: <declaration> }.
  if (isObject(value) && !('tables' in value) && 'default' in value) value = value.default
  return value
}

const TABLE_KEYS = new Set([
  'columns',
  'primaryKey',
  'unique',
  'foreignKeys',
  'checks',
  'indexes',
  'comment',
])
const COLUMN_KEYS = new Set([
  'name',
  'type',
  'nullable',
  'default',
  'primaryKey',
  'autoIncrement',
  'unique',
  'references',
  'check',
  'comment',
])

/** Check the shape of a declaration (the module is JavaScript: types are not enough). */
function checkDeclaration(
  value: unknown,
  shown: string,
  dialect: DialectName,
  conventions: CatalogConventions,
): SchemaDeclaration {
  const fail = (what: string): never => {
    throw new ScriptError(`declared schema '${shown}': ${what}`, shown)
  }
  if (!isObject(value) || !isObject(value.tables)) {
    fail(
      `the default export must be defineSchema({ tables: { ... } }) (found ${describe(value)}); ` +
        `write export default defineSchema({ tables: { <name>: { columns: [...] } } })`,
    )
  }
  const tables = (value as { tables: Record<string, unknown> }).tables
  for (const [name, table] of Object.entries(tables)) {
    if (!isObject(table) || !Array.isArray(table.columns) || table.columns.length === 0) {
      fail(`table '${name}' needs 'columns', a non-empty array of column definitions`)
    }
    const t = table as Record<string, unknown>
    for (const key of Object.keys(t)) {
      if (!TABLE_KEYS.has(key)) {
        fail(
          `table '${name}' has an unknown key '${key}'; known keys: ${[...TABLE_KEYS].join(', ')}`,
        )
      }
    }
    for (const [k, column] of (t.columns as unknown[]).entries()) {
      if (!isObject(column) || typeof column.name !== 'string' || column.type === undefined) {
        fail(`table '${name}': column ${k + 1} needs a 'name' and a 'type'`)
      }
      const c = column as Record<string, unknown>
      for (const key of Object.keys(c)) {
        if (!COLUMN_KEYS.has(key)) {
          fail(
            `column '${name}.${String(c.name)}' has an unknown key '${key}'; known keys: ${[...COLUMN_KEYS].join(', ')}`,
          )
        }
      }
      if (typeof c.type === 'string') {
        let problem: string | undefined
        try {
          const parsed = parseColumnType(c.type)
          if (parsed.kind === 'raw' && !conventions.isKnownType(parsed.sql)) {
            problem = `'${c.type}' is not a portable type (docs/operations.md) nor a ${dialect} type Retort knows`
          }
        } catch (error) {
          problem = messageOf(error)
        }
        if (problem !== undefined)
          fail(`column '${name}.${String(c.name)}': unknown type: ${problem}`)
      }
    }
  }
  return value as unknown as SchemaDeclaration
}

/**
 * Tables created per transaction where DDL is transactional: one commit per
 * batch instead of one per statement, and few enough locks held at once for
 * PostgreSQL's `max_locks_per_transaction`.
 */
const TABLES_PER_TRANSACTION = 50

/**
 * Create the declared tables with the real `op` (indexes with their table):
 * referenced tables first; where tables reference each other, the key that
 * closes the circle is added once both exist.
 */
async function applyDeclaration(
  scratch: Kysely<any>,
  dialectName: DialectName,
  declaration: SchemaDeclaration,
  shown: string,
  conventions: CatalogConventions,
): Promise<void> {
  const dialect = await loadDialect(dialectName)
  // One connection, so that BEGIN and COMMIT enclose the statements between them.
  await scratch.connection().execute(async (db) => {
    const batches = dialect.capabilities.transactionalDdl ? TABLES_PER_TRANSACTION : 0
    let open = false
    let count = 0
    const beforeTable = async () => {
      if (batches === 0) return
      if (open && count % batches === 0) {
        await sql`commit`.execute(db)
        open = false
      }
      if (!open) await sql`begin`.execute(db)
      open = true
      count++
    }
    try {
      await createDeclared(db, dialect, declaration, shown, conventions, beforeTable)
      if (open) await sql`commit`.execute(db)
    } catch (error) {
      if (open) await sql`rollback`.execute(db).catch(() => {})
      throw error
    }
  })
}

async function createDeclared(
  db: Kysely<any>,
  dialect: Dialect,
  declaration: SchemaDeclaration,
  shown: string,
  conventions: CatalogConventions,
  beforeTable: () => Promise<void>,
): Promise<void> {
  const op = createOperations({ db, dialect, offline: false })
  const names = Object.keys(declaration.tables).sort()
  const { order, deferred } = creationOrder(
    declaration,
    names,
    conventions.foreignKeyName !== undefined,
  )
  const wrap = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn()
    } catch (error) {
      throw new ScriptError(`declared schema '${shown}': ${what}: ${messageOf(error)}`, shown, {
        cause: error,
      })
    }
  }
  const later: { table: string; fk: ForeignKeyDefinition }[] = []
  for (const name of order) {
    const table = declaration.tables[name]!
    const isDeferred = (target: string) => deferred.has(`${name}\u0000${target}`)
    const columns = table.columns.map((c) => {
      if (!c.references || !isDeferred(c.references.table)) return c
      const { references, ...rest } = c
      later.push({
        table: name,
        fk: {
          columns: [c.name],
          references: { table: references.table, columns: [references.column] },
          ...(references.onDelete ? { onDelete: references.onDelete } : {}),
          ...(references.onUpdate ? { onUpdate: references.onUpdate } : {}),
        },
      })
      return rest
    })
    const foreignKeys = (table.foreignKeys ?? []).filter((fk) => {
      if (!isDeferred(fk.references.table)) return true
      later.push({ table: name, fk })
      return false
    })
    await beforeTable()
    await wrap(`table '${name}' could not be created`, () =>
      op.createTable(name, columns, {
        ...(table.primaryKey ? { primaryKey: table.primaryKey } : {}),
        ...(table.unique ? { unique: table.unique } : {}),
        foreignKeys,
        ...(table.checks ? { checks: table.checks } : {}),
        ...(table.comment !== undefined ? { comment: table.comment } : {}),
        ...(table.indexes ? { indexes: table.indexes } : {}),
      }),
    )
  }
  for (const [n, { table, fk }] of later.entries()) {
    await beforeTable()
    const name = fk.name ?? conventions.foreignKeyName!(table, fk.columns, n)
    await wrap(`foreign key of '${table}' (${fk.columns.join(', ')}) could not be created`, () =>
      op.createForeignKey(
        name,
        table,
        fk.references.table,
        [...fk.columns],
        [...fk.references.columns],
        {
          ...(fk.onDelete ? { onDelete: fk.onDelete } : {}),
          ...(fk.onUpdate ? { onUpdate: fk.onUpdate } : {}),
        },
      ),
    )
  }
}

/**
 * Tables in an order where each comes after the tables it references
 * (name order otherwise), and the references (`table\0target`) that close a
 * cycle, to be added afterwards. Without `ordered`, name order and no
 * deferral (SQLite accepts references to tables not yet created).
 */
export function creationOrder(
  declaration: SchemaDeclaration,
  names: readonly string[],
  ordered: boolean,
): { order: string[]; deferred: Set<string> } {
  const deferred = new Set<string>()
  if (!ordered) return { order: [...names], deferred }
  const targets = (name: string): string[] => {
    const t = declaration.tables[name]!
    const all = [
      ...t.columns.flatMap((c) => (c.references ? [c.references.table] : [])),
      ...(t.foreignKeys ?? []).map((fk) => fk.references.table),
    ]
    return [...new Set(all)].filter((x) => x !== name && x in declaration.tables).sort()
  }
  const state = new Map<string, 'visiting' | 'done'>()
  const order: string[] = []
  const visit = (name: string) => {
    state.set(name, 'visiting')
    for (const target of targets(name)) {
      const s = state.get(target)
      if (s === 'visiting') deferred.add(`${name}\u0000${target}`)
      else if (s === undefined) visit(target)
    }
    state.set(name, 'done')
    order.push(name)
  }
  for (const name of names) if (!state.has(name)) visit(name)
  return { order, deferred }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === undefined) return 'no default export'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object')
    return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`
  return typeof value
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
