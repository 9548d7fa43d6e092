import { RevisionError } from '../errors.js'
import type { RevisionMap } from './revision-map.js'

interface Interval {
  readonly low: Int32Array
  readonly post: Int32Array
}

/**
 * Whether c is t or one of t's ancestors (dependencies included) through
 * members of the walk not yet emitted: a search upward from c that only
 * enters revisions whose reachability intervals lie inside t's and whose
 * generation is below t's (a path from t down to c can only pass there).
 */
function needs(
  map: RevisionMap,
  t: number,
  c: number,
  open: Uint8Array,
  seen: Int32Array,
  epoch: number,
): boolean {
  if (c === t) return true
  const gen = map.generation
  const [a, b] = map.reachIntervals() as [Interval, Interval]
  const under = (x: number): boolean =>
    gen[x]! < gen[t]! &&
    a.low[t]! <= a.low[x]! &&
    a.post[x]! <= a.post[t]! &&
    b.low[t]! <= b.low[x]! &&
    b.post[x]! <= b.post[t]!
  if (!under(c)) return false
  const stack = [c]
  seen[c] = epoch
  while (stack.length) {
    const x = stack.pop()!
    for (const child of map.effChildren[x]!) {
      if (child === t) return true
      if (seen[child] === epoch || !open[child] || !under(child)) continue
      seen[child] = epoch
      stack.push(child)
    }
  }
  return false
}

/**
 * The ordering walk of behavior.md c.1: a depth-first walk down effective
 * parents from `starts` (in load order) that never emits a revision while
 * another open path still has to pass through it. Returns members of `set`,
 * newest first (history order; upgrade runs it reversed).
 *
 * Two shortcuts keep it fast on long histories: whether any other path
 * needs c is "c has a child in the set not emitted yet" (every such child
 * lies below some open path), and which path needs it is a search from each
 * tip pruned by reachability intervals instead of whole ancestor sets.
 */
export function orderWalk(map: RevisionMap, set: Uint8Array, starts: Iterable<number>): number[] {
  const n = map.size
  const parents = map.effParents
  const first = [...new Set(starts)].filter((s) => set[s]).sort((a, b) => a - b)

  // reach: members of the set below the starts (through members only).
  const reach = new Uint8Array(n)
  const stack = [...first]
  for (const s of first) reach[s] = 1
  while (stack.length) {
    const x = stack.pop()!
    for (const p of parents[x]!) {
      if (set[p] && !reach[p]) {
        reach[p] = 1
        stack.push(p)
      }
    }
  }
  const pending = new Int32Array(n)
  for (let x = 0; x < n; x++) {
    if (!reach[x]) continue
    for (const p of parents[x]!) if (reach[p]) pending[p]!++
  }

  const emitted = new Uint8Array(n)
  // Members still to be emitted: the only revisions a path from a tip down to c can cross.
  const live = reach.slice()
  const isOpen = new Uint8Array(n)
  const open = [...first]
  const seen = new Int32Array(n)
  let epoch = 0
  for (const s of first) isOpen[s] = 1
  const out: number[] = []

  let i = 0
  while (open.length) {
    const c = open[i]!
    if (pending[c]! > 0) {
      const j = open.findIndex((tip, k) => k !== i && needs(map, tip, c, live, seen, ++epoch))
      if (j < 0) throw new RevisionError(`internal error: no open path needs ${map.revisions[c]!.id}`)
      i = j
      continue
    }
    emitted[c] = 1
    live[c] = 0
    out.push(c)
    for (const p of parents[c]!) if (reach[p]) pending[p]!--
    const next = parents[c]!.filter((p) => reach[p] && !emitted[p] && !isOpen[p])
    isOpen[c] = 0
    if (next.length === 0) {
      open.splice(i, 1)
      i = Math.max(i - 1, 0)
    } else {
      open[i] = next[0]!
      for (let k = 1; k < next.length; k++) open.push(next[k]!)
      for (const p of next) isOpen[p] = 1
    }
  }
  return out
}
