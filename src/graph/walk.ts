import type { RevisionMap } from './revision-map.js'

/**
 * The ordering walk of behavior.md c.1: a depth-first walk down effective
 * parents from `starts` (in load order) that never emits a revision while
 * another open path still has to pass through it. Returns members of `set`,
 * newest first (history order; upgrade runs it reversed).
 *
 * The spec phrases the "another path needs it" test with ancestor sets per
 * open path; here it is the equivalent "has a child in the set that is not
 * emitted yet" (every unemitted member stays below some open path), and the
 * path to switch to is found by climbing from the revision to the open tips.
 * That keeps the walk linear on histories of tens of thousands of revisions.
 */
export function orderWalk(map: RevisionMap, set: Uint8Array, starts: Iterable<number>): number[] {
  const n = map.size
  const parents = map.effParents
  const children = map.effChildren
  const open = [...new Set(starts)].filter((s) => set[s]).sort((a, b) => a - b)

  // reach: members of the set below the starts (through members only).
  const reach = new Uint8Array(n)
  const stack = [...open]
  for (const s of open) reach[s] = 1
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
  const isOpen = new Uint8Array(n)
  for (const s of open) isOpen[s] = 1
  const out: number[] = []
  const seen = new Int32Array(n)
  let epoch = 0

  // Position in `open` of the first tip that still has to pass through c.
  const firstClaimant = (c: number): number => {
    epoch++
    let best = Infinity
    const todo = [c]
    seen[c] = epoch
    while (todo.length) {
      const x = todo.pop()!
      for (const ch of children[x]!) {
        if (!reach[ch] || emitted[ch] || seen[ch] === epoch) continue
        seen[ch] = epoch
        if (isOpen[ch]) best = Math.min(best, open.indexOf(ch))
        todo.push(ch)
      }
    }
    return best
  }

  let i = 0
  while (open.length) {
    const c = open[i]!
    if (pending[c]! > 0) {
      i = firstClaimant(c)
      continue
    }
    if (!emitted[c]) {
      emitted[c] = 1
      out.push(c)
      for (const p of parents[c]!) if (reach[p]) pending[p]!--
    }
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
