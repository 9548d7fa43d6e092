import { RevisionError } from '../errors.js'
import type { RevisionMap } from './revision-map.js'

interface Interval {
  readonly low: Int32Array
  readonly post: Int32Array
}

/**
 * Straight runs of the graph: x and its only child are in one run when that
 * child has x as its only effective parent. A search up a run can jump to
 * its top, since every path through the run passes all of it.
 */
interface Runs {
  readonly id: Int32Array
  readonly top: Int32Array
}

function straightRuns(map: RevisionMap): Runs {
  const n = map.size
  const id = new Int32Array(n).fill(-1)
  const top: number[] = []
  const up = (x: number): number => {
    const kids = map.effChildren[x]!
    return kids.length === 1 && map.effParents[kids[0]!]!.length === 1 ? kids[0]! : -1
  }
  for (let x = 0; x < n; x++) {
    const ps = map.effParents[x]!
    // Start at the bottom of each run: x is not the straight continuation of its parent.
    if (ps.length === 1 && up(ps[0]!) === x) continue
    const run = top.length
    let y = x
    id[y] = run
    for (let next = up(y); next >= 0; next = up(y)) {
      y = next
      id[y] = run
    }
    top.push(y)
  }
  return { id, top: Int32Array.from(top) }
}

/** Where a search found a path from c up to a tip: per run, the lowest generation on the path. */
type Chain = Map<number, number>

/**
 * Whether c is t or one of t's ancestors (dependencies included) through
 * members of the walk not yet emitted: a search upward from c that only
 * enters revisions whose reachability intervals lie inside t's and whose
 * generation is below t's (a path from t down to c can only pass there),
 * jumping along straight runs.
 */
function needs(
  map: RevisionMap,
  runs: Runs,
  t: number,
  c: number,
  live: Uint8Array,
  from: Int32Array,
  seen: Int32Array,
  epoch: number,
): Chain | undefined {
  const gen = map.generation
  const chainTo = (x: number): Chain => {
    const chain: Chain = new Map([[runs.id[t]!, gen[t]!]])
    for (let y = x; ; y = from[y]!) {
      const r = runs.id[y]!
      const low = chain.get(r)
      if (low === undefined || gen[y]! < low) chain.set(r, gen[y]!)
      if (y === c) return chain
    }
  }
  if (c === t) return chainTo(c)
  const [a, b] = map.reachIntervals() as [Interval, Interval]
  const under = (x: number): boolean =>
    gen[x]! < gen[t]! &&
    a.low[t]! <= a.low[x]! &&
    a.post[x]! <= a.post[t]! &&
    b.low[t]! <= b.low[x]! &&
    b.post[x]! <= b.post[t]!
  if (!under(c)) return undefined
  const stack = [c]
  seen[c] = epoch
  while (stack.length) {
    let x = stack.pop()!
    const run = runs.id[x]!
    if (runs.id[t] === run) return chainTo(x) // t is higher up the same run
    const top = runs.top[run]!
    if (top !== x) {
      // Every path up from x passes the run's top; below an open tip nothing is emitted.
      if (seen[top] === epoch || !live[top] || !under(top)) continue
      seen[top] = epoch
      from[top] = x
      x = top
    }
    let children = map.effChildren[x]!
    // Climb toward t: the child of highest generation is pushed last, so tried first.
    if (children.length > 1) children = [...children].sort((p, q) => gen[p]! - gen[q]!)
    for (const child of children) {
      if (child === t) {
        from[t] = x
        return chainTo(t)
      }
      if (seen[child] === epoch || !live[child] || !under(child)) continue
      seen[child] = epoch
      from[child] = x
      stack.push(child)
    }
  }
  return undefined
}

/**
 * Revisions outside `reach` that lie on a path from one member down to
 * another (through dependencies, e.g. a base depending on a member, when a
 * history range keeps only the down-revision descendants of START). c.1
 * counts ancestors over the whole graph, so a member below such a path
 * waits for it like for a member child. Undefined when there are none, as
 * for every upgrade and downgrade set.
 */
function bridgesOf(map: RevisionMap, reach: Uint8Array): Uint8Array | undefined {
  const n = map.size
  const gen = map.generation
  const parents = map.effParents
  let lowest = Infinity
  for (let x = 0; x < n; x++) if (reach[x] && gen[x]! < lowest) lowest = gen[x]!
  // Down from the members through outsiders; below the lowest member no path can lead to one.
  const below = new Uint8Array(n)
  const found: number[] = []
  const stack: number[] = []
  const visit = (x: number): void => {
    for (const p of parents[x]!) {
      if (reach[p] || below[p] || gen[p]! <= lowest) continue
      below[p] = 1
      found.push(p)
      stack.push(p)
    }
  }
  for (let x = 0; x < n; x++) if (reach[x]) visit(x)
  while (stack.length) visit(stack.pop()!)
  if (found.length === 0) return undefined
  // Keep those that lead on down to a member: parents first, by generation.
  found.sort((a, b) => gen[a]! - gen[b]!)
  const bridge = new Uint8Array(n)
  let any = false
  for (const x of found) {
    if (parents[x]!.some((p) => reach[p] || bridge[p])) {
      bridge[x] = 1
      any = true
    }
  }
  return any ? bridge : undefined
}

/**
 * The ordering walk of behavior.md c.1: a depth-first walk down effective
 * parents from `starts` (in load order) that never emits a revision while
 * another open path still has to pass through it. Returns members of `set`,
 * newest first (history order; upgrade runs it reversed).
 *
 * Two shortcuts keep it fast on long histories: whether any other path
 * needs c is "c has a child in the set not emitted yet, directly or through
 * bridges" (every such child lies below some open path), and which path needs it is a search from each
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
  const bridge = bridgesOf(map, reach)
  const pending = new Int32Array(n)
  for (let x = 0; x < n; x++) {
    if (!reach[x] && !bridge?.[x]) continue
    for (const p of parents[x]!) if (reach[p] || bridge?.[p]) pending[p]!++
  }

  const emitted = new Uint8Array(n)
  // Members still to be emitted, and bridges still below one: the only revisions a path
  // from a tip down to c can cross.
  const live = reach.slice()
  if (bridge) for (let x = 0; x < n; x++) if (bridge[x]) live[x] = 1
  // One fewer child waits for p; a bridge nothing waits for any more frees its own parents.
  const release = (p: number): void => {
    const stack = [p]
    while (stack.length) {
      const x = stack.pop()!
      if (--pending[x]! > 0 || !bridge?.[x]) continue
      live[x] = 0
      for (const q of parents[x]!) if (reach[q] || bridge[q]) stack.push(q)
    }
  }
  const isOpen = new Uint8Array(n)
  // Paths keep an id while their tip moves down; claims remember who needs what.
  const open = [...first]
  const pathIds = open.map((_, k) => k)
  let nextPathId = open.length
  const claims = new Map<number, { path: number; chain: Chain }>()
  const runs = straightRuns(map)
  const from = new Int32Array(n)
  const seen = new Int32Array(n)
  let epoch = 0
  for (const s of first) isOpen[s] = 1
  const out: number[] = []

  let i = 0
  while (open.length) {
    const c = open[i]!
    if (pending[c]! > 0) {
      // The first path that needs c stays first while it still needs c: paths before it
      // only move down (needing less) and new paths are added after it. It still needs c
      // while its tip is on the chain found from c up to it.
      const known = claims.get(c)
      if (known) {
        const k = pathIds.indexOf(known.path)
        const tip = k >= 0 ? open[k]! : -1
        const low = tip >= 0 ? known.chain.get(runs.id[tip]!) : undefined
        if (low !== undefined && low <= map.generation[tip]!) {
          i = k
          continue
        }
      }
      let chain: Chain | undefined
      const j = open.findIndex(
        (tip, k) =>
          k !== i && (chain = needs(map, runs, tip, c, live, from, seen, ++epoch)) !== undefined,
      )
      if (j < 0)
        throw new RevisionError(`internal error: no open path needs ${map.revisions[c]!.id}`)
      claims.set(c, { path: pathIds[j]!, chain: chain! })
      i = j
      continue
    }
    emitted[c] = 1
    live[c] = 0
    out.push(c)
    for (const p of parents[c]!) if (reach[p] || bridge?.[p]) release(p)
    const next = parents[c]!.filter((p) => reach[p] && !emitted[p] && !isOpen[p])
    isOpen[c] = 0
    if (next.length === 0) {
      open.splice(i, 1)
      pathIds.splice(i, 1)
      i = Math.max(i - 1, 0)
    } else {
      open[i] = next[0]!
      for (let k = 1; k < next.length; k++) {
        open.push(next[k]!)
        pathIds.push(nextPathId++)
      }
      for (const p of next) isOpen[p] = 1
    }
  }
  return out
}
