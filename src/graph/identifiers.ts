import { MultipleHeadsError, ResolutionError, RevisionError } from '../errors.js'
import type { RevisionMap } from './revision-map.js'

/**
 * Identifier resolution (behavior.md b). Results are revision indices in the
 * map; an empty list is the empty state (`base`).
 */

/** `[L@][SYMBOL](+|-)N`, anchored at both ends (Retort rejects trailing text). */
const RELATIVE = /^(?:([^@]+)@)?([^@:+\-\s]*)([+-])(\d+)$/

export interface RelativeForm {
  readonly label?: string
  /** '' (from the current state), 'head', 'base', or a revision name. */
  readonly symbol: string
  readonly delta: number
}

/** Split a relative identifier, or undefined when it is not one. */
export function parseRelative(text: string): RelativeForm | undefined {
  const m = RELATIVE.exec(text)
  if (!m) return undefined
  const delta = Number(m[4]) * (m[3] === '-' ? -1 : 1)
  return m[1] === undefined ? { symbol: m[2]!, delta } : { label: m[1], symbol: m[2]!, delta }
}

export function unknownName(map: RevisionMap, name: string): ResolutionError {
  const close = closeNames(map, name)
  const hint =
    name.length < 4
      ? '; partial ids need at least four characters unless they match exactly one name'
      : ''
  const suggest = close.length ? `; did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : ''
  return new ResolutionError(`Can't locate revision identified by '${name}'${hint}${suggest}`, name)
}

/** A plain name: exact id or label, else an unambiguous prefix (behavior.md b.2). */
export function lookupName(map: RevisionMap, name: string, among?: (i: number) => boolean): number {
  const exact = map.byName(name)
  if (exact && (!among || among(exact.index))) return exact.index
  let matches = map.prefixMatches(name)
  if (among) matches = matches.filter((m) => among(map.byName(m)!.index))
  const targets = [...new Set(matches.map((m) => map.byName(m)!.index))]
  if (targets.length === 1) return targets[0]!
  if (targets.length > 1) {
    throw new ResolutionError(
      `ambiguous: '${name}' matches ${matches.sort().join(', ')}; give more characters of the id`,
      name,
    )
  }
  throw unknownName(map, name)
}

/** Heads (effective ones included) that share lineage with revision r. */
export function headsOnLineage(map: RevisionMap, r: number): number[] {
  const desc = map.descendantSet([r], false)
  return map.heads.filter((h) => desc[h.index]).map((h) => h.index)
}

function single(map: RevisionMap, name: string, candidates: number[]): number[] {
  if (candidates.length > 1) {
    throw new MultipleHeadsError(
      name,
      candidates.map((c) => map.revisions[c]!.id),
    )
  }
  return candidates
}

/**
 * Plain and symbolic names: ids, partial ids, labels, `head`, `heads`,
 * `base`, `L@head`, `L@heads`, `L@base`, `L@R`. No relative forms.
 */
export function resolveSymbolic(map: RevisionMap, name: string): number[] {
  if (name === 'heads') return map.realHeads.map((r) => r.index)
  if (name === 'head')
    return single(
      map,
      name,
      map.heads.map((r) => r.index),
    )
  if (name === 'base') return []
  const at = name.indexOf('@')
  if (at < 0) return [lookupName(map, name)]
  const labelPart = name.slice(0, at)
  const rest = name.slice(at + 1)
  const l = lookupName(map, labelPart)
  if (rest === 'base') return []
  if (rest === 'heads') return headsOnLineage(map, l)
  if (rest === 'head') return single(map, name, headsOnLineage(map, l))
  try {
    return [lookupName(map, rest, (i) => map.sharesLineage(i, l))]
  } catch (e) {
    const anywhere = map.byName(rest)
    if (!anywhere) throw e
    throw new ResolutionError(
      `Revision ${anywhere.id} is not a member of branch '${labelPart}' (it shares no lineage with ` +
        `${map.revisions[l]!.id}); use '${anywhere.id}' alone or a revision on that branch`,
      name,
    )
  }
}

/** Label part of `L@...` resolved to its revision, or undefined. */
export function labelRevision(map: RevisionMap, name: string): number | undefined {
  const at = name.indexOf('@')
  return at < 0 ? undefined : lookupName(map, name.slice(0, at))
}

/** Whether revision i carries label-or-revision L's labels (for `L@-N` and named-base ranges). */
export function carries(map: RevisionMap, i: number, label: string): boolean {
  const rev = map.revisions[i]!
  if (map.isLabel(label)) return rev.branchLabels.includes(label)
  // A revision id as the label part: the revisions sharing its lineage (Retort, behavior.md b.6).
  return map.sharesLineage(i, lookupName(map, label))
}

/** One step down: the single down revision, or -1 for the empty state. */
function stepDown(map: RevisionMap, i: number): number {
  const down = map.downIdx[i]!
  if (down.length > 1) {
    throw new RevisionError(
      `Ambiguous walk: ${map.revisions[i]!.id} is a merge point of ${map.revisions[i]!.downRevisions.join(', ')}; ` +
        `name the parent to follow`,
    )
  }
  return down.length ? down[0]! : -1
}

/** One step up from i (-1 = empty state), optionally only along lineage of `along`. */
function stepUp(map: RevisionMap, i: number, along: number | undefined): number | undefined {
  let next = i < 0 ? map.bases.map((b) => b.index) : [...map.childIdx[i]!]
  if (along !== undefined) next = next.filter((c) => map.sharesLineage(c, along))
  if (next.length > 1) {
    const from = i < 0 ? 'the empty state' : map.revisions[i]!.id
    throw new RevisionError(
      `Ambiguous walk: ${from} leads to ${next.map((c) => map.revisions[c]!.id).join(', ')}; ` +
        `name the branch (e.g. '<label>@+1') or the revision`,
    )
  }
  return next[0]
}

/**
 * Walk `delta` steps from `from` (-1 = empty state). Returns the index
 * reached (-1 = empty state), or undefined when the graph ran out
 * (`clamp` instead stops at the last revision reached).
 */
export function walk(
  map: RevisionMap,
  from: number,
  delta: number,
  along: number | undefined,
  clamp = false,
): number | undefined {
  let at = from
  for (let k = 0; k < Math.abs(delta); k++) {
    let next: number | undefined
    if (delta > 0) next = stepUp(map, at, along)
    else next = at < 0 ? undefined : stepDown(map, at)
    if (next === undefined) return clamp ? at : undefined
    at = next
  }
  return at
}

/** `-N` / `L@-N` in show, revision --head, merge and history START: real heads (carrying L) walked down. */
export function resolveLookup(map: RevisionMap, name: string): number[] {
  const rel = parseRelative(name)
  if (!rel || rel.symbol !== '' || rel.delta > 0) return resolveSymbolic(map, name)
  const label = rel.label
  const heads = map.realHeads.filter((h) => label === undefined || carries(map, h.index, label))
  const out: number[] = []
  for (const h of heads) {
    const at = walk(map, h.index, rel.delta, undefined)
    if (at === undefined || at < 0) {
      throw new RevisionError(
        `'${name}' walks head ${h.id} past its base; use a smaller step or name the revision`,
      )
    }
    if (!out.includes(at)) out.push(at)
  }
  return out
}

/** Rows (version table) resolved to indices; unknown ids fail with a hint to purge. */
export function resolveRows(map: RevisionMap, rows: readonly string[]): number[] {
  return rows.map((row) => {
    const r = map.byRevisionId(row)
    if (!r) {
      throw new ResolutionError(
        `Can't locate revision identified by '${row}': the version table names a revision that is not in ` +
          `the version locations; restore its file, or reset the table with 'stamp --purge <rev>'`,
        row,
      )
    }
    return r.index
  })
}

function closeNames(map: RevisionMap, name: string): string[] {
  const scored: [number, string][] = []
  for (const key of map.allNames()) {
    const d = distance(name, key.slice(0, Math.max(name.length, 4)))
    if (d <= Math.max(1, Math.floor(name.length / 4))) scored.push([d, key])
  }
  return scored
    .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1))
    .slice(0, 3)
    .map(([, k]) => k)
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = tmp
    }
  }
  return prev[b.length]!
}
