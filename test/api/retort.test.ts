import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Retort } from '../../src/api/retort.js'
import { RetortError, RevisionError } from '../../src/errors.js'
import { testDatabases, type FreshDatabase } from '../helpers/databases.js'
import { makeProject, writeRevision, type Project } from '../helpers/project.js'

// The API as a program uses it: Retort methods called directly, their returned data checked.

/** a1 -> a2 -> a3 on the main line, b1 branching from a1 with label `feature`. */
function writeBranchedHistory(root: string): void {
  writeRevision(root, {
    revision: 'a1',
    downRevision: null,
    message: 'create item',
    upgrade: "await op.createTable('item', [{ name: 'id', type: 'integer', primaryKey: true }])",
    downgrade: "await op.dropTable('item')",
  })
  writeRevision(root, { revision: 'a2', downRevision: 'a1', message: 'second' })
  writeRevision(root, { revision: 'a3', downRevision: 'a2', message: 'third' })
  writeRevision(root, {
    revision: 'b1',
    downRevision: 'a1',
    branchLabels: 'feature',
    message: 'feature work',
  })
}

const ids = (revs: readonly { id: string }[]): string[] => revs.map((r) => r.id)

describe('Retort API without a database', () => {
  let project: Project
  let retort: Retort
  before(async () => {
    project = makeProject({ url: 'sqlite:unused.db' })
    writeBranchedHistory(project.root)
    retort = await Retort.open({ cwd: project.root, log: () => {} })
  })
  after(() => project.remove())

  it('heads() returns the head revisions with their labels; graph() exposes revisions, not index arrays', () => {
    const heads = retort.heads()
    assert.deepEqual(ids(heads).sort(), ['a3', 'b1'])
    assert.deepEqual(heads.find((h) => h.id === 'b1')!.branchLabels, ['feature'])
    const graph = retort.graph()
    assert.equal(graph.size, 4)
    assert.deepEqual(ids(graph.bases), ['a1'])
    assert.equal(graph.byName('feature')?.id, 'b1')
    // The index arrays the traversal works on are not part of the public type (checked by tsc).
    // @ts-expect-error downIdx is internal to graph/
    void graph.downIdx
    // @ts-expect-error generation is internal to graph/
    void graph.generation
  })

  it('branches() returns the branch point with its children', () => {
    const [a1, ...rest] = retort.branches()
    assert.deepEqual(rest, [])
    assert.equal(a1!.id, 'a1')
    assert.deepEqual(ids(a1!.children).sort(), ['a2', 'b1'])
  })

  it('history() returns a range newest first, nothing marked current without -i', async () => {
    const entries = await retort.history({ range: 'a1:a3' })
    assert.deepEqual(
      entries.map((e) => [e.revision.id, e.isCurrent]),
      [
        ['a3', false],
        ['a2', false],
        ['a1', false],
      ],
    )
  })

  it('show() resolves labels and symbolic names to revisions', async () => {
    assert.deepEqual(ids(await retort.show('feature@head')), ['b1'])
    assert.deepEqual(ids(await retort.show('heads')).sort(), ['a3', 'b1'])
  })

  it('revision() refuses the default head when there are two heads, with the merge hint', async () => {
    await assert.rejects(
      retort.revision({ message: 'next' }),
      (e) =>
        e instanceof RevisionError && /^Multiple heads are present; please specify/.test(e.message),
    )
  })

  it('revision() writes the file and returns its id, path and the actions taken', async () => {
    const result = await retort.revision({
      message: 'on feature',
      head: 'feature@head',
      revId: 'c1',
    })
    assert.equal(result.revision, 'c1')
    assert.equal(result.path, 'migrations/versions/c1_on_feature.ts')
    assert.deepEqual(result.actions, [{ kind: 'file', path: result.path }])
    const text = readFileSync(join(project.root, result.path), 'utf8')
    assert.match(text, /export const revision = 'c1'/)
    assert.match(text, /export const downRevision[^=]*= 'b1'/)
    const reopened = await Retort.open({ cwd: project.root, log: () => {} })
    assert.deepEqual(ids(reopened.heads()).sort(), ['a3', 'c1'])
  })

  it('merge() writes a revision whose down revisions are the heads', async () => {
    const reopened = await Retort.open({ cwd: project.root, log: () => {} })
    const result = await reopened.merge({ revisions: ['heads'], message: 'merge', revId: 'm1' })
    assert.equal(result.revision, 'm1')
    assert.ok(existsSync(join(project.root, result.path)))
    const after = await Retort.open({ cwd: project.root, log: () => {} })
    assert.deepEqual(ids(after.heads()), ['m1'])
    assert.deepEqual([...after.graph().byRevisionId('m1')!.downRevisions].sort(), ['a3', 'c1'])
  })
})

for (const db of testDatabases()) {
  describe(`Retort API on ${db.dialect}`, { skip: db.skip }, () => {
    let fresh: FreshDatabase
    let project: Project
    let retort: Retort
    const logs: string[] = []
    before(async () => {
      fresh = await db.fresh()
      project = makeProject({ url: fresh.url })
      writeBranchedHistory(project.root)
      retort = await Retort.open({ cwd: project.root, log: (line) => logs.push(line) })
    })
    after(async () => {
      project?.remove()
      await fresh?.cleanup()
    })

    it('upgrade() returns the steps it ran, and current() the revisions the database is at', async () => {
      const result = await retort.upgrade({ target: 'a2' })
      assert.equal(result.sql, undefined)
      assert.deepEqual(
        result.steps.map((s) => [s.verb, s.revision]),
        [
          ['upgrade', 'a1'],
          ['upgrade', 'a2'],
        ],
      )
      assert.deepEqual(ids(await retort.current()), ['a2'])
      assert.deepEqual(await retort.readRows(), ['a2'])
      assert.ok(logs.some((l) => l.endsWith('Running upgrade a1 -> a2, second')))
    })

    it('checkHeads() fails naming the heads until every head is applied', async () => {
      await assert.rejects(
        retort.checkHeads(),
        (e) =>
          e instanceof RetortError &&
          e.message ===
            "Database is not on all head revisions (heads: a3, b1); run 'retort upgrade heads'",
      )
      const result = await retort.upgrade({ target: 'heads' })
      assert.deepEqual(result.steps.map((s) => s.revision).sort(), ['a3', 'b1'])
      await retort.checkHeads()
      assert.deepEqual(ids(await retort.current()).sort(), ['a3', 'b1'])
    })

    it('history({ indicateCurrent }) marks the revisions of the version table', async () => {
      const entries = await retort.history({ indicateCurrent: true })
      const current = entries.filter((e) => e.isCurrent).map((e) => e.revision.id)
      assert.deepEqual(current.sort(), ['a3', 'b1'])
      assert.equal(entries.length, 4)
    })

    it('downgrade() returns its steps and leaves the rows it says', async () => {
      const result = await retort.downgrade({ target: 'a1' })
      assert.deepEqual(new Set(result.steps.map((s) => s.verb)), new Set(['downgrade']))
      assert.deepEqual(result.steps.map((s) => s.revision).sort(), ['a2', 'a3', 'b1'])
      assert.deepEqual(await retort.readRows(), ['a1'])
    })

    it('stamp() moves the version table without running migrations', async () => {
      const result = await retort.stamp({ revisions: ['a2'] })
      assert.deepEqual(
        result.steps.map((s) => s.verb),
        ['stamp_revision'],
      )
      assert.deepEqual(await retort.readRows(), ['a2'])
      await retort.stamp({ revisions: ['base'] })
      assert.deepEqual(await retort.readRows(), [])
      assert.deepEqual(ids(await retort.current()), [])
    })

    it('upgrade({ sql: true }) returns the script and its steps without touching the database', async () => {
      const result = await retort.upgrade({ target: 'base:a2', sql: true })
      assert.deepEqual(
        result.steps.map((s) => s.revision),
        ['a1', 'a2'],
      )
      assert.match(result.sql!, /-- Running upgrade {2}-> a1/)
      assert.match(result.sql!, /CREATE TABLE/i)
      assert.match(result.sql!, /INSERT INTO retort_version \(version_num\) VALUES \('a1'\)/)
      assert.deepEqual(await retort.readRows(), [])
    })
  })
}
