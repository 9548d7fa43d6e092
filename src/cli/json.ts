import type { HistoryEntry } from '../api/retort.js'
import type { StatusResult } from '../api/status.js'
import { RetortError, UsageError } from '../errors.js'
import type { Revision } from '../graph/revision-map.js'
import type { PlanStep } from '../graph/step.js'

/**
 * The `--json` documents: one per command, on stdout, with the field names
 * the README documents. Shapes are built here and nowhere else, so that
 * every command (check and verify included) reports revisions, steps and
 * errors the same way.
 */

/** A revision as every JSON document shows it. */
export interface RevisionJson {
  readonly id: string
  readonly downRevisions: readonly string[]
  readonly dependsOn: readonly string[]
  readonly branchLabels: readonly string[]
  readonly message: string
  readonly path: string
  readonly isHead: boolean
  readonly isEffectiveHead: boolean
  readonly isBase: boolean
  readonly isBranchPoint: boolean
  readonly isMergePoint: boolean
  /** Ids of the revisions naming this one as a down revision. */
  readonly children: readonly string[]
  /** Only where the command knows it (`history -i`). */
  readonly isCurrent?: boolean
}

export function revisionJson(rev: Revision, isCurrent?: boolean): RevisionJson {
  return {
    id: rev.id,
    downRevisions: rev.downRevisions,
    dependsOn: rev.dependsOn,
    branchLabels: rev.branchLabels,
    message: rev.message,
    path: rev.path,
    isHead: rev.isHead,
    isEffectiveHead: rev.isEffectiveHead,
    isBase: rev.isBase,
    isBranchPoint: rev.isBranchPoint,
    isMergePoint: rev.isMergePoint,
    children: rev.children.map((c) => c.id),
    ...(isCurrent === undefined ? {} : { isCurrent }),
  }
}

/** A step of a plan, run or pending. */
export interface StepJson {
  readonly verb: PlanStep['verb']
  readonly revision: string | null
  readonly from: readonly string[]
  readonly to: readonly string[]
  readonly message: string
  /** Milliseconds; only for steps that ran online. */
  readonly durationMs?: number
}

export function stepJson(step: PlanStep, durationMs?: number): StepJson {
  return {
    verb: step.verb,
    revision: step.revision ?? null,
    from: step.from,
    to: step.to,
    message: step.message,
    ...(durationMs === undefined ? {} : { durationMs: Math.round(durationMs * 1000) / 1000 }),
  }
}

export function historyJson(entries: readonly HistoryEntry[], indicateCurrent: boolean): unknown {
  return {
    revisions: entries.map((e) =>
      revisionJson(e.revision, indicateCurrent ? e.isCurrent : undefined),
    ),
  }
}

export function statusJson(status: StatusResult, url: string): unknown {
  return {
    url,
    rows: status.rows,
    current: status.current.map((r) => r.id),
    branches: status.branches.map((b) => ({
      head: b.head.id,
      branchLabels: b.head.branchLabels,
      current: b.current.map((r) => r.id),
      pending: b.pending,
    })),
    pending: status.pending.map((s) => stepJson(s)),
    isUpToDate: status.pending.length === 0,
    extraHeads: status.extraHeads.map((g) => ({
      branchLabels: g.branchLabels,
      heads: g.heads.map((h) => h.id),
    })),
    warnings: status.warnings,
  }
}

/** What upgrade, downgrade and stamp report: the steps, their durations, the script with `--sql`. */
export function migrateJson(
  command: 'upgrade' | 'downgrade' | 'stamp',
  target: string,
  result: { steps: readonly PlanStep[]; sql?: string; durationsMs?: readonly number[] },
): unknown {
  const steps = result.steps.map((s, i) => stepJson(s, result.durationsMs?.[i]))
  return {
    command,
    target,
    steps,
    ...(result.durationsMs
      ? { durationMs: steps.reduce((sum, s) => sum + (s.durationMs ?? 0), 0) }
      : {}),
    ...(result.sql === undefined ? {} : { sql: result.sql }),
  }
}

/** One finding of `check` or `verify`. */
export interface ProblemJson {
  /** What is wrong, as a stable word (e.g. `multiple-heads`, `schema-drift`). */
  readonly kind: string
  readonly message: string
  readonly revision?: string
  readonly path?: string
}

/** What `check` and `verify` report: `ok` exactly when there is no problem. */
export function checkJson(problems: readonly ProblemJson[]): {
  readonly ok: boolean
  readonly problems: readonly ProblemJson[]
} {
  return { ok: problems.length === 0, problems }
}

/** `{ "error": { "message", "kind", ... } }`: kind is the error class (`UsageError`, `RevisionError`, ...). */
export function errorJson(error: unknown): unknown {
  if (!(error instanceof RetortError)) {
    return { error: { message: String((error as Error)?.message ?? error), kind: 'InternalError' } }
  }
  const extra: Record<string, unknown> = {}
  for (const key of ['identifier', 'heads', 'paths', 'path', 'revision', 'direction'] as const) {
    const value = (error as unknown as Record<string, unknown>)[key]
    if (value !== undefined) extra[key] = value
  }
  return { error: { message: error.message, kind: error.name, ...extra } }
}

/** A commander parse failure as a UsageError document. */
export function usageErrorJson(message: string): unknown {
  return errorJson(new UsageError(message.replace(/^error: /, '')))
}

/** The document as written on stdout: two-space indented, one trailing newline. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}
