import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MultipleHeadsError, ResolutionError, RetortError } from '../../src/errors.js'
import {
  lookupName,
  parseRelative,
  resolveLookup,
  resolveSymbolic,
} from '../../src/graph/identifiers.js'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { graphOf, exampleGraph } from '../helpers/graph.js'

// behavior.md b.1-b.3 and the lookup column of b.4 (show, revision --head, merge).

/**
 * resolve-partial-ids / resolve-symbolic-names / resolve-relative-in-show:
 * 1a2b3c (core) - 2b3c4d -+- 3c4d5e (feat) - 4d5e6f
 *                         +- 3cff00
 * 9base1 (other) - 9base2;  ab
 */
const map = exampleGraph('resolve-symbolic-names')

const ids = (m: RevisionMap, xs: readonly number[]): string[] => xs.map((x) => m.revisions[x]!.id)
const resolve = (name: string, m: RevisionMap = map): string[] => ids(m, resolveSymbolic(m, name))
const lookup = (name: string, m: RevisionMap = map): string[] => ids(m, resolveLookup(m, name))

/** Assert a ResolutionError whose message names every string in `names`. */
function assertResolution(fn: () => unknown, names: readonly string[], kind?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ResolutionError, `expected ResolutionError, got ${String(e)}`)
    for (const n of names) assert.ok(e.message.includes(n), `message names '${n}': ${e.message}`)
    if (kind) assert.match(e.message, kind)
    return true
  })
}

function assertMultipleHeads(
  fn: () => unknown,
  identifier: string,
  heads: readonly string[],
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MultipleHeadsError, `expected MultipleHeadsError, got ${String(e)}`)
    assert.equal(e.identifier, identifier)
    assert.deepEqual(e.heads, heads)
    for (const h of heads) assert.ok(e.message.includes(h), `message names '${h}': ${e.message}`)
    return true
  })
}

describe('b.2 plain names and partial ids', () => {
  it('finds a revision by its exact id', () => {
    assert.deepEqual(resolve('3cff00'), ['3cff00'])
    assert.equal(map.revisions[lookupName(map, '4d5e6f')]!.id, '4d5e6f')
  })

  it('finds a revision by a unique prefix of its id', () => {
    assert.deepEqual(resolve('1a2b'), ['1a2b3c'])
    assert.deepEqual(resolve('3c4'), ['3c4d5e'])
  })

  it('accepts a one-character prefix when only one key starts with it', () => {
    assert.deepEqual(resolve('1'), ['1a2b3c'])
  })

  it('finds an id of three characters or fewer by its full name', () => {
    assert.deepEqual(resolve('ab'), ['ab'])
  })

  it('does not match ids of three characters or fewer by prefix', () => {
    assertResolution(() => resolve('a'), ["'a'"])
  })

  it('adds the four-character hint when a short name matches nothing', () => {
    assertResolution(() => resolve('a'), ["'a'"], /four/i)
  })

  it('resolves a label to the revision that declares it', () => {
    assert.deepEqual(resolve('feat'), ['3c4d5e'])
    assert.deepEqual(resolve('core'), ['1a2b3c'])
  })

  it('resolves a prefix of a label to the declaring revision', () => {
    assert.deepEqual(resolve('fea'), ['3c4d5e'])
    assert.deepEqual(resolve('co'), ['1a2b3c'])
  })

  it('says an ambiguous prefix is ambiguous and lists the candidates', () => {
    assertResolution(() => resolve('3c'), ['3c4d5e', '3cff00'], /ambiguous/i)
    assertResolution(() => resolve('9base'), ['9base1', '9base2'], /ambiguous/i)
  })

  it('fails for an unknown name, naming it', () => {
    assertResolution(() => resolve('feature'), ["'feature'"])
    assertResolution(() => resolve('nope'), ["'nope'"])
  })

  it('suggests close names for an unknown name', () => {
    assertResolution(() => resolve('fext'), ["'fext'", 'feat'])
  })

  it("does not know 'current' outside history ranges and show", () => {
    assertResolution(() => resolve('current'), ["'current'"])
  })
})

describe('b.3 symbols', () => {
  it("fails for 'head' when there are several heads, naming them in load order", () => {
    assertMultipleHeads(() => resolve('head'), 'head', ['3cff00', '4d5e6f', '9base2', 'ab'])
  })

  it("resolves 'head' to the single head", () => {
    assert.deepEqual(resolve('head', graphOf({ a: [], b: ['a'] })), ['b'])
  })

  it("resolves 'head' to nothing in an empty graph", () => {
    assert.deepEqual(resolve('head', graphOf({})), [])
  })

  it("resolves 'heads' to every head in load order", () => {
    assert.deepEqual(resolve('heads'), ['3cff00', '4d5e6f', '9base2', 'ab'])
  })

  it("resolves 'base' to the empty state", () => {
    assert.deepEqual(resolve('base'), [])
  })

  describe('with an effective head (resolve-head-vs-heads-with-dependency)', () => {
    const dep = graphOf(
      { x1: [], y1: [], y2: ['y1'] },
      { x1: { labels: ['x'] }, y1: { labels: ['y'] }, y2: { deps: ['x1'] } },
    )

    it("counts the effective head for 'head'", () => {
      assertMultipleHeads(() => resolve('head', dep), 'head', ['x1', 'y2'])
    })

    it("leaves the effective head out of 'heads'", () => {
      assert.deepEqual(resolve('heads', dep), ['y2'])
    })

    it("resolves 'L@head' to an effective head", () => {
      assert.deepEqual(resolve('x@head', dep), ['x1'])
      assert.deepEqual(resolve('y@head', dep), ['y2'])
    })
  })

  it("resolves 'L@head' to the single head sharing lineage with the label", () => {
    assert.deepEqual(resolve('feat@head'), ['4d5e6f'])
    assert.deepEqual(resolve('other@head'), ['9base2'])
  })

  it("fails for 'L@head' when several heads share lineage with the label", () => {
    assertMultipleHeads(() => resolve('core@head'), 'core@head', ['3cff00', '4d5e6f'])
  })

  it("resolves 'L@heads' to every head sharing lineage with the label", () => {
    assert.deepEqual(resolve('feat@heads'), ['4d5e6f'])
    assert.deepEqual(resolve('core@heads'), ['3cff00', '4d5e6f'])
  })

  it("resolves 'L@base' to the empty state", () => {
    assert.deepEqual(resolve('core@base'), [])
    assert.deepEqual(resolve('feat@base'), [])
  })

  it("resolves '<partial id>@head' like 'L@head'", () => {
    assert.deepEqual(resolve('3c4d@head'), ['4d5e6f'])
    assert.deepEqual(resolve('9base1@head'), ['9base2'])
    assertMultipleHeads(() => resolve('1a2b@head'), '1a2b@head', ['3cff00', '4d5e6f'])
  })

  it("fails for '<ambiguous prefix>@head', naming the prefix", () => {
    assertResolution(() => resolve('9bas@head'), ["'9bas'"])
  })

  it("fails for 'L@head' with an unknown L, naming it", () => {
    assertResolution(() => resolve('nope@head'), ["'nope'"])
  })

  it("resolves 'L@R' to R when R shares lineage with L, matching partial R only on that lineage", () => {
    assert.deepEqual(resolve('feat@3c4d'), ['3c4d5e'])
    assert.deepEqual(resolve('feat@2b3c'), ['2b3c4d'])
    // '3c' alone is ambiguous; on feat's lineage only 3c4d5e starts with it.
    assert.deepEqual(resolve('feat@3c'), ['3c4d5e'])
  })

  it("fails for 'L@R' with a partial R off the label's lineage", () => {
    assertResolution(() => resolve('feat@3cff'), ["'3cff'"])
  })

  it("fails for 'L@R' with R off the label's lineage, saying it is not on the branch", {}, () => {
    assertResolution(() => resolve('feat@3cff00'), ['3cff00', 'feat'])
  })

  it("fails for 'L@R' with an unknown R, naming it", () => {
    assertResolution(() => resolve('feat@nope'), ["'nope'"])
  })
})

describe('b.4 relative forms in lookups (show, revision --head, merge, history START)', () => {
  it("walks each real head one step down for '-1', failing cleanly at a head that is a base", () => {
    // resolve-relative-in-show: the head ab is a base; Alembic crashes after printing three blocks.
    try {
      assert.deepEqual(lookup('-1'), ['2b3c4d', '3c4d5e', '9base1'])
    } catch (e) {
      assert.ok(e instanceof RetortError, `a clean error, got ${String(e)}`)
      assert.match(e.message, /ab/)
    }
  })

  it("walks each real head N steps down for '-N'", () => {
    const m = graphOf({ a: [], b: ['a'], c: ['b'], x: [], y: ['x'], z: ['y'] })
    assert.deepEqual(lookup('-1', m), ['b', 'y'])
    assert.deepEqual(lookup('-2', m), ['a', 'x'])
  })

  it("walks only the real heads carrying L for 'L@-N'", () => {
    assert.deepEqual(lookup('feat@-1'), ['3c4d5e'])
    assert.deepEqual(lookup('feat@-2'), ['2b3c4d'])
    assert.deepEqual(lookup('core@-1'), ['2b3c4d', '3c4d5e'])
  })

  // [name, the part the message must quote]: in 'L@+1' the unknown part is '+1'.
  for (const [name, part] of [
    ['+1', '+1'],
    ['head-1', 'head-1'],
    ['2b3c4d+1', '2b3c4d+1'],
    ['3c4d5e-1', '3c4d5e-1'],
    ['base+1', 'base+1'],
    ['feat@+1', '+1'],
  ] as const) {
    it(`does not understand '${name}' in a lookup`, () => {
      assertResolution(() => lookup(name), [`'${part}'`])
    })
  }

  it('resolves plain and symbolic names as resolveSymbolic does', () => {
    assert.deepEqual(lookup('heads'), ['3cff00', '4d5e6f', '9base2', 'ab'])
    assert.deepEqual(lookup('feat@head'), ['4d5e6f'])
    assert.deepEqual(lookup('fea'), ['3c4d5e'])
  })
})

describe('b.4 relative grammar', () => {
  it('splits +N and -N from the current state', () => {
    assert.deepEqual(parseRelative('+2'), { symbol: '', delta: 2 })
    assert.deepEqual(parseRelative('-1'), { symbol: '', delta: -1 })
  })

  it('splits SYMBOL+N and SYMBOL-N', () => {
    assert.deepEqual(parseRelative('head-1'), { symbol: 'head', delta: -1 })
    assert.deepEqual(parseRelative('base+3'), { symbol: 'base', delta: 3 })
    assert.deepEqual(parseRelative('aaaa1+3'), { symbol: 'aaaa1', delta: 3 })
  })

  it('splits the label part of L@+N, L@-N, L@head-N and L@base+N', () => {
    assert.deepEqual(parseRelative('feat@+1'), { label: 'feat', symbol: '', delta: 1 })
    assert.deepEqual(parseRelative('feat@-2'), { label: 'feat', symbol: '', delta: -2 })
    assert.deepEqual(parseRelative('c2branch@head-1'), {
      label: 'c2branch',
      symbol: 'head',
      delta: -1,
    })
    assert.deepEqual(parseRelative('c2branch@base+2'), {
      label: 'c2branch',
      symbol: 'base',
      delta: 2,
    })
  })

  it('does not take plain names as relative', () => {
    assert.equal(parseRelative('feat'), undefined)
    assert.equal(parseRelative('feat@head'), undefined)
    assert.equal(parseRelative('3c4d5e'), undefined)
  })

  it('rejects text after the digits', () => {
    assert.equal(parseRelative('+1x'), undefined)
    assert.equal(parseRelative('head-1abc'), undefined)
    assertResolution(() => lookup('-1x'), ["'-1x'"])
  })
})
