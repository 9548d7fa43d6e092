import { loadDialect } from '../dialects/registry.js'
import { stepText } from '../graph/step.js'
import type { PlanStep } from '../graph/step.js'
import { migrationContext } from './context.js'
import { executePlan, loadPlanModules, type TransactionControl } from './executor.js'
import { logLine } from './log.js'
import type { RuntimeOptions } from './options.js'
import { createVersionTableSql, rowChangeSql } from './version-table.js'

/** Options of {@link renderScript} beyond the runtime options. */
export interface RenderScriptOptions {
  /**
   * The script starts from an empty database (START empty or `base`): emit
   * the version table's CREATE TABLE before the first step (behavior.md e).
   */
  readonly createVersionTable: boolean
}

/** Every statement ends with `;` and an empty line (behavior.md e). */
function terminate(sql: string): string {
  return `${sql.trim().replace(/;+$/, '')};\n\n`
}

/**
 * The SQL script of `plan` for the URL's dialect, without connecting
 * (`--sql`, behavior.md e): BEGIN/COMMIT where the dialect's scripts have
 * them, a `-- Running ...` comment per step, the statements its migration
 * sends through `op` or `db` (values inlined as literals), then its
 * version-table statements. Logs `Generating static SQL`, then a `Running`
 * line per step, through `options.log`.
 *
 * @example
 * process.stdout.write(await renderScript(options, plan, { createVersionTable: start === undefined }))
 */
export async function renderScript(
  options: RuntimeOptions,
  plan: readonly PlanStep[],
  render: RenderScriptOptions,
): Promise<string> {
  const driver = await loadDialect(options.url.dialect)
  const ref = { table: options.versionTable, schema: options.versionTableSchema }
  options.log(logLine('Generating static SQL'))
  const modules = await loadPlanModules(plan, options)
  let script = ''
  const db = driver.offline((sql) => (script += terminate(sql)))
  let control: TransactionControl | undefined
  const context = migrationContext(db, driver, options, true, (fn) => control!.autocommit(fn))
  const wrap = driver.capabilities.scriptTransactions
  await executePlan(plan, modules, {
    perStep: options.transactionPerMigration,
    begin: async () => {
      if (wrap) script += 'BEGIN;\n\n'
    },
    commit: async () => {
      if (wrap) script += 'COMMIT;\n\n'
    },
    rollback: async () => {},
    beforeStep: (step, index) => {
      // Inside the first step's transaction, before its comment.
      if (index === 0 && render.createVersionTable)
        script += terminate(createVersionTableSql(driver, ref))
      script += `-- ${stepText(step)}\n\n`
    },
    context: (tx) => {
      control = tx
      return context
    },
    // Nothing runs, so nothing is left to check.
    afterMigration: async () => {},
    applyRowChange: async (change) => {
      script += terminate(rowChangeSql(driver, ref, change, driver.literal))
    },
    failedStatement: () => undefined,
    baseDir: options.baseDir,
    log: options.log,
  })
  return script
}

/** `ensure-version --sql`: the version table's CREATE TABLE, in BEGIN/COMMIT where the dialect's scripts have them. */
export async function renderEnsureVersionScript(options: RuntimeOptions): Promise<string> {
  const driver = await loadDialect(options.url.dialect)
  options.log(logLine('Generating static SQL'))
  const create = terminate(
    createVersionTableSql(driver, {
      table: options.versionTable,
      schema: options.versionTableSchema,
    }),
  )
  return driver.capabilities.scriptTransactions ? `BEGIN;\n\n${create}COMMIT;\n\n` : create
}
