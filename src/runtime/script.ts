import { stepText } from '../graph/step.js'
import type { PlanStep } from '../graph/step.js'
import { createOperations } from '../ops/operations.js'
import { loadDriver } from './drivers/index.js'
import { executePlan, guardTransactions, loadPlanModules } from './executor.js'
import type { RenderScriptOptions } from './offline.js'
import { logLine } from './session.js'
import type { RuntimeOptions } from './session.js'
import { createVersionTableSql, rowChangeSql } from './version-table.js'

/** Every statement ends with `;` and an empty line (behavior.md e). */
function terminate(sql: string): string {
  return `${sql.trim().replace(/;+$/, '')};\n\n`
}

/** The implementation of renderScript (offline.ts), loaded on demand. */
export async function writeScript(
  options: RuntimeOptions,
  plan: readonly PlanStep[],
  render: RenderScriptOptions,
): Promise<string> {
  const driver = await loadDriver(options.url.dialect)
  const ref = { table: options.versionTable, schema: options.versionTableSchema }
  options.log(logLine('Generating static SQL'))
  const modules = await loadPlanModules(plan, options)
  let script = ''
  const db = guardTransactions(driver.offline((sql) => (script += terminate(sql))))
  const dialect = { name: driver.name, transactionalDdl: driver.transactionalDdl }
  const context = Object.freeze({
    op: createOperations({ db, dialect: driver.name, offline: true }),
    db,
    args: options.args,
    tag: options.tag,
    dialect,
    offline: true,
  })
  await executePlan(plan, modules, {
    perStep: options.transactionPerMigration,
    begin: async () => {
      if (driver.scriptTransactions) script += 'BEGIN;\n\n'
    },
    commit: async () => {
      if (driver.scriptTransactions) script += 'COMMIT;\n\n'
    },
    rollback: async () => {},
    beforeStep: (step, index) => {
      // Inside the first step's transaction, before its comment.
      if (index === 0 && render.createVersionTable)
        script += terminate(createVersionTableSql(driver, ref))
      script += `-- ${stepText(step)}\n\n`
    },
    context: () => context,
    applyRowChange: async (change) => {
      script += terminate(rowChangeSql(driver, ref, change, driver.literal))
    },
    failedStatement: () => undefined,
    log: options.log,
  })
  return script
}

/** The implementation of renderEnsureVersionScript (offline.ts). */
export async function writeEnsureVersionScript(options: RuntimeOptions): Promise<string> {
  const driver = await loadDriver(options.url.dialect)
  options.log(logLine('Generating static SQL'))
  const create = terminate(
    createVersionTableSql(driver, {
      table: options.versionTable,
      schema: options.versionTableSchema,
    }),
  )
  return driver.scriptTransactions ? `BEGIN;\n\n${create}COMMIT;\n\n` : create
}
