import type { SchemaModel, IndexPart, TableModel } from '../schema/model.js'
import type { VerifyCheck, VerifyResult } from '../schema/tools.js'
import { checkJson } from './json.js'

/*
 * `retort schema`: one block per table, columns first, then keys, checks and
 * indexes; names the database made up are left out.
 */

const named = (name: string | null) => (name === null ? '' : ` ${name}`)
const list = (items: readonly string[]) => `(${items.join(', ')})`
const part = (p: IndexPart) =>
  'column' in p ? `${p.column}${p.descending ? ' DESC' : ''}` : p.expression

/** One table as text, ending in a newline. */
export function formatTableBlock(table: TableModel): string {
  const lines = [`TABLE ${table.name}${table.comment === null ? '' : `  -- ${table.comment}`}`]
  const width = Math.max(...table.columns.map((c) => c.name.length))
  const typeWidth = Math.max(...table.columns.map((c) => c.type.length))
  for (const c of table.columns) {
    const bits = [
      c.name.padEnd(width),
      c.type.padEnd(typeWidth),
      c.nullable ? 'NULL    ' : 'NOT NULL',
      ...(c.default === null ? [] : [`DEFAULT ${c.default}`]),
      ...(c.autoIncrement ? ['AUTO INCREMENT'] : []),
      ...(c.comment === null ? [] : [`-- ${c.comment}`]),
    ]
    lines.push(`  ${bits.join('  ').trimEnd()}`)
  }
  if (table.primaryKey) {
    lines.push(`  PRIMARY KEY${named(table.primaryKey.name)} ${list(table.primaryKey.columns)}`)
  }
  for (const u of table.uniques) lines.push(`  UNIQUE${named(u.name)} ${list(u.columns)}`)
  for (const fk of table.foreignKeys) {
    const actions = [
      ...(fk.onDelete === 'no action' ? [] : [`ON DELETE ${fk.onDelete.toUpperCase()}`]),
      ...(fk.onUpdate === 'no action' ? [] : [`ON UPDATE ${fk.onUpdate.toUpperCase()}`]),
    ]
    lines.push(
      `  FOREIGN KEY${named(fk.name)} ${list(fk.columns)} REFERENCES ${fk.referencedTable} ` +
        `${list(fk.referencedColumns)}${actions.map((a) => ` ${a}`).join('')}`,
    )
  }
  for (const ck of table.checks) lines.push(`  CHECK${named(ck.name)} (${ck.expression})`)
  for (const ix of table.indexes) {
    lines.push(
      `  ${ix.unique ? 'UNIQUE INDEX' : 'INDEX'} ${ix.name} ${list(ix.columns.map(part))}` +
        (ix.where === null ? '' : ` WHERE ${ix.where}`),
    )
  }
  return lines.join('\n') + '\n'
}

/** The whole model as text: table blocks separated by a blank line. */
export function formatSchema(model: SchemaModel): string {
  if (model.tables.length === 0) return 'No tables.\n'
  return model.tables.map(formatTableBlock).join('\n')
}

/** One `verify` line: `PASSED  heads`, `FAILED  upgrade: revision 'x' ...`. */
export function formatVerifyCheck(check: VerifyCheck): string {
  if (check.passed) return `PASSED  ${check.name}${check.skipped ? ` (${check.message})` : ''}\n`
  return `FAILED  ${check.name}: ${check.message}\n`
}

/**
 * `verify --json`: one object (schema.md) holding the result as the API
 * returns it (`passed`, `checks`) and, through checkJson, the `ok` and
 * `problems` every check-like command reports (one problem per failed check).
 */
export function verifyJson(result: VerifyResult): unknown {
  const problems = result.checks
    .filter((c) => !c.passed)
    .map((c) => ({
      kind: c.name,
      message: c.message ?? '',
      ...(c.revisions?.length === 1 ? { revision: c.revisions[0]! } : {}),
    }))
  return { ...checkJson(problems), ...result }
}
