import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { RetortError } from '../../src/errors.js'
import { resolveLookup, resolveSymbolic } from '../../src/graph/identifiers.js'
import {
  currentHeads,
  historyRange,
  planDowngrade,
  planStamp,
  planUpgrade,
} from '../../src/graph/plans.js'
import { RevisionMap } from '../../src/graph/revision-map.js'
import { orderWalk } from '../../src/graph/walk.js'
import type { RevisionRecord } from '../../src/graph/revision.js'
import { appliedRows } from '../helpers/graph.js'

/**
 * Random DAGs: each revision picks up to two parents among earlier ones
 * (none makes a base), some carry a label, some depend on an earlier
 * revision; load order is a random permutation of creation order.
 */
const graphArb = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.record({
      parents: fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          i === 0
            ? fc.constant<number[]>([])
            : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { maxLength: 2 }),
        ),
      ),
      labelled: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      dep: fc.array(fc.option(fc.nat(), { freq: 4 }), { minLength: n, maxLength: n }),
      order: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
    }),
  )
  .map(({ parents, labelled, dep, order }) => {
    const id = (i: number): string => `r${String(i).padStart(3, '0')}x${(i * 7919) % 97}`
    const records: RevisionRecord[] = order.map((i) => {
      const d = dep[i]
      const depOn = i > 0 && d !== null && d !== undefined ? [id(d % i)] : []
      return {
        revision: id(i),
        downRevisions: parents[i]!.map(id),
        branchLabels: labelled[i] && i % 3 === 0 ? [`lab${i}`] : [],
        dependsOn: depOn,
        doc: `rev ${i}`,
        path: `v/${id(i)}.ts`,
        versionLocation: 'v',
      }
    })
    return records
  })

/** Long straight runs with occasional forks, merges and dependencies, like real histories. */
const chainyArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat(), fc.nat()), {
    minLength: 2,
    maxLength: 150,
  })
  .map((steps) =>
    steps.map(([kind, x, y], i): RevisionRecord => {
      const id = `c${i}`
      const prev = i === 0 ? [] : [`c${i - 1}`]
      const other = i > 1 ? `c${x % (i - 1)}` : undefined
      const down = kind === 0 && other ? [other] : kind === 1 && other ? [...prev, other] : prev
      const deps = kind === 2 && i > 2 ? [`c${y % (i - 2)}`] : []
      return {
        revision: id,
        downRevisions: [...new Set(down)],
        branchLabels: [],
        dependsOn: deps,
        doc: id,
        path: `v/${id}.ts`,
        versionLocation: 'v',
      }
    }),
  )

const ids = (map: RevisionMap, xs: readonly number[]): string[] =>
  xs.map((x) => map.revisions[x]!.id)

/** behavior.md c.1 exactly as written: ancestor sets per open path, recomputed at every step. */
function referenceWalk(map: RevisionMap, set: Uint8Array, starts: number[]): number[] {
  const need = (x: number): Set<number> => {
    const anc = map.ancestorSet([x], true)
    return new Set([...anc.keys()].filter((k) => anc[k]))
  }
  const open = [...new Set(starts)].filter((s) => set[s]).sort((a, b) => a - b)
  const needs = open.map(need)
  const out: number[] = []
  let i = 0
  while (open.length) {
    const c = open[i]!
    const j = open.findIndex((_, k) => k !== i && needs[k]!.has(c))
    if (j >= 0) {
      i = j
      continue
    }
    if (set[c] && !out.includes(c)) out.push(c)
    const next = map.effParents[c]!.filter((p) => set[p] && !out.includes(p) && !open.includes(p))
    if (next.length === 0) {
      open.splice(i, 1)
      needs.splice(i, 1)
      i = Math.max(i - 1, 0)
    } else {
      open[i] = next[0]!
      needs[i] = need(next[0]!)
      for (const p of next.slice(1)) {
        open.push(p)
        needs.push(need(p))
      }
    }
  }
  return out
}

describe('graph properties over random histories', () => {
  it('the ordering walk gives the order of behavior.md c.1 taken literally, for every set a command walks', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(), (records, pick) => {
        const map = RevisionMap.build(records)
        const all = new Uint8Array(map.size).fill(1)
        const heads = map.realHeads.map((h) => h.index)
        assert.deepEqual(orderWalk(map, all, heads), referenceWalk(map, all, heads))
        // A partial set, as a downgrade walks: the descendants of one revision among the applied ones.
        const root = pick % map.size
        const part = map.descendantSet([root], true)
        assert.deepEqual(orderWalk(map, part, heads), referenceWalk(map, part, heads))
      }),
      { numRuns: 300 },
    )
    fc.assert(
      fc.property(chainyArb, (records) => {
        const map = RevisionMap.build(records)
        const all = new Uint8Array(map.size).fill(1)
        const heads = map.realHeads.map((h) => h.index)
        assert.deepEqual(orderWalk(map, all, heads), referenceWalk(map, all, heads))
      }),
      { numRuns: 300 },
    )
  })

  it('history ranges on histories with dependencies give the order of c.1 taken literally', () => {
    // The set of c.5: END and its ancestors (dependencies included) less START's, kept to START and
    // its down-revision descendants. Paths through revisions left outside still count (c.1's need).
    const rangeSet = (map: RevisionMap, starts: number[], ends: number[]): Uint8Array => {
      const set = map.ancestorSet(ends, true)
      const below = map.ancestorSet(starts, true)
      const above = map.descendantSet(starts, false)
      for (let i = 0; i < map.size; i++) if (below[i] || !above[i]) set[i] = 0
      for (const s of starts) set[s] = 1
      return set
    }
    const check = (records: RevisionRecord[], x: number, y: number): void => {
      const map = RevisionMap.build(records)
      const start = map.revisions[x % map.size]!
      const heads = map.realHeads.map((h) => h.index)
      // 'X:' and 'current:' (rows X): END is every real head.
      const set = rangeSet(map, [start.index], heads)
      const expected = ids(map, referenceWalk(map, set, heads))
      assert.deepEqual(ids(map, orderWalk(map, set, heads)), expected)
      // history refuses a START that no head descends from (c.5); the walk above still counts.
      if (!heads.some((h) => map.isAncestor(start.index, h, false))) return
      assert.deepEqual(
        historyRange(map, `${start.id}:`).map((r) => r.id),
        expected,
      )
      assert.deepEqual(
        historyRange(map, 'current:', () => [start.id]).map((r) => r.id),
        expected,
      )
      // 'X:Y' for a Y above X.
      const end = map.revisions[y % map.size]!
      if (end.index !== start.index && map.isAncestor(start.index, end.index, false)) {
        const part = rangeSet(map, [start.index], [end.index])
        const want = ids(map, referenceWalk(map, part, [end.index]))
        assert.deepEqual(
          historyRange(map, `${start.id}:${end.id}`).map((r) => r.id),
          want,
        )
      }
    }
    fc.assert(
      fc.property(graphArb, fc.nat(), fc.nat(), (records, x, y) => check(records, x, y)),
      { numRuns: 400 },
    )
    fc.assert(
      fc.property(chainyArb, fc.nat(), fc.nat(), (records, x, y) => check(records, x, y)),
      { numRuns: 200 },
    )
  })

  it('heads are exactly the revisions no other revision names as a down revision', () => {
    fc.assert(
      fc.property(graphArb, (records) => {
        const map = RevisionMap.build(records)
        const named = new Set(records.flatMap((r) => r.downRevisions))
        const expected = records.filter((r) => !named.has(r.revision)).map((r) => r.revision)
        assert.deepEqual(
          map.heads.map((h) => h.id),
          expected,
        )
      }),
      { numRuns: 200 },
    )
  })

  it("'A:B' history is the ancestors of B that descend from A (histories without dependencies)", () => {
    fc.assert(
      fc.property(graphArb, fc.nat(), fc.nat(), (withDeps, x, y) => {
        const records = withDeps.map((r) => ({ ...r, dependsOn: [] }))
        const map = RevisionMap.build(records)
        const a = map.revisions[x % map.size]!
        const b = map.revisions[y % map.size]!
        if (!map.isAncestor(a.index, b.index, true)) return
        const listed = historyRange(map, `${a.id}:${b.id}`)
          .map((r) => r.id)
          .sort()
        const expected = map.revisions
          .filter(
            (r) =>
              map.isAncestor(r.index, b.index, true) &&
              (r.index === a.index ||
                (map.isAncestor(a.index, r.index, false) &&
                  !map.isAncestor(r.index, a.index, true))),
          )
          .map((r) => r.id)
          .sort()
        assert.deepEqual(listed, expected)
      }),
      { numRuns: 200 },
    )
  })

  it('every identifier of a revision resolves back to it', () => {
    fc.assert(
      fc.property(graphArb, (records) => {
        const map = RevisionMap.build(records)
        for (const rev of map.revisions) {
          assert.deepEqual(ids(map, resolveSymbolic(map, rev.id)), [rev.id])
          // The shortest prefix of four or more characters that only this id starts with.
          for (let len = 4; len < rev.id.length; len++) {
            const prefix = rev.id.slice(0, len)
            if (map.prefixMatches(prefix).length === 1) {
              assert.deepEqual(ids(map, resolveSymbolic(map, prefix)), [rev.id])
              break
            }
          }
          for (const label of rev.declaredLabels) {
            assert.deepEqual(ids(map, resolveSymbolic(map, label)), [rev.id])
            assert.deepEqual(ids(map, resolveSymbolic(map, `${label}@${rev.id}`)), [rev.id])
          }
          if (rev.isHead) {
            const viaLineage = resolveSymbolic(map, `${rev.id}@heads`)
            assert.ok(ids(map, viaLineage).includes(rev.id))
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  it('no valid graph makes a command crash: upgrade, downgrade, stamp, history and show either work or fail cleanly', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(), (records, pick) => {
        const map = RevisionMap.build(records)
        const clean = (fn: () => unknown): void => {
          try {
            fn()
          } catch (e) {
            assert.ok(e instanceof RetortError, `not a RetortError: ${(e as Error).stack}`)
          }
        }
        const up = planUpgrade(map, [], 'heads')
        const rows = appliedRows([], up)
        // After upgrading to heads every revision is applied and the rows are the real heads.
        assert.deepEqual([...rows].sort(), map.realHeads.map((h) => h.id).sort())
        assert.equal(up.steps.length, map.size)
        assert.deepEqual(
          currentHeads(map, rows)
            .map((r) => r.id)
            .sort(),
          map.heads.map((h) => h.id).sort(),
        )
        const down = planDowngrade(map, rows, 'base')
        assert.equal(down.steps.length, map.size)
        const target = map.revisions[pick % map.size]!
        for (const name of [
          target.id,
          '-1',
          '+1',
          'head',
          `${target.id}@head`,
          'head-1',
          `${target.id}+1`,
        ]) {
          clean(() => planUpgrade(map, rows.slice(0, 1), name))
          clean(() => planDowngrade(map, rows, name))
          clean(() => resolveLookup(map, name))
        }
        clean(() => planStamp(map, rows, [target.id]))
        clean(() => historyRange(map, `${target.id}:`))
        clean(() => historyRange(map, `:${target.id}`))
        assert.equal(historyRange(map, undefined).length, map.size)
      }),
      { numRuns: 200 },
    )
  })
})
