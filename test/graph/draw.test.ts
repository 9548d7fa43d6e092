import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateHistory } from '../../bench/generate.js'
import { dotGraph, drawGraph, mermaidGraph } from '../../src/graph/draw.js'
import { historyRange } from '../../src/graph/plans.js'
import { RevisionMap, type Revision } from '../../src/graph/revision-map.js'
import { exampleGraph, graphOf } from '../helpers/graph.js'

const all = (map: RevisionMap): Revision[] => historyRange(map, undefined)
const draw = (map: RevisionMap, range?: string): string =>
  drawGraph(historyRange(map, range)).join('\n') + '\n'

/**
 * Read a drawing back: which lane each line's `*` sits on, which lanes end
 * there (`'`) or start there (`.`), and so which down-revision edges it
 * shows. Fails on a mark that no lane explains.
 */
function edgesOf(lines: readonly string[]): { edges: string[]; width: number; ids: string[] } {
  /** lane -> id of the revision the lane comes from */
  const lanes = new Map<number, string>()
  const edges: string[] = []
  const ids: string[] = []
  let width = 0
  const cellsOf = (line: string): string[] => {
    const graph = line.slice(0, line.search(/\w/) - 2)
    const cells: string[] = []
    for (let k = 0; k < graph.length; k += 2) cells.push(graph[k]!)
    return cells
  }
  for (const [n, line] of lines.entries()) {
    const cells = cellsOf(line)
    width = Math.max(width, cells.length)
    const id = line.slice(line.search(/\w/)).split(/[ ,]/)[0]!
    ids.push(id)
    const own = cells.indexOf('*')
    assert.ok(own >= 0 && cells.lastIndexOf('*') === own, `one * on line ${n}: ${line}`)
    cells.forEach((cell, c) => {
      if (cell === '|') assert.ok(lanes.has(c), `line ${n}: '|' on lane ${c} that nothing opened`)
      if (cell === "'" || (cell === '*' && lanes.has(c))) {
        assert.ok(lanes.has(c), `line ${n}: lane ${c} ends without a source`)
        edges.push(`${lanes.get(c)}->${id}`)
        lanes.delete(c)
      }
    })
    // Lanes leaving this line: the next line shows them on its own row.
    const next = lines[n + 1] ? cellsOf(lines[n + 1]!) : []
    cells.forEach((cell, c) => {
      const continues =
        next[c] !== undefined && next[c] !== ' ' && next[c] !== '-' && next[c] !== '.'
      if ((cell === '*' || cell === '.') && continues) lanes.set(c, id)
      if (cell === '.') assert.ok(continues, `line ${n}: lane ${c} opened and not continued`)
    })
  }
  assert.equal(lanes.size, 0, `lanes left open at the end: ${[...lanes.values()].join(', ')}`)
  return { edges: edges.sort(), width, ids }
}

function expectedEdges(revisions: readonly Revision[]): string[] {
  const inList = new Set(revisions.map((r) => r.id))
  return revisions
    .flatMap((r) => r.downRevisions.filter((p) => inList.has(p)).map((p) => `${r.id}->${p}`))
    .sort()
}

describe('history --graph drawing', () => {
  it('draws a three-way merge and its branch point with lanes that open and close', () => {
    assert.equal(
      draw(exampleGraph('three-way-merge')),
      [
        '*  n (head), rev n',
        '*-.-.  m (mergepoint), rev m',
        '* | |  c1, rev c1',
        '| * |  c2, rev c2',
        '| | *  c3, rev c3',
        "*-'-'  b (branchpoint), rev b",
        '*  a (base), rev a',
        '',
      ].join('\n'),
    )
  })

  it('draws labelled branches and several bases; a new lane never continues one that stopped', () => {
    assert.equal(
      draw(exampleGraph('docs-branch-dependencies')),
      [
        '*  29f859a13ea (networking) (head), add DNS table',
        '*  109ec7d132bf (networking), add ip number table',
        '*  3cac04ae8714 (networking) (base), create networking branch',
        '  *  55af2cb1c267 (head), add another account column',
        '  *  ae1027a6acf, add a column',
        '* |  d747a8a8879 (shoppingcart) (head), add a shopping cart column',
        '* |  27c6a30d7c24 (shoppingcart), add shopping cart table',
        "*-'  1975ea83b712 (base) (branchpoint), create account table",
        '',
      ].join('\n'),
    )
  })

  it('writes dependencies as a note, never as a lane, and marks current revisions', () => {
    const map = graphOf(
      { a1: [], a2: ['a1'], b1: [], b2: ['b1'] },
      { b2: { deps: ['a2'] }, a1: { labels: ['alpha'] } },
    )
    assert.equal(
      drawGraph(all(map), { current: new Set(['a2']) }).join('\n') + '\n',
      [
        '*  b2 (head), rev b2  [depends on a2]',
        '*  b1 (base), rev b1',
        '  *  a2 (alpha) (effective head) (current), rev a2',
        '  *  a1 (alpha) (base), rev a1',
        '',
      ].join('\n'),
    )
  })

  it('draws a range: lanes to revisions outside it stop at the edge of the range', () => {
    const text = draw(exampleGraph('three-way-merge'), 'c1:')
    assert.equal(
      text,
      ['*  n (head), rev n', '*  m (mergepoint), rev m', '*  c1, rev c1', ''].join('\n'),
    )
  })

  it('stays readable on a 1,000-revision history: every revision once, every edge drawn, few lanes', () => {
    const generated = generateHistory(1000)
    const map = RevisionMap.build(
      generated.revisions.map((r) => ({
        revision: r.revision,
        downRevisions: r.downRevision === null ? [] : [r.downRevision].flat(),
        branchLabels: r.branchLabels ? [r.branchLabels].flat() : [],
        dependsOn: r.dependsOn ? [r.dependsOn].flat() : [],
        doc: r.message,
        path: `${r.versionLocation ?? 'v'}/${r.revision}.ts`,
        versionLocation: r.versionLocation ?? 'v',
      })),
    )
    const revisions = all(map)
    const lines = drawGraph(revisions)
    const { edges, width, ids } = edgesOf(lines)
    assert.equal(lines.length, map.size)
    assert.deepEqual([...ids].sort(), map.revisions.map((r) => r.id).sort())
    assert.deepEqual(edges, expectedEdges(revisions))
    // Four labelled branches, three bases, feature branches: a dozen lanes at most.
    assert.ok(width <= 12, `at most 12 lanes, got ${width}`)
    assert.ok(map.revisions.some((r) => r.dependsOn.length))
    assert.equal(
      lines.filter((l) => l.includes('[depends on ')).length,
      map.revisions.filter((r) => r.dependsOn.length).length,
    )
  })

  it('a main line with a feature branch merging every twenty revisions takes two lanes', () => {
    const parents: Record<string, string[]> = { m0: [] }
    for (let i = 1; i <= 200; i++) {
      if (i % 20 === 0) {
        // A three-revision feature branched ten revisions earlier merges here.
        parents[`f${i}a`] = [`m${i - 10}`]
        parents[`f${i}b`] = [`f${i}a`]
        parents[`f${i}c`] = [`f${i}b`]
        parents[`m${i}`] = [`m${i - 1}`, `f${i}c`]
      } else parents[`m${i}`] = [`m${i - 1}`]
    }
    const revisions = all(graphOf(parents))
    const lines = drawGraph(revisions)
    const { edges, width } = edgesOf(lines)
    assert.deepEqual(edges, expectedEdges(revisions))
    assert.equal(width, 2)
    assert.equal(lines.filter((l) => l.startsWith('*-.')).length, 10)
  })

  it('three labelled long-lived branches from one base take three lanes', () => {
    // 'root', not 'base': a reserved word is refused as a revision id (issue 12).
    const parents: Record<string, string[]> = { root: [] }
    const extra: Record<string, { labels: string[] }> = {}
    for (const b of ['billing', 'search', 'audit']) {
      for (let i = 1; i <= 30; i++) parents[`${b}${i}`] = [i === 1 ? 'root' : `${b}${i - 1}`]
      extra[`${b}1`] = { labels: [b] }
    }
    const revisions = all(graphOf(parents, extra))
    const lines = drawGraph(revisions)
    const { edges, width } = edgesOf(lines)
    assert.deepEqual(edges, expectedEdges(revisions))
    assert.equal(width, 3)
    assert.ok(lines.some((l) => /\(billing\) \(head\)/.test(l)))
  })

  it('the invariant checker rejects a drawing that drops an edge', () => {
    const lines = drawGraph(all(exampleGraph('three-way-merge')))
    const broken = lines.map((l) => l.replace("*-'-'", "*-'  "))
    assert.throws(() => {
      const { edges } = edgesOf(broken)
      assert.deepEqual(edges, expectedEdges(all(exampleGraph('three-way-merge'))))
    })
  })
})

describe('history --graph --format mermaid and dot', () => {
  const withDep = graphOf(
    { a: [], b: ['a'], x1: [], c: ['b'] },
    { c: { deps: ['x1'], labels: ['feat'] } },
  )

  it('mermaid: oldest at the bottom, solid down revisions, dotted dependencies, heads (effective ones too) bold', () => {
    assert.equal(
      mermaidGraph(all(withDep)),
      [
        'flowchart BT',
        '  r_x1["x1: rev x1"]',
        '  r_a["a (feat): rev a"]',
        '  r_b["b (feat): rev b"]',
        '  r_c["c (feat): rev c"]',
        '  r_b --> r_a',
        '  r_c --> r_b',
        '  r_c -. depends on .-> r_x1',
        '  classDef head stroke-width:3px',
        '  class r_x1,r_c head',
        '',
      ].join('\n'),
    )
  })

  it('dot: a digraph with dashed dependency edges and bold heads', () => {
    assert.equal(
      dotGraph(all(withDep)),
      [
        'digraph revisions {',
        '  rankdir=BT;',
        '  node [shape=box];',
        '  "x1" [label="x1: rev x1", style=bold];',
        '  "a" [label="a (feat): rev a"];',
        '  "b" [label="b (feat): rev b"];',
        '  "c" [label="c (feat): rev c", style=bold];',
        '  "b" -> "a";',
        '  "c" -> "b";',
        '  "c" -> "x1" [style=dashed, label="depends on"];',
        '}',
        '',
      ].join('\n'),
    )
  })
})
