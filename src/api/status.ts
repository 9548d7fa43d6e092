import { resolveRows } from '../graph/identifiers.js'
import { currentHeads, planUpgrade } from '../graph/plans.js'
import type { Revision, RevisionMap } from '../graph/revision-map.js'
import type { PlanStep } from '../graph/step.js'

/** Where the database stands on one branch: a head of the history and what is applied below it. */
export interface BranchStatus {
  /** The head of the history on this branch. */
  readonly head: Revision
  /** Applied revisions on this branch (the highest ones, along down revisions), empty when nothing is applied. */
  readonly current: readonly Revision[]
  /** How many revisions `upgrade <head>` would apply (dependencies included). */
  readonly pending: number
}

/** Heads that share one branch (the same branch labels, or none): candidates for a merge. */
export interface HeadGroup {
  /** The labels the heads carry; empty for the unlabelled line. */
  readonly branchLabels: readonly string[]
  readonly heads: readonly Revision[]
}

/** Result of `status`. */
export interface StatusResult {
  /** Rows of the version table, as the database returned them. */
  readonly rows: readonly string[]
  /** The applied heads (what `current` prints). */
  readonly current: readonly Revision[]
  /** One entry per head of the history, load order. */
  readonly branches: readonly BranchStatus[]
  /** The steps `upgrade heads` would run, in order. */
  readonly pending: readonly PlanStep[]
  /** Branches with more than one head: more heads than branches. */
  readonly extraHeads: readonly HeadGroup[]
  /** Warnings met while planning (as `upgrade heads` would log them). */
  readonly warnings: readonly string[]
}

/**
 * Compare the version table with the history: where each branch stands,
 * what `upgrade heads` would run, and whether some branch has several heads.
 */
export function computeStatus(graph: RevisionMap, rows: readonly string[]): StatusResult {
  const rowIdx = resolveRows(graph, rows)
  const applied = graph.ancestorSet(rowIdx, true)
  const current = currentHeads(graph, rows)
  const branches = graph.heads.map((head): BranchStatus => {
    const needed = graph.ancestorSet([head.index], true)
    let pending = 0
    for (let i = 0; i < graph.size; i++) if (needed[i] && !applied[i]) pending++
    return {
      head,
      current: current.filter((c) => graph.isAncestor(c.index, head.index, false)),
      pending,
    }
  })
  const plan = planUpgrade(graph, rows, 'heads')
  const groups = new Map<string, Revision[]>()
  for (const head of graph.realHeads) {
    const key = head.branchLabels.join('\n')
    groups.set(key, [...(groups.get(key) ?? []), head])
  }
  const extraHeads = [...groups.values()]
    .filter((heads) => heads.length > 1)
    .map((heads) => ({ branchLabels: heads[0]!.branchLabels, heads }))
  return {
    rows: [...rows],
    current,
    branches,
    pending: plan.steps,
    extraHeads,
    warnings: plan.warnings,
  }
}
