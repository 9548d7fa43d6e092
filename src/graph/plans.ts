import { ResolutionError, RevisionError } from '../errors.js'
import {
  carries,
  labelRevision,
  lookupName,
  parseRelative,
  resolveLookup,
  resolveRows,
  resolveSymbolic,
  walk,
} from './identifiers.js'
import type { Revision, RevisionMap } from './revision-map.js'
import { downgradeRowChanges, upgradeRowChanges } from './rows.js'
import type { PlanStep, RowChange } from './step.js'
import { orderWalk } from './walk.js'
import { splitRange } from './range.js'

/** A plan and the warnings met while making it. */
export interface Plan {
  readonly steps: readonly PlanStep[]
  readonly warnings: readonly string[]
}

const EMPTY = -1

function didNotProduce(name: string, delta: number): RevisionError {
  return new RevisionError(
    `Relative revision ${name} didn't produce ${Math.abs(delta)} migrations; the history has fewer revisions ` +
      `in that direction from the starting point`,
  )
}

function checkNotRange(target: string): void {
  if (target.includes(':')) {
    throw new RevisionError(`Range revision not allowed: '${target}'; ranges work only with --sql`)
  }
}

/** Rows sharing lineage with L, for `L@+N` / `L@-N`. */
function rowsOnLineage(map: RevisionMap, rows: readonly number[], l: number): number[] {
  return rows.filter((r) => map.sharesLineage(r, l))
}

/** Highest applied revisions (implied by rows, dependencies included) on L's lineage. */
function appliedOnLineage(map: RevisionMap, rows: readonly number[], l: number): number[] {
  const applied = map.ancestorSet(rows, true)
  const onLine: number[] = []
  for (let i = 0; i < map.size; i++) if (applied[i] && map.sharesLineage(i, l)) onLine.push(i)
  const set = new Set(onLine)
  return onLine.filter((i) => !map.childIdx[i]!.some((c) => set.has(c)))
}

/** Revisions applied only through a dependency (no row above them) on L's lineage. */
function impliedOnLineage(map: RevisionMap, rows: readonly number[], l: number): number[] {
  const applied = map.ancestorSet(rows, true)
  const viaDown = map.ancestorSet(rows, false)
  const out: number[] = []
  for (let i = 0; i < map.size; i++) {
    if (
      applied[i] &&
      !viaDown[i] &&
      !map.childIdx[i]!.some((c) => applied[c]) &&
      map.sharesLineage(i, l)
    )
      out.push(i)
  }
  return out
}

/** Start of `SYMBOL±N`: -1 for the empty state. */
function symbolStart(map: RevisionMap, symbol: string, label: string | undefined): number {
  if (symbol === 'base') return EMPTY
  const name =
    symbol === 'head' && label !== undefined
      ? `${label}@head`
      : label !== undefined
        ? `${label}@${symbol}`
        : symbol
  const found = resolveSymbolic(map, name)
  return found.length ? found[0]! : EMPTY
}

/**
 * Targets of `upgrade TARGET` (behavior.md b.4, c.2) given the current rows.
 * `clamp` is for history END, where an over-long walk stops instead of failing.
 */
export function resolveUpgradeTarget(
  map: RevisionMap,
  target: string,
  rows: readonly number[],
  clamp = false,
): number[] {
  const rel = parseRelative(target)
  if (!rel) return resolveSymbolic(map, target)
  const along = rel.label !== undefined ? lookupName(map, rel.label) : undefined
  let start: number
  if (rel.symbol !== '') {
    start = symbolStart(map, rel.symbol, rel.label)
  } else if (rel.delta < 0) {
    throw didNotProduce(target, rel.delta)
  } else if (along === undefined) {
    if (rows.length > 1) {
      throw new RevisionError(
        `Ambiguous upgrade from multiple current revisions (${rows.map((r) => map.revisions[r]!.id).join(', ')}); ` +
          `use '<label>@+${rel.delta}' or name the target`,
      )
    }
    start = rows.length ? rows[0]! : EMPTY
  } else {
    const onLine = rowsOnLineage(map, rows, along)
    const from = onLine.length ? onLine : appliedOnLineage(map, rows, along)
    if (from.length > 1) {
      throw new RevisionError(
        `Ambiguous upgrade: several applied revisions on branch '${rel.label}' ` +
          `(${from.map((r) => map.revisions[r]!.id).join(', ')}); name the target`,
      )
    }
    start = from.length ? from[0]! : EMPTY
  }
  const reached = walk(map, start, rel.delta, along, clamp)
  if (reached === undefined) throw didNotProduce(target, rel.delta)
  return reached === EMPTY ? [] : [reached]
}

/** Target of `downgrade TARGET`: the label part (if any) and the revision (-1 = empty state). */
interface DowngradeTarget {
  readonly label?: number
  readonly target: number
  readonly warnings: string[]
}

function resolveDowngradeTarget(
  map: RevisionMap,
  target: string,
  rows: readonly number[],
): DowngradeTarget {
  const warnings: string[] = []
  const rel = parseRelative(target)
  if (!rel) {
    const label = labelRevision(map, target)
    // In `L@R` the label only narrows the roots (c.3); R itself is resolved on its own.
    const rest = target.slice(target.indexOf('@') + 1)
    const plainRest = label !== undefined && !['head', 'heads', 'base'].includes(rest)
    const found = plainRest ? [lookupName(map, rest)] : resolveSymbolic(map, target)
    if (found.length > 1) {
      throw new RevisionError(
        `'${target}' names several revisions (${found.map((r) => map.revisions[r]!.id).join(', ')}); ` +
          `downgrade needs one target`,
      )
    }
    return { label, target: found.length ? found[0]! : EMPTY, warnings }
  }
  const label = rel.label !== undefined ? lookupName(map, rel.label) : undefined
  let start: number
  if (rel.symbol !== '') {
    start = symbolStart(map, rel.symbol, rel.label)
    const reached = walk(map, start, rel.delta, rel.delta > 0 ? label : undefined)
    if (reached === undefined) {
      throw new RevisionError(`Walked too far: '${target}' runs past the end of the history`)
    }
    return { label, target: reached, warnings }
  }
  if (rel.delta > 0) throw didNotProduce(target, rel.delta)
  if (label === undefined) {
    if (rows.length === 0) throw didNotProduce(target, rel.delta)
    start = rows[0]!
    if (rows.length > 1) {
      warnings.push(
        `downgrade ${target} from multiple heads is ambiguous; walking down from '${map.revisions[start]!.id}', ` +
          `the first row of the version table (use '<label>@${target}' to choose)`,
      )
    }
  } else {
    let from = rowsOnLineage(map, rows, label)
    if (from.length === 0) from = impliedOnLineage(map, rows, label)
    if (from.length === 0) {
      throw new RevisionError(`no applied revision on branch '${rel.label}'; nothing to downgrade`)
    }
    if (from.length > 1) {
      throw new RevisionError(
        `several applied revisions on branch '${rel.label}' (${from.map((r) => map.revisions[r]!.id).join(', ')}); ` +
          `name the target revision`,
      )
    }
    start = from[0]!
  }
  const reached = walk(map, start, rel.delta, undefined)
  if (reached === undefined) throw didNotProduce(target, rel.delta)
  // From several rows, `-N` steps down the chosen row's branch only, as `<row>@-N` would.
  return { label: label ?? (rows.length > 1 ? start : undefined), target: reached, warnings }
}

function upgradeSteps(map: RevisionMap, rows: number[], order: readonly number[]): PlanStep[] {
  return order.map((r) => {
    const rev = map.revisions[r]!
    return {
      verb: 'upgrade',
      revision: rev.id,
      path: rev.path,
      from: rev.downRevisions,
      to: [rev.id],
      message: rev.message,
      rowChanges: upgradeRowChanges(map, rows, r),
    }
  })
}

function downgradeSteps(map: RevisionMap, rows: number[], order: readonly number[]): PlanStep[] {
  return order.map((r) => {
    const rev = map.revisions[r]!
    return {
      verb: 'downgrade',
      revision: rev.id,
      path: rev.path,
      from: [rev.id],
      to: rev.downRevisions,
      message: rev.message,
      rowChanges: downgradeRowChanges(map, rows, r),
    }
  })
}

/** Steps that bring `rows` up to `targets` (behavior.md c.2). */
export function planUpgradeTo(
  map: RevisionMap,
  rowIdx: readonly number[],
  targets: readonly number[],
): Plan {
  for (const t of targets) {
    const over = targets.filter((o) => o !== t && map.isAncestor(t, o, true))
    if (over.length) {
      throw new RevisionError(
        `Requested revision ${map.revisions[t]!.id} overlaps with other requested revisions ` +
          `${over.map((o) => map.revisions[o]!.id).join(', ')}`,
      )
    }
  }
  const required = map.ancestorSet(targets, true)
  const applied = map.ancestorSet(rowIdx, true)
  for (let i = 0; i < map.size; i++) if (applied[i]) required[i] = 0
  const order = orderWalk(map, required, targets).reverse()
  return { steps: upgradeSteps(map, [...rowIdx], order), warnings: [] }
}

/** `upgrade TARGET` from the given rows. */
export function planUpgrade(map: RevisionMap, rows: readonly string[], target: string): Plan {
  checkNotRange(target)
  const rowIdx = resolveRows(map, rows)
  return planUpgradeTo(map, rowIdx, resolveUpgradeTarget(map, target, rowIdx))
}

/** Steps that take `rows` down to `target` (behavior.md c.3). */
function planDowngradeTo(
  map: RevisionMap,
  rowIdx: readonly number[],
  name: string,
  goal: DowngradeTarget,
): Plan {
  const warnings = [...goal.warnings]
  let roots =
    goal.target === EMPTY
      ? map.revisions.filter((r) => r.isBase).map((r) => r.index)
      : [...map.childIdx[goal.target]!]
  if (goal.label !== undefined) {
    if (roots.length >= 2) {
      roots = roots.filter((r) => map.isAncestor(r, goal.label!, false))
      if (roots.length === 0) {
        throw new RevisionError(`Not a valid downgrade target from current heads: '${name}'`)
      }
    } else if (goal.target === EMPTY) {
      warnings.push(
        `'${name}': the history has a single base, so the label does not narrow the downgrade; ` +
          `everything down to the base is removed`,
      )
    }
  }
  const applied = map.ancestorSet(rowIdx, true)
  const set = map.descendantSet(roots, true)
  let any = false
  for (let i = 0; i < map.size; i++) {
    set[i] = set[i]! & applied[i]!
    if (set[i]) any = true
  }
  if (!any && goal.target !== EMPTY && !applied[goal.target]) {
    throw new RevisionError(
      `Destination ${name} is not a valid downgrade target from current head(s) ` +
        `(${rowIdx.map((r) => map.revisions[r]!.id).join(', ') || 'empty'}); it is not applied`,
    )
  }
  const order = orderWalk(map, set, rowIdx)
  return { steps: downgradeSteps(map, [...rowIdx], order), warnings }
}

/** `downgrade TARGET` from the given rows. */
export function planDowngrade(map: RevisionMap, rows: readonly string[], target: string): Plan {
  checkNotRange(target)
  const rowIdx = resolveRows(map, rows)
  return planDowngradeTo(map, rowIdx, target, resolveDowngradeTarget(map, target, rowIdx))
}

/** `stamp REV...` (behavior.md c.6, with Retort's per-destination rows). */
export function planStamp(
  map: RevisionMap,
  rows: readonly string[],
  targets: readonly string[],
): Plan {
  const rowIdx = resolveRows(map, rows)
  const current = [...rowIdx]
  const ids = map.revisions
  const steps: PlanStep[] = []
  const stamp = (from: number[], to: number[], changes: RowChange[]): void => {
    steps.push({
      verb: 'stamp_revision',
      from: from.map((f) => ids[f]!.id),
      to: to.map((t) => ids[t]!.id),
      message: '',
      rowChanges: changes,
    })
  }
  const resolved = targets.map((t) => {
    if (parseRelative(t) || t.includes(':'))
      throw new ResolutionError(
        `Can't locate revision identified by '${t}'; stamp takes plain names`,
        t,
      )
    return resolveSymbolic(map, t)
  })
  const dests = [...new Set(resolved.flat())]
  if (dests.length === 0) {
    // Only base / L@base: remove the rows on each argument's lineage.
    const drop = new Set<number>()
    for (const t of targets) {
      const l = labelRevision(map, t)
      for (const r of current) {
        if (l === undefined || map.isAncestor(r, l, true) || map.isAncestor(l, r, true)) drop.add(r)
      }
    }
    for (const g of current.filter((r) => drop.has(r)))
      stamp([g], [], [{ kind: 'delete', revision: ids[g]!.id }])
    return { steps, warnings: [] }
  }
  for (const d of dests) {
    if (current.includes(d)) continue
    // The rows this destination replaces: the rows as they were, on its lineage (dependencies included).
    const related = rowIdx.filter((r) => map.isAncestor(r, d, true) || map.isAncestor(d, r, true))
    if (related.length === 0 || related.some((r) => !current.includes(r))) {
      // A new branch, or rows an earlier destination of this command already moved: insert.
      current.push(d)
      stamp(related, [d], [{ kind: 'insert', revision: ids[d]!.id }])
      continue
    }
    const changes: RowChange[] = related
      .slice(0, -1)
      .map((r) => ({ kind: 'delete', revision: ids[r]!.id }))
    const last = related[related.length - 1]!
    changes.push({ kind: 'update', from: ids[last]!.id, to: ids[d]!.id })
    for (const r of related.slice(0, -1)) current.splice(current.indexOf(r), 1)
    current[current.indexOf(last)] = d
    stamp(related, [d], changes)
  }
  return { steps, warnings: [] }
}

/** The applied heads to show for `current` (behavior.md d.current), load order. */
export function currentHeads(map: RevisionMap, rows: readonly string[]): Revision[] {
  const rowIdx = resolveRows(map, rows)
  const applied = map.ancestorSet(rowIdx, true)
  const out: Revision[] = []
  for (let i = 0; i < map.size; i++) {
    if (applied[i] && !map.childIdx[i]!.some((c) => applied[c])) out.push(map.revisions[i]!)
  }
  return out
}

/** What `history -r` needs to know about the database (only asked for when the range says `current`). */
export type RowsProvider = () => readonly string[]

/** `history [-r START:END]` (behavior.md c.5, b.6): revisions newest first. */
export function historyRange(
  map: RevisionMap,
  range: string | undefined,
  rows?: RowsProvider,
): Revision[] {
  let startText = ''
  let endText = ''
  if (range !== undefined) {
    const sides = splitRange(range)
    if (!sides)
      throw new RevisionError(
        `History range requires [start]:[end], [start]:, or :[end] (got '${range}')`,
      )
    startText = sides.start.trim()
    endText = sides.end.trim()
  }
  if (startText === 'current' && endText === 'current') {
    throw new ResolutionError(
      `Can't locate revision identified by 'current'; use 'current:' or ':current'`,
      'current',
    )
  }
  const currentRows = (): number[] => resolveRows(map, rows ? rows() : [])
  let starts: number[] = []
  if (startText === 'current') starts = currentRows()
  else if (startText !== '' && startText !== 'base') starts = resolveLookup(map, startText)
  const hasStart = starts.length > 0

  let ends: number[]
  if (endText === '' || endText === 'heads') ends = map.realHeads.map((r) => r.index)
  else if (endText === 'current') ends = currentRows()
  else ends = resolveUpgradeTarget(map, endText, starts, true)

  const at = startText.indexOf('@')
  if (at >= 0) {
    const label = startText.slice(0, at)
    ends = ends.filter((e) => carries(map, e, label))
  }
  if (hasStart && ends.length) {
    for (const s of starts) {
      if (!ends.some((e) => map.isAncestor(s, e, false))) {
        throw new RevisionError(
          `Requested range ${startText}:${endText} does not refer to ancestor/descendant revisions along the same branch`,
        )
      }
    }
  }
  const set = map.ancestorSet(ends, true)
  if (hasStart) {
    const below = map.ancestorSet(starts, true)
    const above = map.descendantSet(starts, false)
    for (let i = 0; i < map.size; i++) if (below[i] || !above[i]) set[i] = 0
    for (const s of starts) set[s] = 1
  }
  return orderWalk(map, set, ends).map((i) => map.revisions[i]!)
}
