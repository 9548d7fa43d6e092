import assert from 'node:assert/strict'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { RevisionMap } from '../../src/graph/revision-map.js'
import { historyRange } from '../../src/graph/plans.js'
import { readGraph } from '../../src/script/graph-snapshot.js'
import { revisionSource, type RevisionSpec } from '../helpers/project.js'

/** Everything a command can print about a map, to compare a restored map with a built one. */
function describeMap(map: RevisionMap): unknown {
  return {
    revisions: map.revisions.map((r) => ({
      id: r.id,
      down: r.downRevisions,
      dependsOn: r.dependsOn,
      declared: r.declaredLabels,
      labels: r.branchLabels,
      doc: r.doc,
      message: r.message,
      path: r.path,
      location: r.record.versionLocation,
      children: r.children.map((c) => c.id),
      flags: [r.isBase, r.isHead, r.isEffectiveHead, r.isBranchPoint, r.isMergePoint],
    })),
    heads: map.heads.map((r) => r.id),
    realHeads: map.realHeads.map((r) => r.id),
    bases: map.bases.map((r) => r.id),
    effParents: map.effParents,
    generation: [...map.generation],
    history: historyRange(map, undefined).map((r) => r.id),
    billing: historyRange(map, 'billing@base:').map((r) => r.id),
  }
}

describe('graph snapshot', () => {
  let root: string
  const cacheDir = (): string => join(root, 'node_modules/.cache/retort')
  const read = (locations = ['versions', 'more']) =>
    readGraph({ locations, recursive: false, rootDir: root, cache: true })
  const write = (spec: RevisionSpec, name = `${spec.revision}.ts`): string => {
    const path = join(root, spec.versionLocation ?? 'versions', name)
    writeFileSync(path, revisionSource(spec))
    return path
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'retort-snapshot-'))
    mkdirSync(join(root, 'versions'))
    mkdirSync(join(root, 'more'))
    mkdirSync(join(root, 'node_modules'))
    write({ revision: 'a1', downRevision: null, message: 'base a' })
    write({ revision: 'b1', downRevision: 'a1', message: 'b', branchLabels: 'billing' })
    write({ revision: 'c1', downRevision: 'a1', message: 'c' })
    write({ revision: 'd1', downRevision: ['b1', 'c1'], message: 'merge' })
    write({ revision: 'e1', downRevision: 'b1', message: 'e', dependsOn: 'c1' })
    write({ revision: 'x1', downRevision: null, message: 'other base', versionLocation: 'more' })
    write({ revision: 'x2', downRevision: 'x1', message: 'x2', versionLocation: 'more' })
    writeFileSync(join(root, 'versions', '_helpers.ts'), 'export const shared = 1\n')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('restores the same map that a scan builds, from node_modules/.cache/retort', () => {
    const built = read()
    assert.equal(built.fromSnapshot, false)
    assert.equal(readdirSync(cacheDir()).filter((f) => f.startsWith('graph-')).length, 1)
    const restored = read()
    assert.equal(restored.fromSnapshot, true)
    assert.deepEqual(describeMap(restored.map), describeMap(built.map))
  })

  it('sees a file edited in place with its size and modification time kept', () => {
    read()
    const path = join(root, 'versions', 'c1.ts')
    const before = statSync(path)
    writeFileSync(path, readFileSync(path, 'utf8').replace(' * c\n', ' * C\n'))
    utimesSync(path, before.atime, before.mtime)
    assert.equal(statSync(path).size, before.size)
    const after = read()
    assert.equal(after.fromSnapshot, false)
    assert.equal(after.map.byRevisionId('c1')!.message, 'C')
  })

  it('sees an added file', () => {
    read()
    write({ revision: 'f1', downRevision: 'd1', message: 'f' })
    const after = read()
    assert.equal(after.fromSnapshot, false)
    assert.deepEqual(
      after.map.heads.map((r) => r.id),
      ['e1', 'f1', 'x2'],
    )
  })

  it('sees a removed file', () => {
    read()
    rmSync(join(root, 'versions', 'e1.ts'))
    const after = read()
    assert.equal(after.fromSnapshot, false)
    assert.equal(after.map.byRevisionId('e1'), undefined)
  })

  it('sees a renamed file, even with its times kept', () => {
    read()
    renameSync(join(root, 'versions', 'd1.ts'), join(root, 'versions', 'd1_merge.ts'))
    const after = read()
    assert.equal(after.fromSnapshot, false)
    assert.equal(after.map.byRevisionId('d1')!.path, 'versions/d1_merge.ts')
  })

  it('sees a file swapped for another of the same name, size and modification time', () => {
    read()
    const c1 = join(root, 'versions', 'c1.ts')
    const stats = statSync(c1)
    const other = join(root, 'c1.tmp')
    writeFileSync(other, readFileSync(c1, 'utf8').replace(' * c\n', ' * Z\n'))
    utimesSync(other, stats.atime, stats.mtime)
    renameSync(other, c1)
    const after = read()
    assert.equal(after.fromSnapshot, false)
    assert.equal(after.map.byRevisionId('c1')!.message, 'Z')
  })

  it('sees a version location that now points elsewhere', () => {
    mkdirSync(join(root, 'elsewhere'))
    symlinkSync(join(root, 'more'), join(root, 'linked'))
    read(['versions', 'linked'])
    rmSync(join(root, 'linked'))
    symlinkSync(join(root, 'elsewhere'), join(root, 'linked'))
    const after = read(['versions', 'linked'])
    assert.equal(after.fromSnapshot, false)
    assert.equal(after.map.byRevisionId('x1'), undefined)
  })

  it('ignores a snapshot written by another version of Retort', () => {
    read()
    const file = join(
      cacheDir(),
      readdirSync(cacheDir()).find((f) => f.startsWith('graph-'))!,
    )
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.replace(/"code":"[^"]*"/, '"code":"from-another-retort"'))
    assert.equal(read().fromSnapshot, false)
    // ...and replaces it with its own.
    assert.equal(read().fromSnapshot, true)
  })

  it('ignores a damaged snapshot', () => {
    read()
    const file = join(
      cacheDir(),
      readdirSync(cacheDir()).find((f) => f.startsWith('graph-'))!,
    )
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 50))
    const after = read()
    assert.equal(after.fromSnapshot, false)
    assert.equal(after.map.size, 7)
  })

  it('keeps no snapshot when the scan warned (overlapping locations), so the warning is always given', () => {
    const first = read(['versions', 'versions'])
    assert.equal(first.warnings.length > 0, true)
    const again = read(['versions', 'versions'])
    assert.equal(again.fromSnapshot, false)
    assert.deepEqual(again.warnings, first.warnings)
  })

  it('is not used without a node_modules folder', () => {
    rmSync(join(root, 'node_modules'), { recursive: true })
    read()
    assert.equal(read().fromSnapshot, false)
  })
})
