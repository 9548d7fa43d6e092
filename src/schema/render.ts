/**
 * Schema changes as the text of a revision: readable `op` calls for
 * `upgrade` and `downgrade`, and one `Detected ...` line per operation
 * (shared/spec/schema.md). Pure text work, no database.
 */
import type { RenderDialect } from '../dialects/catalog.js'
import { changeTable, invertChanges, type SchemaChange } from './diff.js'
import type {
  CheckModel,
  ColumnModel,
  ForeignKeyModel,
  IndexModel,
  PrimaryKeyModel,
  TableModel,
  UniqueModel,
} from './model.js'

export type { RenderDialect } from '../dialects/catalog.js'

/** The rendered bodies, each line indented for a function body. */
export interface RenderedChanges {
  readonly upgrade: string
  readonly downgrade: string
  /** Whether the bodies use the `sql` template tag (import it from kysely). */
  readonly usesSql: boolean
  /** `Detected ...` descriptions, one per upgrade operation. */
  readonly detected: readonly string[]
}

/** How `check` and the autogenerate log name a change (without `Detected `). */
export function describeChange(change: SchemaChange): string {
  const on = (name: string | null, what: string): string =>
    name === null
      ? `${what} on '${changeTable(change)}'`
      : `${what} '${name}' on '${changeTable(change)}'`
  switch (change.kind) {
    case 'addTable':
      return `added table '${change.table.name}'`
    case 'dropTable':
      return `removed table '${change.table.name}'`
    case 'addColumn':
      return `added column '${change.table}.${change.column.name}'`
    case 'dropColumn':
      return `removed column '${change.table}.${change.column.name}'`
    case 'alterColumn': {
      const where = `'${change.table}.${change.to.name}'`
      switch (change.attribute) {
        case 'type':
          return `type change from ${change.from.type} to ${change.to.type} on ${where}`
        case 'nullable':
          return `${change.to.nullable ? 'NULL' : 'NOT NULL'} on column ${where}`
        case 'default':
          return change.to.default === null
            ? `removed server default on column ${where}`
            : `server default ${change.to.default} on column ${where}`
        case 'comment':
          return `column comment on ${where}`
        case 'autoIncrement':
          return change.whileKeyChanges
            ? change.to.autoIncrement
              ? `auto-increment turned back on for column ${where} after its key is replaced`
              : `auto-increment turned off for column ${where} while its key is replaced`
            : `${change.to.autoIncrement ? 'added' : 'removed'} auto-increment on column ${where}`
      }
      break
    }
    case 'tableComment':
      return `changed table comment on '${change.table}'`
    case 'addPrimaryKey':
      return on(change.primaryKey.name, 'added primary key')
    case 'dropPrimaryKey':
      return on(change.primaryKey.name, 'removed primary key')
    case 'addUnique':
      return (
        on(change.unique.name, 'added unique constraint') + ` (${change.unique.columns.join(', ')})`
      )
    case 'dropUnique':
      return (
        on(change.unique.name, 'removed unique constraint') +
        ` (${change.unique.columns.join(', ')})`
      )
    case 'addForeignKey':
      return on(change.foreignKey.name, 'added foreign key') + ` ${fkShape(change.foreignKey)}`
    case 'dropForeignKey':
      return on(change.foreignKey.name, 'removed foreign key') + ` ${fkShape(change.foreignKey)}`
    case 'addCheck':
      return on(change.check.name, 'added check constraint')
    case 'dropCheck':
      return on(change.check.name, 'removed check constraint')
    case 'addIndex':
      return on(change.index.name, change.index.unique ? 'added unique index' : 'added index')
    case 'dropIndex':
      return on(change.index.name, change.index.unique ? 'removed unique index' : 'removed index')
  }
}

const fkShape = (fk: ForeignKeyModel): string =>
  `(${fk.columns.join(', ')}) -> ${fk.referencedTable}(${fk.referencedColumns.join(', ')})`

/** Render the upgrade (the changes) and the downgrade (their inverses, backwards). */
export function renderChanges(
  changes: readonly SchemaChange[],
  dialect: RenderDialect,
): RenderedChanges {
  const state = { usesSql: false }
  const upgrade = renderBody(changes, dialect, state, true)
  const downgrade = renderBody(invertChanges(changes), dialect, state, false)
  return {
    upgrade,
    downgrade,
    usesSql: state.usesSql,
    detected: changes.map(describeChange),
  }
}

interface RenderState {
  usesSql: boolean
}

/** Which step of the order a change belongs to (see diffSchemas); batches never span two. */
function phase(change: SchemaChange): string {
  switch (change.kind) {
    case 'addTable':
    case 'dropTable':
      return `table:${change.table.name}`
    case 'dropForeignKey':
    case 'dropIndex':
    case 'dropUnique':
    case 'dropCheck':
    case 'dropPrimaryKey':
      return 'drop'
    case 'addForeignKey':
      return 'fk'
    case 'alterColumn':
      // Turned off among the drops (diffSchemas puts it there), so a batch holds both.
      return change.attribute === 'autoIncrement' && !change.to.autoIncrement ? 'drop' : 'change'
    default:
      return 'change'
  }
}

function renderBody(
  changes: readonly SchemaChange[],
  dialect: RenderDialect,
  state: RenderState,
  withHints: boolean,
): string {
  const lines: string[] = []
  if (withHints) lines.push(...renameHints(changes))
  let k = 0
  while (k < changes.length) {
    const first = changes[k]!
    let end = k + 1
    while (end < changes.length && phase(changes[end]!) === phase(first)) end++
    const run = changes.slice(k, end)
    k = end
    if (!dialect.rebuildsTables) {
      for (const change of run) lines.push(...renderOp(change, dialect, state, 'op'))
      continue
    }
    // SQLite: a table's changes of one step go in one batch when one needs a rebuild.
    const byTable = new Map<string, SchemaChange[]>()
    for (const change of run) {
      const t = changeTable(change)
      byTable.set(t, [...(byTable.get(t) ?? []), change])
    }
    for (const [table, group] of byTable) {
      if (!group.some(needsRebuild)) {
        for (const change of group) lines.push(...renderOp(change, dialect, state, 'op'))
        continue
      }
      lines.push(`await op.batchAlterTable(${str(table)}, (batch) => {`)
      for (const change of group)
        lines.push(...renderOp(change, dialect, state, 'batch').map((l) => `  ${l}`))
      lines.push('})')
    }
  }
  return lines.map((l) => (l === '' ? '' : `  ${l}`)).join('\n')
}

/** SQLite changes its ALTER TABLE cannot make in place. */
function needsRebuild(change: SchemaChange): boolean {
  switch (change.kind) {
    case 'addColumn':
      return (
        (!change.column.nullable && change.column.default === null) ||
        change.column.autoIncrement ||
        (change.column.default !== null && literalDefault(change.column.default) === undefined)
      )
    case 'alterColumn':
      return change.attribute !== 'comment'
    case 'addPrimaryKey':
    case 'dropPrimaryKey':
    case 'addUnique':
    case 'dropUnique':
    case 'addForeignKey':
    case 'dropForeignKey':
    case 'addCheck':
    case 'dropCheck':
      return true
    default:
      return false
  }
}

/** A comment where a table loses a column and gains one of the same type. */
function renameHints(changes: readonly SchemaChange[]): string[] {
  const lines: string[] = []
  for (const drop of changes) {
    if (drop.kind !== 'dropColumn') continue
    for (const add of changes) {
      if (
        add.kind === 'addColumn' &&
        add.table === drop.table &&
        add.column.type.toLowerCase() === drop.column.type.toLowerCase()
      ) {
        lines.push(
          `// '${drop.table}.${drop.column.name}' is dropped and '${drop.table}.${add.column.name}' added with the same type.`,
          `// If it is a rename, replace both with (data is kept):`,
          `// await op.alterColumn(${str(drop.table)}, ${str(drop.column.name)}, { newName: ${str(add.column.name)} })`,
        )
      }
    }
  }
  return lines
}

/** The lines of one operation; `via` is `op` or, inside a batch, `batch` (no table argument). */
function renderOp(
  change: SchemaChange,
  dialect: RenderDialect,
  state: RenderState,
  via: 'op' | 'batch',
): string[] {
  const inBatch = via === 'batch'
  // The table is the first argument, or the second after a constraint name; a batch has none.
  const call = (method: string, args: string[], tableAt = 0): string[] => {
    const prefix = inBatch ? `batch.${method}` : `await op.${method}`
    return callLines(prefix, inBatch ? args.filter((_a, k) => k !== tableAt) : args)
  }
  const t = str(changeTable(change))
  const sqlText = (text: string): string => {
    state.usesSql = true
    return sqlLiteral(text)
  }
  switch (change.kind) {
    case 'addTable':
      return [
        ...renderCreateTable(change.table, sqlText),
        ...change.table.indexes.flatMap((ix) =>
          callLines('await op.createIndex', indexArgs(change.table.name, ix, sqlText)),
        ),
      ]
    case 'dropTable':
      return [`await op.dropTable(${t})`]
    case 'addColumn':
      return call('addColumn', [t, columnLiteral(change.column, sqlText)])
    case 'dropColumn':
      return call('dropColumn', [t, str(change.column.name)])
    case 'alterColumn': {
      const { from, to, attribute } = change
      const changes: string[] = []
      if (attribute === 'autoIncrement') changes.push(`autoIncrement: ${to.autoIncrement}`)
      if (attribute === 'type') changes.push(`type: ${str(to.type)}`)
      if (attribute === 'nullable') changes.push(`nullable: ${to.nullable}`)
      if (attribute === 'default')
        changes.push(
          `default: ${to.default === null ? 'null' : defaultLiteral(to.default, sqlText)}`,
        )
      if (attribute === 'comment')
        changes.push(`comment: ${to.comment === null ? 'null' : str(to.comment)}`)
      const existing = [`type: ${str(from.type)}`, `nullable: ${from.nullable}`]
      if (from.default !== null) existing.push(`default: ${defaultLiteral(from.default, sqlText)}`)
      if (from.comment !== null) existing.push(`comment: ${str(from.comment)}`)
      if (from.autoIncrement) existing.push('autoIncrement: true')
      changes.push(`existing: { ${existing.join(', ')} }`)
      const why =
        change.whileKeyChanges && !to.autoIncrement
          ? [
              `// ${str(to.name)} must lead a key: auto-increment is off while its key is replaced`,
              `// (turned back on, it counts on from the highest value in the table).`,
            ]
          : []
      return [...why, ...call('alterColumn', [t, str(to.name), `{ ${changes.join(', ')} }`])]
    }
    case 'tableComment': {
      const statement = dialect.tableCommentSql?.(change.table, change.to)
      if (statement === undefined)
        return [`// The comment of table '${change.table}' changes here; this database keeps none.`]
      return [`await op.execute(${str(statement)})`]
    }
    case 'addPrimaryKey': {
      const { generatedName, ...rest } = change.primaryKey
      const pk = generatedName === dialect.primaryKeyName ? rest : change.primaryKey
      return call(
        'createPrimaryKey',
        [str(nameOf(pk, `pk_${change.table}`)), t, strList(change.primaryKey.columns)],
        1,
      )
    }
    case 'dropPrimaryKey':
      return call(
        'dropConstraint',
        [str(nameOf(change.primaryKey, `${change.table}_pkey`)), t, `{ type: 'primaryKey' }`],
        1,
      )
    case 'addUnique':
      return call(
        'createUniqueConstraint',
        [
          str(nameOf(change.unique, constraintName('uq', change.table, change.unique.columns))),
          t,
          strList(change.unique.columns),
        ],
        1,
      )
    case 'dropUnique':
      return call(
        'dropConstraint',
        [
          str(nameOf(change.unique, `${change.table}_${change.unique.columns.join('_')}_key`)),
          t,
          `{ type: 'unique' }`,
        ],
        1,
      )
    case 'addForeignKey': {
      const fk = change.foreignKey
      const args = [
        str(nameOf(fk, constraintName('fk', change.table, fk.columns))),
        t,
        str(fk.referencedTable),
        strList(fk.columns),
        strList(fk.referencedColumns),
      ]
      const actions = fkActions(fk)
      if (actions) args.push(`{ ${actions} }`)
      return call('createForeignKey', args, 1)
    }
    case 'dropForeignKey': {
      const name = nameOf(
        change.foreignKey,
        `${change.table}_${change.foreignKey.columns.join('_')}_fkey`,
      )
      const index = inBatch
        ? undefined
        : dialect.foreignKeyIndexSql?.(change.table, change.foreignKey)
      return [
        ...call('dropConstraint', [str(name), t, `{ type: 'foreignKey' }`], 1),
        ...(index === undefined ? [] : [`await op.execute(${str(index)})`]),
      ]
    }
    case 'addCheck':
      return call(
        'createCheckConstraint',
        [
          str(nameOf(change.check, constraintName('ck', change.table, []))),
          t,
          sqlText(change.check.expression),
        ],
        1,
      )
    case 'dropCheck':
      return call(
        'dropConstraint',
        [str(nameOf(change.check, `${change.table}_check`)), t, `{ type: 'check' }`],
        1,
      )
    case 'addIndex':
      return call('createIndex', indexArgs(change.table, change.index, sqlText), 1)
    case 'dropIndex':
      return inBatch
        ? [`batch.dropIndex(${str(change.index.name)})`]
        : [`await op.dropIndex(${str(change.index.name)}, { table: ${t} })`]
  }
}

/** Arguments of createIndex: name, table, columns, options. */
function indexArgs(table: string, ix: IndexModel, sqlText: (text: string) => string): string[] {
  const parts = ix.columns.map((p) =>
    'column' in p ? str(p.descending ? `${p.column} desc` : p.column) : sqlText(p.expression),
  )
  const args = [str(ix.name), str(table), `[${parts.join(', ')}]`]
  const options: string[] = []
  if (ix.unique) options.push('unique: true')
  if (ix.where !== null) options.push(`where: ${sqlText(ix.where)}`)
  if (options.length) args.push(`{ ${options.join(', ')} }`)
  return args
}

function renderCreateTable(table: TableModel, sqlText: (text: string) => string): string[] {
  const lines = ['await op.createTable(', `  ${str(table.name)},`, '  [']
  const pk: PrimaryKeyModel | null = table.primaryKey
  // An unnamed one-column key reads best on its column, as written by hand.
  const columnKey = pk && pk.name === null && pk.columns.length === 1 ? pk.columns[0] : undefined
  for (const c of table.columns)
    lines.push(`    ${columnLiteral(c, sqlText, c.name === columnKey)},`)
  lines.push('  ],')
  const options: string[] = []
  if (pk && columnKey === undefined) options.push(`primaryKey: ${namedColumns(pk)}`)
  if (table.uniques.length)
    options.push(`unique: [${table.uniques.map((u: UniqueModel) => namedColumns(u)).join(', ')}]`)
  if (table.foreignKeys.length) {
    // One foreign key per line.
    const fks = table.foreignKeys.map((fk) => {
      const parts = [
        ...(fk.name === null ? [] : [`name: ${str(fk.name)}`]),
        `columns: ${strList(fk.columns)}`,
        `references: { table: ${str(fk.referencedTable)}, columns: ${strList(fk.referencedColumns)} }`,
      ]
      const actions = fkActions(fk)
      if (actions) parts.push(actions)
      return `      { ${parts.join(', ')} },`
    })
    options.push(['foreignKeys: [', ...fks, '    ]'].join('\n'))
  }
  if (table.checks.length) {
    const checks = table.checks.map(
      (ck: CheckModel) =>
        `{ ${ck.name === null ? '' : `name: ${str(ck.name)}, `}expression: ${sqlText(ck.expression)} }`,
    )
    options.push(`checks: [${checks.join(', ')}]`)
  }
  if (table.comment !== null) options.push(`comment: ${str(table.comment)}`)
  if (options.length) lines.push('  {', ...options.map((o) => `    ${o},`), '  },')
  lines.push(')')
  return lines.flatMap((l) => l.split('\n'))
}

function namedColumns(item: {
  readonly name: string | null
  readonly columns: readonly string[]
}): string {
  return `{ ${item.name === null ? '' : `name: ${str(item.name)}, `}columns: ${strList(item.columns)} }`
}

function fkActions(fk: ForeignKeyModel): string {
  const parts: string[] = []
  if (fk.onDelete !== 'no action') parts.push(`onDelete: ${str(fk.onDelete)}`)
  if (fk.onUpdate !== 'no action') parts.push(`onUpdate: ${str(fk.onUpdate)}`)
  return parts.join(', ')
}

function columnLiteral(
  c: ColumnModel,
  sqlText: (text: string) => string,
  primaryKey = false,
): string {
  const parts = [`name: ${str(c.name)}`, `type: ${str(c.type)}`]
  if (primaryKey) parts.push('primaryKey: true')
  else if (!c.nullable) parts.push('nullable: false')
  if (c.default !== null) parts.push(`default: ${defaultLiteral(c.default, sqlText)}`)
  if (c.autoIncrement) parts.push('autoIncrement: true')
  if (c.comment !== null) parts.push(`comment: ${str(c.comment)}`)
  return `{ ${parts.join(', ')} }`
}

/**
 * A default as the database spells it, back in `op` terms: a plain literal
 * (`'abc'`, `'abc'::character varying`, `0`, `-1.5`) becomes a value, so op
 * writes it as the declaration did; anything else a `sql` expression.
 */
export function literalDefault(text: string): string | number | undefined {
  const t = text.trim()
  const quoted = /^'((?:[^']|'')*)'(?:::[a-z ]+(?:\(\d+(?:,\s*\d+)?\))?)?$/i.exec(t)
  if (quoted) return quoted[1]!.replaceAll("''", "'")
  if (/^-?\d+(?:\.\d+)?$/.test(t) && Number.isFinite(Number(t)) && String(Number(t)) === t)
    return Number(t)
  return undefined
}

function defaultLiteral(text: string, sqlText: (text: string) => string): string {
  const value = literalDefault(text)
  if (typeof value === 'string') return str(value)
  if (typeof value === 'number') return String(value)
  // op parenthesises expression defaults itself.
  return sqlText(unparenthesise(text.trim()))
}

/** `(x)` without its outer parentheses when they enclose the whole text. */
function unparenthesise(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text
  let depth = 0
  for (let k = 0; k < text.length; k++) {
    if (text[k] === '(') depth++
    else if (text[k] === ')') depth--
    if (depth === 0 && k < text.length - 1) return text
  }
  return text.slice(1, -1)
}

/**
 * The name an op call uses for a constraint: its own, else the one the
 * database gave it (read from the catalog), else `guess` (a model not read
 * from a database). Adding under the database's name keeps it unnamed in
 * the model, and dropping under it is what the database knows.
 */
function nameOf(
  item: { readonly name: string | null; readonly generatedName?: string },
  guess: string,
): string {
  return item.name ?? item.generatedName ?? guess
}

/** A name for a constraint the wanted schema left unnamed (op calls need one). */
function constraintName(prefix: string, table: string, columns: readonly string[]): string {
  return [prefix, table, ...columns].join('_').slice(0, 60)
}

/** One call on one line when short, else one argument per line. */
function callLines(prefix: string, args: readonly string[]): string[] {
  const oneLine = `${prefix}(${args.join(', ')})`
  if (oneLine.length <= 96 && !oneLine.includes('\n')) return [oneLine]
  return [`${prefix}(`, ...args.map((a) => `  ${a},`), ')']
}

/** A single-quoted TypeScript string. */
export function str(value: string): string {
  return `'${value
    .replace(/[\\']/g, (c) => '\\' + c)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')}'`
}

function strList(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`
}

/** A `sql` tagged template holding `text` verbatim. */
function sqlLiteral(text: string): string {
  return `sql\`${text.replace(/[\\`]/g, (c) => '\\' + c).replaceAll('${', '\\${')}\``
}

/**
 * Put rendered bodies into a filled revision template: the bodies of
 * `upgrade` and `downgrade` are replaced, and `sql` imported when used. An
 * empty body gets a comment, and its unused `{ op }` becomes `_context`;
 * a filled one takes `{ op }` where the template has an unused `_context`.
 * @throws Error when the template has no `upgrade` or `downgrade` function
 */
export function fillRevisionBodies(text: string, rendered: RenderedChanges): string {
  let out = text
  for (const name of ['upgrade', 'downgrade'] as const) {
    const body = name === 'upgrade' ? rendered.upgrade : rendered.downgrade
    const head = new RegExp(`export\\s+async\\s+function\\s+${name}\\s*\\(([^)]*)\\)[^{]*\\{`).exec(
      out,
    )
    if (!head) throw new Error(`the revision template has no 'export async function ${name}(...)'`)
    const open = head.index + head[0].length - 1
    const close = matchingBrace(out, open)
    let signature = out.slice(head.index, open + 1)
    let inner = body
    if (body === '') {
      inner = '  // No changes detected.'
      signature = signature.replace(/\(\s*\{\s*op\s*\}\s*:/, '(_context:')
    } else {
      // The template's unused parameter (`_context`) becomes the `op` the body calls.
      signature = signature.replace(/\(\s*_\w*\s*:/, '({ op }:')
    }
    out = out.slice(0, head.index) + signature + '\n' + inner + '\n' + out.slice(close)
  }
  if (rendered.usesSql && !/import\s*\{[^}]*\bsql\b[^}]*\}\s*from\s*'kysely'/.test(out)) {
    const firstImport = /^import .*$/m.exec(out)
    const line = "import { sql } from 'kysely'\n"
    out = firstImport
      ? out.slice(0, firstImport.index) + line + out.slice(firstImport.index)
      : line + out
  }
  return out
}

/** Index of the `}` closing the `{` at `open`, skipping strings and comments. */
function matchingBrace(text: string, open: number): number {
  let depth = 0
  for (let k = open; k < text.length; k++) {
    const c = text[k]
    if (c === '/' && text[k + 1] === '/')
      k = text.indexOf('\n', k) < 0 ? text.length : text.indexOf('\n', k)
    else if (c === '/' && text[k + 1] === '*') k = text.indexOf('*/', k + 2) + 1
    else if (c === "'" || c === '"' || c === '`') {
      k++
      while (k < text.length && text[k] !== c) k += text[k] === '\\' ? 2 : 1
    } else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return k
  }
  throw new Error('unbalanced braces in the revision template')
}
