import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { queryRows, testDatabases, type FreshDatabase } from '../helpers/databases.js'
import { makeProject, writeRevision, type Project } from '../helpers/project.js'

// `revision` and `merge` check --rev-id and --branch-label with the graph's
// rules before writing anything (issue 8 item 7, issue 12 item 3); labels
// with a '-' work through the CLI on every database (behavior.md a.5).

/** Every file and folder under root (and the folder above it, where '../evil' would land). */
function snapshot(root: string): string[] {
  const out: string[] = readdirSync(dirname(root)).filter((n) => n.includes('evil'))
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      out.push(path)
      if (statSync(path).isDirectory()) walk(path)
    }
  }
  walk(root)
  return out
}

describe('revision and merge refuse a bad --rev-id or --branch-label, writing nothing', () => {
  let project: Project
  before(() => {
    project = makeProject({ url: 'sqlite:db.sqlite' })
    writeRevision(project.root, { revision: 'aaaa', downRevision: null, message: 'first' })
  })
  after(() => project.remove())

  const refused = async (argv: string[], pattern: RegExp): Promise<void> => {
    const before = snapshot(project.root)
    const run = await project.run(argv)
    assert.equal(run.code, 1, `${argv.join(' ')}: ${run.stderr}`)
    assert.match(run.stderr, /^FAILED: /)
    assert.match(run.stderr, pattern)
    assert.deepEqual(snapshot(project.root), before, `${argv.join(' ')} wrote something`)
  }

  it("refuses a --rev-id that would leave the versions folder ('../evil', '..\\evil')", async () => {
    await refused(
      ['revision', '-m', 'x', '--rev-id', '../evil'],
      /Character\(s\) '\/' not allowed in revision identifier '\.\.\/evil'/,
    )
    await refused(
      ['revision', '-m', 'x', '--rev-id', '..\\evil'],
      /Character\(s\) '\\' not allowed in revision identifier/,
    )
  })

  it('refuses whitespace, reserved words and ids longer than 32 characters', async () => {
    await refused(
      ['revision', '-m', 'x', '--rev-id', 'a b'],
      /Character\(s\) ' ' not allowed .*'a b'/,
    )
    for (const word of ['head', 'heads', 'base', 'current']) {
      await refused(
        ['revision', '-m', 'x', '--rev-id', word],
        new RegExp(`'${word}' is a reserved word`),
      )
    }
    const long = 'c'.repeat(40)
    await refused(
      ['revision', '-m', 'x', '--rev-id', long],
      new RegExp(`'${long}' is 40 characters long`),
    )
  })

  it('applies the same rules to merge', async () => {
    await refused(['merge', 'heads', '-m', 'm', '--rev-id', 'head'], /'head' is a reserved word/)
    await refused(['merge', 'heads', '-m', 'm', '--rev-id', '../evil'], /not allowed/)
    await refused(
      ['merge', 'heads', '-m', 'm', '--branch-label', 'x-1'],
      /Branch name 'x-1' is not allowed/,
    )
  })

  it('refuses a label ending in -<digits>, with @ : + or whitespace, or a reserved word', async () => {
    for (const [label, why] of [
      ['feat-2', /ends in '-2'/],
      ['a@b', /contains '@'/],
      ['a:b', /contains ':'/],
      ['a+b', /contains '\+'/],
      ['two words', /contains ' '/],
      ['heads', /reserved word/],
    ] as const) {
      await refused(['revision', '-m', 'x', '--branch-label', label], why)
    }
  })

  it('refuses a fileTemplate that would put the file outside its folder or hide it', async () => {
    for (const fileTemplate of ['../{rev}_{slug}', '.{rev}_{slug}']) {
      const other = makeProject({ url: 'sqlite:db.sqlite', fileTemplate })
      try {
        writeRevision(other.root, { revision: 'aaaa', downRevision: null, message: 'first' })
        const before = snapshot(other.root)
        const run = await other.run(['revision', '-m', 'x', '--rev-id', 'bbbb'])
        assert.equal(run.code, 1, run.stderr)
        assert.match(
          run.stderr,
          /FAILED: The file name '.*bbbb_x\.ts' .* would not be read from migrations\/versions/,
        )
        assert.deepEqual(snapshot(other.root), before)
      } finally {
        other.remove()
      }
    }
  })

  it('writes a revision with a dashed label, and the graph reads it back', async () => {
    const run = await project.run([
      'revision',
      '-m',
      'samples',
      '--rev-id',
      'c0ffee',
      '--branch-label',
      'geonature-samples',
    ])
    assert.equal(run.code, 0, run.stderr)
    const file = join(project.root, 'migrations/versions/c0ffee_samples.ts')
    assert.match(readFileSync(file, 'utf8'), /branchLabels[^=]*= 'geonature-samples'/)
    const history = await project.run(['history', '-r', 'geonature-samples:'])
    assert.equal(history.code, 0, history.stderr)
    assert.equal(history.stdout, 'aaaa -> c0ffee (geonature-samples) (head), samples\n')
    const show = await project.run(['show', 'geonature-samples@head'])
    assert.match(show.stdout, /^Rev: c0ffee \(head\)/)
  })
})

for (const db of testDatabases()) {
  describe(`labels with a '-' through the CLI on ${db.dialect}`, { skip: db.skip }, () => {
    let fresh: FreshDatabase
    let project: Project
    before(async () => {
      fresh = await db.fresh()
      project = makeProject({ url: fresh.url, versionTable: 'retort_version' })
      // GeoNature-like: two trees, each with a dashed label, and a '-' label on a later revision.
      writeRevision(project.root, {
        revision: 'g1',
        downRevision: null,
        branchLabels: 'geonature',
        message: 'geonature base',
        upgrade: `await op.createTable('g_table', [{ name: 'id', type: 'integer', primaryKey: true }])`,
        downgrade: `await op.dropTable('g_table')`,
      })
      writeRevision(project.root, {
        revision: 'g2',
        downRevision: 'g1',
        branchLabels: 'geonature-samples',
        message: 'samples',
        upgrade: `await op.bulkInsert('g_table', [{ id: 1 }, { id: 2 }])`,
        downgrade: `await op.execute('DELETE FROM g_table')`,
      })
      writeRevision(project.root, {
        revision: 't1',
        downRevision: null,
        branchLabels: 'taxhub-standalone',
        message: 'taxhub base',
      })
      writeRevision(project.root, { revision: 't2', downRevision: 't1', message: 'taxhub more' })
    })
    after(async () => {
      project?.remove()
      await fresh?.cleanup()
    })

    const rows = async (): Promise<string[]> =>
      (await queryRows(db.dialect, fresh.url, 'SELECT version_num FROM retort_version'))
        .map((r) => String(r.version_num))
        .sort()

    it('upgrades, downgrades and lists by dashed labels', async () => {
      const heads = await project.run('heads')
      assert.equal(heads.code, 0, heads.stderr)
      assert.equal(
        heads.stdout,
        'g2 (geonature, geonature-samples) (head)\nt2 (taxhub-standalone) (head)\n',
      )

      let run = await project.run('upgrade geonature-samples@head')
      assert.equal(run.code, 0, run.stderr)
      assert.deepEqual(await rows(), ['g2'])
      const count = await queryRows(db.dialect, fresh.url, 'SELECT COUNT(*) AS n FROM g_table')
      assert.equal(Number(count[0]!.n), 2)

      run = await project.run('upgrade taxhub-standalone@+1')
      assert.equal(run.code, 0, run.stderr)
      assert.deepEqual(await rows(), ['g2', 't1'])
      run = await project.run('upgrade taxhub-standalone@head')
      assert.equal(run.code, 0, run.stderr)
      assert.deepEqual(await rows(), ['g2', 't2'])

      run = await project.run('downgrade geonature-samples@-1')
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stderr, /Running downgrade g2 -> g1, samples/)
      assert.deepEqual(await rows(), ['g1', 't2'])

      const history = await project.run(['history', '-r', 'taxhub-standalone:'])
      assert.equal(
        history.stdout,
        't1 -> t2 (taxhub-standalone) (head), taxhub more\n<base> -> t1 (taxhub-standalone), taxhub base\n',
      )

      run = await project.run('downgrade taxhub-standalone@base')
      assert.equal(run.code, 0, run.stderr)
      assert.deepEqual(await rows(), ['g1'])
    })
  })
}
