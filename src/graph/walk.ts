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
  live: Uint8Array,
  from: Int32Array,
  seen: Int32Array,
  epoch: number,
): Set<number> | undefined {
  if (c === t) return new Set([c])
  const gen = map.generation
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
    const x = stack.pop()!
    let children = map.effChildren[x]!
    // Explore the child nearest t's generation last pushed, so first popped.
    if (children.length > 1) children = [...children].sort((p, q) => gen[p]! - gen[q]!)
    for (const child of children) {
      if (child === t) {
        // The chain of revisions from c up to t: any of them as a tip still needs c.
        const chain = new Set([t])
        for (let y = x; y !== c; y = from[y]!) chain.add(y)
        chain.add(c)
        return chain
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
  // Paths keep an id while their tip moves down; claims remember who needs what.
  const open = [...first]
  const pathIds = open.map((_, k) => k)
  let nextPathId = open.length
  const claims = new Map<number, { path: number; chain: Set<number> }>()
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
        if (k >= 0 && known.chain.has(open[k]!)) {
          i = k
          continue
        }
      }
      let chain: Set<number> | undefined
      const j = open.findIndex(
        (tip, k) =>
          k !== i && (chain = needs(map, tip, c, live, from, seen, ++epoch)) !== undefined,
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
    for (const p of parents[c]!) if (reach[p]) pending[p]!--
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
