import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Kysely } from 'kysely'
import { MigrationError, RetortError } from '../errors.js'
import { stepText } from '../graph/step.js'
import type { PlanStep, RowChange } from '../graph/step.js'
import type { MigrationContext } from '../ops/context.js'
import type { MigrationModule } from '../script/load.js'
import { logLine } from './log.js'
import type { RuntimeOptions } from './options.js'

/** What differs between running a plan on a database and writing it as a script. */
export interface ExecutionSink {
  /** One transaction per step rather than one around the run. */
  readonly perStep: boolean
  /**
   * Write a step's version-table change before its migration, in the same
   * transaction: where DDL commits implicitly, the first DDL statement then
   * commits the row too, so a process killed halfway never runs the
   * revision again. (A failure the run sees is rolled back and reported.)
   */
  readonly rowChangesFirst?: boolean
  begin(): Promise<void>
  commit(): Promise<void>
  rollback(): Promise<void>
  /** Called first thing in each step, inside its transaction. */
  beforeStep(step: PlanStep, index: number): void
  /** Called when a step is done (before its commit when each step has its own transaction). */
  afterStep?(step: PlanStep, index: number, durationMs: number): void
  /** The context handed to the step's migration; `tx` leaves and re-enters the transaction. */
  context(tx: TransactionControl): MigrationContext
  /**
   * Around a stretch outside any transaction (a revision with
   * `transaction = false`, an `autocommitBlock`): called after the commit
   * that ends the transaction and before the begin that resumes it, for a
   * lock that is itself a transaction (SQLite) to commit and take it again.
   */
  leaveTransaction?(): Promise<void>
  enterTransaction?(): Promise<void>
  /**
   * Called after each migration returns, inside its transaction: a failure
   * here (a deferred integrity check) is reported as the migration's.
   */
  afterMigration(): Promise<void>
  applyRowChange(change: RowChange): Promise<void>
  /** Folder the steps' paths are relative to (default: the working folder). */
  readonly baseDir?: string | undefined
  /** The SQL of the statement whose failure `error` is (or was caused by), if any. */
  failedStatement(error: unknown): string | undefined
  log(line: string): void
}

/** Lets a migration step out of the transaction (`op.autocommitBlock`). */
export interface TransactionControl {
  autocommit(fn: () => Promise<void>): Promise<void>
}

/**
 * Carry out `plan` through `sink`: for each step, log it, run its migration
 * and apply its row changes, inside one transaction for the run or one per
 * step. A revision exporting `transaction = false` runs outside any (the
 * run's transaction is committed before it and begun again after). A
 * failure rolls back the open transaction and is rethrown.
 */
export async function executePlan(
  plan: readonly PlanStep[],
  modules: ReadonlyMap<string, MigrationModule>,
  sink: ExecutionSink,
): Promise<void> {
  let open = false
  const begin = async (): Promise<void> => {
    await sink.enterTransaction?.()
    await sink.begin()
    open = true
  }
  const commit = async (): Promise<void> => {
    await sink.commit()
    open = false
    await sink.leaveTransaction?.()
  }
  const rollback = async (): Promise<void> => {
    if (!open) return
    open = false
    await sink.rollback()
  }
  const control: TransactionControl = {
    async autocommit(fn) {
      const wasOpen = open
      if (wasOpen) await commit()
      await fn()
      if (wasOpen) await begin()
    },
  }
  const context = (): MigrationContext => sink.context(control)
  if (!sink.perStep) await begin()
  try {
    for (const [index, step] of plan.entries()) {
      const outside =
        step.verb !== 'stamp_revision' && modules.get(step.path!)?.transaction === false
      if (outside && open) await commit()
      if (sink.perStep && !outside) await begin()
      const started = performance.now()
      try {
        sink.beforeStep(step, index)
        sink.log(logLine(step.message ? `${stepText(step)}, ${step.message}` : stepText(step)))
        const rowsFirst = sink.rowChangesFirst === true && step.verb !== 'stamp_revision'
        if (rowsFirst) for (const change of step.rowChanges) await sink.applyRowChange(change)
        if (step.verb !== 'stamp_revision')
          await runMigration(step, modules.get(step.path!)!, sink, context)
        if (!rowsFirst) for (const change of step.rowChanges) await sink.applyRowChange(change)
        sink.afterStep?.(step, index, performance.now() - started)
      } catch (error) {
        if (sink.perStep) await rollback()
        throw error
      }
      if (sink.perStep && open) await commit()
      // The run's transaction resumes after a revision run outside it (unless it was the last).
      if (!sink.perStep && !open && index < plan.length - 1) await begin()
    }
  } catch (error) {
    await rollback()
    throw error
  }
  if (open) await commit()
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

async function runMigration(
  step: PlanStep,
  module: MigrationModule,
  sink: ExecutionSink,
  context: () => MigrationContext,
): Promise<void> {
  const direction = step.verb as 'upgrade' | 'downgrade'
  const fn = module[direction] as (context: MigrationContext) => unknown
  try {
    await fn(context())
    await sink.afterMigration()
  } catch (error) {
    const statement = sink.failedStatement(error)
    const about = step.message ? ` (${step.message})` : ''
    const where = await failingLine(error, step.path!, sink.baseDir)
    throw new MigrationError(
      `${direction} '${step.revision}'${about} failed: ${messageOf(error)}` +
        (where ? `\n  at ${where}` : '') +
        (statement ? `\n  while running: ${statement}` : ''),
      step.revision!,
      direction,
      { cause: error },
    )
  }
}

/**
 * `<file>:<line>` of the innermost frame of `error` in the revision file
 * (the file as the step names it), or the file alone when no frame is there.
 */
async function failingLine(
  error: unknown,
  shown: string,
  baseDir: string | undefined,
): Promise<string | undefined> {
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  const path = resolve(baseDir ?? '.', shown)
  for (const frame of stack.split('\n')) {
    const at =
      frame.indexOf(path) >= 0 ? frame.indexOf(path) : frame.indexOf(pathToFileURL(path).href)
    if (at < 0) continue
    const match = /:(\d+):\d+\)?\s*$/.exec(frame.slice(at))
    if (!match) continue
    const { sourceLine } = await import('../script/load.js')
    const line = await sourceLine(path, Number(match[1]))
    return line === undefined ? shown : `${shown}:${line}`
  }
  return undefined
}

/**
 * Import the modules of the steps that run a migration (only those), before
 * anything touches the database, and check each has the function its step
 * calls. Keyed by path.
 */
export async function loadPlanModules(
  plan: readonly PlanStep[],
  options: Pick<RuntimeOptions, 'loadMigration' | 'baseDir'>,
): Promise<Map<string, MigrationModule>> {
  const { loadMigration, baseDir } = options
  const running = plan.filter((step) => step.verb !== 'stamp_revision')
  for (const step of running) {
    if (step.revision === undefined || step.path === undefined) {
      throw new Error(`plan step '${stepText(step)}' runs a migration but names no revision file`)
    }
  }
  const paths = [...new Set(running.map((step) => step.path!))]
  let modules: MigrationModule[]
  if (loadMigration) {
    modules = []
    for (const path of paths) modules.push(await loadMigration(path))
  } else {
    const { loadMigrations } = await import('../script/load.js')
    modules = await loadMigrations(paths, { baseDir })
  }
  const byPath = new Map(paths.map((path, i) => [path, modules[i]!]))
  for (const step of running) {
    const direction = step.verb as 'upgrade' | 'downgrade'
    if (typeof byPath.get(step.path!)![direction] !== 'function') {
      throw new MigrationError(
        `revision '${step.revision}' (${step.path}) has no ${direction} function to run`,
        step.revision!,
        direction,
      )
    }
  }
  return byPath
}

/**
 * `db` for migrations: Retort owns the transaction, so a migration opening
 * its own would commit or nest Retort's. Refuse with a clear message instead.
 */
export function guardTransactions(db: Kysely<any>): Kysely<any> {
  const refuse = (): never => {
    throw new RetortError(
      "a migration runs inside Retort's transaction and cannot open its own; use `db` as given " +
        '(transactionPerMigration gives each revision its own transaction)',
    )
  }
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction' || property === 'startTransaction') return refuse
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value
    },
  })
}
