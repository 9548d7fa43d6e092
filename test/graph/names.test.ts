import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GraphError } from '../../src/errors.js'
import { resolveLookup, resolveSymbolic } from '../../src/graph/identifiers.js'
import { branchLabelProblem, revisionIdProblem } from '../../src/graph/names.js'
import { historyRange, planDowngrade, planUpgrade } from '../../src/graph/plans.js'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { graphOf } from '../helpers/graph.js'

// behavior.md a.1 and a.5 (updated): one rule for ids and labels, used by the
// graph reader and by revision/merge before they write anything (issue 12
// item 3, issue 8 item 7).

const ids = (map: RevisionMap, xs: readonly number[]): string[] =>
  xs.map((x) => map.revisions[x]!.id)

function assertGraphError(build: () => unknown, pattern: RegExp, names: readonly string[]): void {
  assert.throws(build, (e: unknown) => {
    assert.ok(e instanceof GraphError, `expected GraphError, got ${String(e)}`)
    assert.match(e.message, pattern)
    for (const n of names) assert.ok(e.message.includes(n), `message names '${n}': ${e.message}`)
    return true
  })
}

describe('a.1 revision id rule', () => {
  it('accepts hex ids, short ids, words and ids of exactly 32 characters', () => {
    for (const id of [
      '1975ea83b712',
      'a1',
      'add_account_table',
      'x'.repeat(32),
      'v1.2',
      'headroom',
    ]) {
      assert.equal(revisionIdProblem(id), undefined, id)
    }
  })

  it("refuses identifier syntax, naming the characters and the id ('aa-aa')", () => {
    assert.equal(
      revisionIdProblem('aa-aa'),
      "Character(s) '-' not allowed in revision identifier 'aa-aa'; ids may not contain @ - + : / \\ or whitespace",
    )
    assert.match(
      revisionIdProblem('a@b+c:d')!,
      /Character\(s\) '@', '\+', ':' not allowed .* 'a@b\+c:d'/,
    )
  })

  it('refuses path separators, whitespace and control characters, so the file stays in its folder', () => {
    assert.match(
      revisionIdProblem('../evil')!,
      /Character\(s\) '\/' not allowed in revision identifier '\.\.\/evil'/,
    )
    assert.match(revisionIdProblem('a\\b')!, /Character\(s\) '\\' not allowed/)
    assert.match(
      revisionIdProblem('a b')!,
      /Character\(s\) ' ' not allowed in revision identifier 'a b'/,
    )
    assert.match(revisionIdProblem('a\tb\n')!, /Character\(s\) '\\t', '\\n' not allowed/)
  })

  it('refuses the reserved words head, heads, base and current', () => {
    for (const id of ['head', 'heads', 'base', 'current']) {
      assert.match(revisionIdProblem(id)!, new RegExp(`'${id}' is a reserved word`))
    }
  })

  it('refuses an empty id and one longer than the 32 characters the version table holds', () => {
    assert.match(revisionIdProblem('')!, /Empty revision identifier/)
    const long = 'f'.repeat(40)
    assert.match(
      revisionIdProblem(long)!,
      new RegExp(`'${long}' is 40 characters long; .* at most 32`),
    )
  })
})

describe('a.5 branch label rule', () => {
  it('accepts a - inside a label, as the GeoNature histories use', () => {
    for (const label of [
      'geonature-samples',
      'taxhub-standalone',
      'usershub-samples',
      'a-1b',
      'v2',
      'feat2',
    ]) {
      assert.equal(branchLabelProblem(label), undefined, label)
    }
  })

  it('refuses @ : + and whitespace, naming the label and the characters', () => {
    assert.match(branchLabelProblem('a@b')!, /Branch name 'a@b' is not allowed: it contains '@'/)
    assert.match(branchLabelProblem('a:b+c')!, /it contains ':', '\+'/)
    assert.match(branchLabelProblem('two words')!, /it contains ' '/)
  })

  it("refuses a trailing '-<digits>', which reads as a relative step, suggesting another name", () => {
    assert.equal(
      branchLabelProblem('feat-2'),
      "Branch name 'feat-2' is not allowed: it ends in '-2', which reads as a relative step " +
        "('feat-2' would mean 2 below 'feat'); rename it, e.g. 'feat_2'",
    )
  })

  it('refuses an empty label and the reserved words', () => {
    assert.match(branchLabelProblem('')!, /may not be empty/)
    for (const label of ['head', 'heads', 'base', 'current']) {
      assert.match(branchLabelProblem(label)!, /reserved word/)
    }
  })
})

describe('the graph reader applies the same rules', () => {
  it('fails to load a label ending in -<digits>, naming revision and file', () => {
    assertGraphError(
      () => graphOf({ aaaa: [], bbbb: ['aaaa'] }, { bbbb: { labels: ['feat-2'] } }),
      /Branch name 'feat-2' in revision bbbb \(versions\/bbbb\.ts\) is not allowed/,
      ['feat-2', 'bbbb', 'versions/bbbb.ts'],
    )
  })

  it('fails to load an id that is a reserved word or too long, naming the file', () => {
    assertGraphError(
      () => graphOf({ head: [] }),
      /'head' \(versions\/head\.ts\) is a reserved word/,
      [],
    )
    const long = 'a'.repeat(33)
    assertGraphError(() => graphOf({ [long]: [] }), /is 33 characters long/, [
      `versions/${long}.ts`,
    ])
    assertGraphError(() => graphOf({ 'a b': [] }), /Character\(s\) ' ' not allowed/, [
      'versions/a b.ts',
    ])
  })
})

describe('labels with a - work wherever a label is accepted', () => {
  /**
   * GeoNature-like: two bases, each labelled with a dashed label.
   * g1 (geonature-samples) - g2 - g3;  t1 (taxhub-standalone) - t2
   */
  const map = graphOf(
    { g1: [], t1: [], g2: ['g1'], t2: ['t1'], g3: ['g2'] },
    { g1: { labels: ['geonature-samples'] }, t1: { labels: ['taxhub-standalone'] } },
  )

  it('loads the graph and resolves the bare label, a prefix, L@head, L@heads and L@base', () => {
    assert.deepEqual(ids(map, resolveSymbolic(map, 'geonature-samples')), ['g1'])
    assert.deepEqual(ids(map, resolveSymbolic(map, 'taxhub-st')), ['t1'])
    assert.deepEqual(ids(map, resolveSymbolic(map, 'geonature-samples@head')), ['g3'])
    assert.deepEqual(ids(map, resolveSymbolic(map, 'taxhub-standalone@heads')), ['t2'])
    assert.deepEqual(resolveSymbolic(map, 'geonature-samples@base'), [])
    assert.deepEqual(ids(map, resolveSymbolic(map, 'geonature-samples@g2')), ['g2'])
  })

  it('walks L@-1 from the head carrying the label, and L@head-1', () => {
    assert.deepEqual(ids(map, resolveLookup(map, 'geonature-samples@-1')), ['g2'])
    assert.deepEqual(ids(map, resolveLookup(map, 'taxhub-standalone@-1')), ['t1'])
    const steps = planDowngrade(map, ['g3', 't2'], 'geonature-samples@head-1').steps
    assert.deepEqual(
      steps.map((s) => s.revision),
      ['g3'],
    )
  })

  it("lists 'L:' and 'L@base:' histories", () => {
    const history = (range: string): string[] => historyRange(map, range).map((r) => r.id)
    assert.deepEqual(history('geonature-samples:'), ['g3', 'g2', 'g1'])
    assert.deepEqual(history('taxhub-standalone@base:'), ['t2', 't1'])
  })

  it('upgrades to L@head and L@+1, and downgrades L@-1 and L@base', () => {
    const revs = (plan: { steps: readonly { revision?: string }[] }): string[] =>
      plan.steps.map((s) => s.revision!)
    assert.deepEqual(revs(planUpgrade(map, [], 'taxhub-standalone@head')), ['t1', 't2'])
    assert.deepEqual(revs(planUpgrade(map, ['g1'], 'geonature-samples@+1')), ['g2'])
    assert.deepEqual(revs(planDowngrade(map, ['g3', 't2'], 'geonature-samples@-1')), ['g3'])
    assert.deepEqual(revs(planDowngrade(map, ['g3', 't2'], 'taxhub-standalone@base')), ['t2', 't1'])
  })
})
