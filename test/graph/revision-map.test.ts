import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GraphError } from '../../src/errors.js'
import { planDowngrade, planUpgrade } from '../../src/graph/plans.js'
import { RevisionMap } from '../../src/graph/revision-map.js'
import type { RevisionRecord } from '../../src/graph/revision.js'
import { graphOf, recordsOf, exampleGraph } from '../helpers/graph.js'

// behavior.md a (the graph) and f (checks on bad input). Graphs list their
// revisions in load order, which for the examples is file-name order.

const idsOf = (revs: readonly { readonly id: string }[]): string[] => revs.map((r) => r.id)

function rev(map: RevisionMap, id: string) {
  const r = map.byRevisionId(id)
  assert.ok(r, `revision ${id} exists`)
  return r
}

/** Effective parents of a revision, as ids. */
function effectiveParents(map: RevisionMap, id: string): string[] {
  return map.effParents[rev(map, id).index]!.map((i) => map.revisions[i]!.id)
}

/** Ids of the revisions that carry `label`, load order. */
function carriers(map: RevisionMap, label: string): string[] {
  return map.revisions.filter((r) => r.branchLabels.includes(label)).map((r) => r.id)
}

/** Assert that building throws a GraphError whose message names every string in `names`. */
function assertGraphError(
  records: readonly RevisionRecord[],
  names: readonly string[],
  kind?: RegExp,
  paths: readonly string[] = [],
): void {
  assert.throws(
    () => RevisionMap.build(records),
    (e: unknown) => {
      assert.ok(e instanceof GraphError, `expected GraphError, got ${String(e)}`)
      for (const n of names) assert.ok(e.message.includes(n), `message names '${n}': ${e.message}`)
      for (const p of paths)
        assert.ok(e.paths.includes(p), `paths include '${p}': ${e.paths.join(', ')}`)
      if (kind) assert.match(e.message, kind)
      return true
    },
  )
}

describe('a.1 revisions', () => {
  const withDoc = (doc: string): RevisionMap =>
    RevisionMap.build([{ ...recordsOf({ a1: [] })[0]!, doc }])

  it("takes the doc's first paragraph as the message", () => {
    const map = withDoc('add a table\nand an index\n\nRevision ID: a1\nRevises: ')
    assert.equal(rev(map, 'a1').message, 'add a table\nand an index')
  })

  it('keeps the whole doc', () => {
    const doc = 'add a table\n\nRevision ID: a1'
    assert.equal(rev(withDoc(doc), 'a1').doc, doc)
  })

  it('gives an empty message for an empty doc', () => {
    assert.equal(rev(withDoc(''), 'a1').message, '')
  })

  it('accepts short and long ids without syntax characters', () => {
    const map = graphOf({
      a1: [],
      ab: ['a1'],
      add_accounts_table: ['ab'],
      '1975ea83b712': ['add_accounts_table'],
    })
    assert.deepEqual(idsOf(map.heads), ['1975ea83b712'])
  })
})

describe('a.2 bases, heads, branch points, merge points', () => {
  it('lists every revision with a null down revision as a base, load order', () => {
    const map = graphOf({ a: [], b: ['a'], z: [], y: ['z'] })
    assert.deepEqual(idsOf(map.bases), ['a', 'z'])
    assert.equal(rev(map, 'a').isBase, true)
    assert.equal(rev(map, 'b').isBase, false)
  })

  it('lists every revision without children as a head, in load order', () => {
    const map = graphOf({ a: [], c: ['a'], b: ['a'], z: [] })
    assert.deepEqual(idsOf(map.heads), ['c', 'b', 'z'])
    assert.equal(rev(map, 'a').isHead, false)
  })

  it('marks a revision with two or more children as a branch point', () => {
    const map = graphOf({ a: [], b: ['a'], c1: ['b'], c2: ['b'], d: ['c1'] })
    assert.equal(rev(map, 'b').isBranchPoint, true)
    assert.equal(rev(map, 'c1').isBranchPoint, false)
    assert.equal(rev(map, 'a').isBranchPoint, false)
  })

  it('marks a revision with two or more down revisions as a merge point', () => {
    const map = graphOf({ a: [], b1: ['a'], b2: ['a'], m: ['b1', 'b2'], n: ['m'] })
    assert.equal(rev(map, 'm').isMergePoint, true)
    assert.equal(rev(map, 'n').isMergePoint, false)
    assert.deepEqual(rev(map, 'm').downRevisions, ['b1', 'b2'])
  })

  it('lists children in load order, not id order', () => {
    const map = graphOf({ a: [], zz: ['a'], bb: ['a'], mm: ['a'] })
    assert.deepEqual(idsOf(rev(map, 'a').children), ['zz', 'bb', 'mm'])
  })

  it('ignores dependencies for children, heads and branch points', () => {
    // label-propagation-dependency-branchpoint: b has one child (c) and one dependent (z).
    const map = graphOf({ a: [], b: ['a'], c: ['b'], z: [] }, { z: { deps: ['b'] } })
    assert.deepEqual(idsOf(rev(map, 'b').children), ['c'])
    assert.equal(rev(map, 'b').isBranchPoint, false)
    assert.equal(rev(map, 'b').isHead, false)
    assert.deepEqual(idsOf(map.heads), ['c', 'z'])
  })

  it('keeps a revision with a null down revision and dependencies as a base', () => {
    const map = graphOf({ a1: [], b1: [], c1: [], d1: [] }, { d1: { deps: ['c1', 'a1', 'b1'] } })
    assert.equal(rev(map, 'd1').isBase, true)
    assert.deepEqual(idsOf(map.bases), ['a1', 'b1', 'c1', 'd1'])
  })

  it('builds an empty graph with no heads and no bases', () => {
    const map = graphOf({})
    assert.deepEqual(idsOf(map.heads), [])
    assert.deepEqual(idsOf(map.bases), [])
  })
})

describe('a.3 effective heads and real heads', () => {
  // depends-on-effective-head: load order x1, y1, y2; y2 revises y1 and depends on x1.
  const map = graphOf(
    { x1: [], y1: [], y2: ['y1'] },
    { x1: { labels: ['x'] }, y1: { labels: ['y'] }, y2: { deps: ['x1'] } },
  )

  it('marks a head that something depends on as an effective head', () => {
    assert.equal(rev(map, 'x1').isEffectiveHead, true)
    assert.equal(rev(map, 'x1').isHead, true)
    assert.equal(rev(map, 'y2').isEffectiveHead, false)
  })

  it('counts effective heads among the heads, load order', () => {
    assert.deepEqual(idsOf(map.heads), ['x1', 'y2'])
  })

  it('leaves effective heads out of the real heads', () => {
    assert.deepEqual(idsOf(map.realHeads), ['y2'])
  })

  it('treats every base a revision depends on as an effective head', () => {
    // depends-on-many-bases
    const many = exampleGraph('depends-on-many-bases')
    assert.deepEqual(idsOf(many.heads), ['a1', 'b1', 'c1', 'd1'])
    assert.deepEqual(idsOf(many.realHeads), ['d1'])
  })
})

describe('a.3 dependency normalisation and effective parents', () => {
  it('drops a dependency that an ancestor already has (depends-on-normalized)', () => {
    const map = graphOf(
      { a1: [], a2: ['a1'], a3: ['a2'], b1: [], b2: ['b1'], b3: ['b2'], b4: ['b3'] },
      { b2: { deps: ['a3'] }, b4: { deps: ['a3'] } },
    )
    assert.deepEqual(effectiveParents(map, 'b4'), ['b3'])
    assert.deepEqual(effectiveParents(map, 'b2'), ['b1', 'a3'])
  })

  it('keeps the redundant dependency as written for display', () => {
    const map = graphOf(
      { a1: [], a2: ['a1'], a3: ['a2'], b1: [], b2: ['b1'], b3: ['b2'], b4: ['b3'] },
      { b2: { deps: ['a3'] }, b4: { deps: ['a3'] } },
    )
    assert.deepEqual(rev(map, 'b4').dependsOn, ['a3'])
  })

  it('treats a dependency on the own parent as no dependency (depends-on-own-parent)', () => {
    const map = graphOf({ a1a1: [], a2a2: ['a1a1'] }, { a2a2: { deps: ['a1a1'] } })
    assert.deepEqual(effectiveParents(map, 'a2a2'), ['a1a1'])
    assert.equal(rev(map, 'a2a2').isMergePoint, false)
  })

  it('treats a dependency on a grandparent as no dependency (depends-on-ancestor)', () => {
    const map = graphOf({ a1a1: [], a2a2: ['a1a1'], a3a3: ['a2a2'] }, { a3a3: { deps: ['a1a1'] } })
    // It may stay among the effective parents, but must not change steps or rows.
    assert.equal(effectiveParents(map, 'a3a3')[0], 'a2a2')
    const up = planUpgrade(map, ['a2a2'], 'a3a3').steps
    assert.deepEqual(
      up.map((s) => s.rowChanges),
      [[{ kind: 'update', from: 'a2a2', to: 'a3a3' }]],
    )
    const down = planDowngrade(map, ['a3a3'], 'a2a2').steps
    assert.deepEqual(
      down.map((s) => s.rowChanges),
      [[{ kind: 'update', from: 'a3a3', to: 'a2a2' }]],
    )
  })

  it('puts down revisions first, then dependencies in declared order', () => {
    const many = exampleGraph('depends-on-many-bases')
    assert.deepEqual(effectiveParents(many, 'd1'), ['c1', 'a1', 'b1'])
    const merge = graphOf({ p: [], q: [], x: [], m: ['q', 'p'] }, { m: { deps: ['x'] } })
    assert.deepEqual(effectiveParents(merge, 'm'), ['q', 'p', 'x'])
  })

  it('resolves a label in dependsOn to the revision that declares it (depends-on-label)', () => {
    const map = graphOf(
      { a1: [], a2: [], b1: ['a1'], b2: ['a2'], c1: ['b1'], c2: ['b2'], d1: ['c1'], e1: ['d1'] },
      { a1: { labels: ['lib1'] }, c1: { labels: ['c1lib'] }, c2: { deps: ['c1lib'] } },
    )
    assert.deepEqual(effectiveParents(map, 'c2'), ['b2', 'c1'])
    assert.deepEqual(rev(map, 'c2').dependsOn, ['c1lib'])
  })
})

describe('a.5 branch labels carried', () => {
  it('gives the label to the revision, its descendants and its ancestors up to a branch point (basic)', () => {
    // label-propagation-basic: file order puts c2 before c.
    const map = graphOf(
      { a: [], b: ['a'], c2: ['b'], c: ['b'], d: ['c'], e: ['d'] },
      { c: { labels: ['lc'] } },
    )
    assert.deepEqual(carriers(map, 'lc'), ['c', 'd', 'e'])
  })

  it('walks the label down to the base when there is no branch point (reaches-base)', () => {
    const map = graphOf({ a: [], x: ['a'], y: [] }, { x: { labels: ['lx'] } })
    assert.deepEqual(carriers(map, 'lx'), ['a', 'x'])
  })

  it('does not label the ancestors when a descendant is a branch point (descendant-branchpoint)', () => {
    const map = graphOf(
      { a: [], d: ['x'], e: ['d'], f: ['d'], x: ['a'] },
      { x: { labels: ['lx'] } },
    )
    assert.deepEqual(carriers(map, 'lx'), ['d', 'e', 'f', 'x'])
  })

  it('does not label the ancestors when a descendant is a merge point (downstream-merge)', () => {
    const map = graphOf(
      { a: [], m: ['x', 'y'], n: ['m'], x: ['a'], y: [] },
      { x: { labels: ['lx'] } },
    )
    assert.deepEqual(carriers(map, 'lx'), ['m', 'n', 'x'])
  })

  it('stops the ancestor walk at a revision with one child and one dependent (dependency-branchpoint)', () => {
    const map = graphOf(
      { a: [], b: ['a'], c: ['b'], z: [] },
      { c: { labels: ['lc'] }, z: { deps: ['b'] } },
    )
    assert.deepEqual(carriers(map, 'lc'), ['c'])
  })

  it('keeps a label declared on a merge point on the merge point and its descendants (label-on-mergepoint)', () => {
    const map = graphOf(
      { a: [], b1: ['a'], b2: ['a'], m: ['b1', 'b2'], n: ['m'] },
      { m: { labels: ['lm'] } },
    )
    assert.deepEqual(carriers(map, 'lm'), ['m', 'n'])
  })

  it('gives every revision of one chain both labels, sorted (two-labels-one-chain)', () => {
    const map = graphOf(
      { a: [], b: ['a'], c: ['b'], d: ['c'] },
      { a: { labels: ['lc2'] }, c: { labels: ['la'] } },
    )
    for (const id of ['a', 'b', 'c', 'd'])
      assert.deepEqual(rev(map, id).branchLabels, ['la', 'lc2'])
  })

  it('gives the revisions below a merge of two labelled branches both labels, sorted', () => {
    // history-ranges: e3ee merges the left and right branches.
    const map = graphOf(
      {
        a1aa: [],
        b1bb: ['a1aa'],
        c1cc: ['b1bb'],
        c2cc: ['b1bb'],
        d1dd: ['c1cc'],
        d2dd: ['c2cc'],
        e3ee: ['d1dd', 'd2dd'],
        f3ff: ['e3ee'],
      },
      { c1cc: { labels: ['right'] }, c2cc: { labels: ['left'] } },
    )
    // Declared in the opposite order of their names, so the sort is visible.
    assert.deepEqual(rev(map, 'e3ee').branchLabels, ['left', 'right'])
    assert.deepEqual(rev(map, 'f3ff').branchLabels, ['left', 'right'])
    assert.deepEqual(rev(map, 'd1dd').branchLabels, ['right'])
    assert.deepEqual(rev(map, 'b1bb').branchLabels, [])
  })

  it('keeps declared labels apart from carried labels', () => {
    const map = graphOf({ a: [], b: ['a'] }, { b: { labels: ['lb'] } })
    assert.deepEqual(rev(map, 'b').declaredLabels, ['lb'])
    assert.deepEqual(rev(map, 'a').declaredLabels, [])
    assert.deepEqual(rev(map, 'a').branchLabels, ['lb'])
  })

  it('makes a label an alias of its declaring revision, not of the branch head', () => {
    const map = graphOf({ a: [], b: ['a'], c: ['b'] }, { b: { labels: ['lb'] } })
    assert.equal(map.byName('lb')?.id, 'b')
  })
})

describe('f. loading errors', () => {
  for (const ch of ['@', '-', '+', ':']) {
    it(`rejects a revision id containing '${ch}', naming the id and the file`, () => {
      const id = `aa${ch}aa`
      assertGraphError(recordsOf({ [id]: [] }), [id, `versions/${id}.ts`, `'${ch}'`])
    })
  }

  it('rejects a duplicate revision id, naming both files', () => {
    const records = recordsOf({ a1: [], b1: ['a1'], c1: ['b1'] })
    const dupe: RevisionRecord = {
      ...records[1]!,
      downRevisions: ['c1'],
      path: 'versions/b1_dupe.ts',
    }
    assertGraphError(
      [records[0]!, dupe, records[1]!, records[2]!],
      ['b1', 'versions/b1_dupe.ts', 'versions/b1.ts'],
    )
  })

  it('rejects a label declared on two revisions, naming both revisions and files', () => {
    const records = recordsOf(
      { aaaa: [], bbbb: ['aaaa'], cccc: [] },
      { aaaa: { labels: ['lab'] }, cccc: { labels: ['lab'] } },
    )
    assertGraphError(records, ["'lab'", 'aaaa', 'cccc', 'versions/aaaa.ts', 'versions/cccc.ts'])
  })

  it('rejects a label equal to another revision id, naming both revisions', () => {
    const records = recordsOf({ aaaa: [], bbbb: ['aaaa'] }, { aaaa: { labels: ['bbbb'] } })
    assertGraphError(records, ["'bbbb'", 'aaaa', 'versions/aaaa.ts'])
  })

  it('rejects a label equal to its own revision id', () => {
    assertGraphError(recordsOf({ aaaa: [] }, { aaaa: { labels: ['aaaa'] } }), [
      "'aaaa'",
      'versions/aaaa.ts',
    ])
  })

  // behavior.md a.5 (updated): a '-' inside a label is accepted, a trailing '-<digits>' is not.
  for (const label of ['fe@t', 'fe:t', 'fe+t', 'fe-2', 'fe t', 'fe\tt', '', 'head']) {
    it(`rejects the label ${JSON.stringify(label)} with a message naming it and the file`, () => {
      assertGraphError(recordsOf({ aaaa: [] }, { aaaa: { labels: [label] } }), [
        `'${label}'`,
        'aaaa',
        'versions/aaaa.ts',
      ])
    })
  }

  it('rejects a down revision that names no revision, naming both revisions and the file', () => {
    assertGraphError(recordsOf({ aaaa: [], bbbb: ['zzzz'] }), ['bbbb', 'zzzz', 'versions/bbbb.ts'])
  })

  it('rejects a branch label used as a down revision', () => {
    const records = recordsOf({ a1a1: [], b1b1: ['la'] }, { a1a1: { labels: ['la'] } })
    assertGraphError(records, ['b1b1', 'la', 'versions/b1b1.ts'])
  })

  it('rejects a partial id used as a down revision', () => {
    assertGraphError(recordsOf({ a1a1: [], b1b1: ['a1a'] }), ['b1b1', 'a1a', 'versions/b1b1.ts'])
  })

  it('rejects a dependency that names no revision or label, naming the entry and the file', () => {
    const records = recordsOf({ aaaa: [], bbbb: ['aaaa'] }, { bbbb: { deps: ['zzzz'] } })
    assertGraphError(records, ['bbbb', 'zzzz', 'versions/bbbb.ts'])
  })

  it('rejects a partial id in dependsOn (only full ids and labels are resolved in files)', () => {
    const records = recordsOf({ a1a1: [], b1b1: ['a1a1'] }, { b1b1: { deps: ['a1a'] } })
    assertGraphError(records, ['b1b1', 'a1a', 'versions/b1b1.ts'])
  })

  it('rejects a revision that names itself as down revision (self-loop)', () => {
    assertGraphError(recordsOf({ aaaa: [], bbbb: ['bbbb'] }), ['bbbb'], /self-loop/i, [
      'versions/bbbb.ts',
    ])
  })

  it('rejects a cycle through down revisions, printing the cycle as a path', () => {
    const records = recordsOf({ aaaa: [], bbbb: ['aaaa'], cccc: ['dddd'], dddd: ['cccc'] })
    assertGraphError(records, ['versions/cccc.ts', 'versions/dddd.ts'], /cycle/i)
    assert.throws(
      () => RevisionMap.build(records),
      (e: Error) => /cccc -> dddd -> cccc|dddd -> cccc -> dddd/.test(e.message),
    )
  })

  it('rejects a cycle that leaves no base, printing a closed path through all its revisions', () => {
    const records = recordsOf({ aaaa: ['cccc'], bbbb: ['aaaa'], cccc: ['bbbb'] })
    assert.throws(
      () => RevisionMap.build(records),
      (e: unknown) => {
        assert.ok(e instanceof GraphError)
        const path = /([a-z]{4}(?: -> [a-z]{4})+)/.exec(e.message)?.[1]?.split(' -> ')
        assert.ok(path, `a path in: ${e.message}`)
        assert.equal(path.length, 4)
        assert.equal(path[0], path[3])
        assert.deepEqual(new Set(path), new Set(['aaaa', 'bbbb', 'cccc']))
        // Consecutive entries are linked by a down revision, all in one direction.
        const down: Record<string, string> = { aaaa: 'cccc', bbbb: 'aaaa', cccc: 'bbbb' }
        const pairs = path.slice(1).map((p, k) => [path[k]!, p] as const)
        assert.ok(pairs.every(([x, y]) => down[x] === y) || pairs.every(([x, y]) => down[y] === x))
        return true
      },
    )
  })

  it('rejects a cycle formed through dependsOn, naming its revisions', () => {
    const records = recordsOf({ aaaa: [], bbbb: ['aaaa'] }, { aaaa: { deps: ['bbbb'] } })
    assertGraphError(records, ['aaaa', 'bbbb'], /dependency cycle/i)
  })

  it('rejects a cycle made only of dependencies', () => {
    const records = recordsOf(
      { aaaa: [], bbbb: [] },
      { aaaa: { deps: ['bbbb'] }, bbbb: { deps: ['aaaa'] } },
    )
    assertGraphError(records, ['aaaa', 'bbbb'], /cycle/i)
  })

  it('rejects a revision that depends on itself (dependency self-loop)', () => {
    assertGraphError(
      recordsOf({ aaaa: [] }, { aaaa: { deps: ['aaaa'] } }),
      ['aaaa'],
      /self-loop/i,
      ['versions/aaaa.ts'],
    )
  })

  it('rejects a revision that depends on its own label (dependency self-loop)', () => {
    const records = recordsOf({ aaaa: [] }, { aaaa: { labels: ['la'], deps: ['la'] } })
    assertGraphError(records, ['aaaa'], /self-loop/i)
  })

  it('records the files at fault on the error', () => {
    const records = recordsOf({ aaaa: [], bbbb: ['zzzz'] })
    assert.throws(
      () => RevisionMap.build(records),
      (e: unknown) => e instanceof GraphError && e.paths.includes('versions/bbbb.ts'),
    )
  })
})
