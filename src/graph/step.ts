/** One change to the version table that a step makes (behavior.md c.4). */
export type RowChange =
  | { readonly kind: 'insert'; readonly revision: string }
  | { readonly kind: 'update'; readonly from: string; readonly to: string }
  | { readonly kind: 'delete'; readonly revision: string }

/**
 * One step of a plan: run one migration (or none, for stamp) and then apply
 * `rowChanges` to the version table. Plans are computed by graph/, carried
 * out by runtime/.
 */
export interface PlanStep {
  readonly verb: 'upgrade' | 'downgrade' | 'stamp_revision'
  /** The revision whose `upgrade`/`downgrade` runs; absent for stamp steps. */
  readonly revision?: string
  /** File of that revision, to import it. */
  readonly path?: string
  /** Left side of `Running <verb> <from> -> <to>`. */
  readonly from: readonly string[]
  readonly to: readonly string[]
  /** Message for the log line; empty for stamp. */
  readonly message: string
  readonly rowChanges: readonly RowChange[]
}

/** A step starting or finished while a plan runs online, for progress and durations. */
export type StepEvent =
  | {
      readonly phase: 'start'
      readonly step: PlanStep
      readonly index: number
      readonly total: number
    }
  | {
      readonly phase: 'end'
      readonly step: PlanStep
      readonly index: number
      readonly total: number
      /** Wall time of the step (migration and version-table rows), milliseconds. */
      readonly durationMs: number
    }

/** The `Running ...` text shared by the log line and the `--sql` comment. */
export function stepText(step: PlanStep): string {
  return `Running ${step.verb} ${step.from.join(', ')} -> ${step.to.join(', ')}`
}
