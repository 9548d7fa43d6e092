import type { PlanStep } from '../graph/step.js'
import type { RuntimeOptions } from './session.js'

/** Options of {@link renderScript} beyond the runtime options. */
export interface RenderScriptOptions {
  /**
   * The script starts from an empty database (START empty or `base`): emit
   * the version table's CREATE TABLE before the first step (behavior.md e).
   */
  readonly createVersionTable: boolean
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
  const { writeScript } = await import('./script-writer.js')
  return writeScript(options, plan, render)
}

/** `ensure-version --sql`: the version table's CREATE TABLE, in BEGIN/COMMIT where the dialect's scripts have them. */
export async function renderEnsureVersionScript(options: RuntimeOptions): Promise<string> {
  const { writeEnsureVersionScript } = await import('./script-writer.js')
  return writeEnsureVersionScript(options)
}
