import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { queryRows, testDatabases, type FreshDatabase } from '../helpers/databases.js'
import { makeProject, writeRevision, type Project } from '../helpers/project.js'

// behavior.md c.2 step 3 (updated), issue 12 item 2: after 'stamp aaaa cccc'
// the rows overlap; upgrade and 'history -r current:' fail before anything
// runs, naming both rows and the repair, instead of upgrading past the stale row.

for (const db of testDatabases()) {
  describe(`an inconsistent version table on ${db.dialect}`, { skip: db.skip }, () => {
    let fresh: FreshDatabase
    let project: Project
    before(async () => {
      fresh = await db.fresh()
      project = makeProject({ url: fresh.url, versionTable: 'retort_version' })
      writeRevision(project.root, { revision: 'aaaa', downRevision: null, message: 'a' })
      writeRevision(project.root, { revision: 'bbbb', downRevision: 'aaaa', message: 'b' })
      writeRevision(project.root, { revision: 'cccc', downRevision: 'bbbb', message: 'c' })
      writeRevision(project.root, {
        revision: 'dddd',
        downRevision: 'cccc',
        message: 'd',
        upgrade: `await op.createTable('from_dddd', [{ name: 'id', type: 'integer', primaryKey: true }])`,
        downgrade: `await op.dropTable('from_dddd')`,
      })
    })
    after(async () => {
      project?.remove()
      await fresh?.cleanup()
    })

    const rows = async (): Promise<string[]> =>
      (await queryRows(db.dialect, fresh.url, 'SELECT version_num FROM retort_version'))
        .map((r) => String(r.version_num))
        .sort()

    const tableExists = async (): Promise<boolean> => {
      try {
        await queryRows(db.dialect, fresh.url, 'SELECT COUNT(*) AS n FROM from_dddd')
        return true
      } catch {
        return false
      }
    }

    it('refuses upgrade and history -r current: naming both rows, runs nothing, and works after stamp --purge', async () => {
      const stamp = await project.run('stamp aaaa cccc')
      assert.equal(stamp.code, 0, stamp.stderr)
      assert.deepEqual(await rows(), ['aaaa', 'cccc'])

      for (const command of [
        'upgrade head',
        'upgrade heads',
        'upgrade +1',
        'history -r current:',
      ]) {
        const run = await project.run(command)
        assert.equal(run.code, 1, `${command}: ${run.stderr}`)
        assert.match(
          run.stderr,
          /^FAILED: The version table is inconsistent: row 'aaaa' is an ancestor of row 'cccc'/m,
        )
        assert.match(run.stderr, /'stamp --purge cccc'.*'stamp heads'/)
        assert.doesNotMatch(run.stderr, /Running upgrade/)
        assert.equal(run.stdout, '')
      }
      assert.deepEqual(await rows(), ['aaaa', 'cccc'])
      assert.equal(await tableExists(), false)

      const purge = await project.run('stamp --purge cccc')
      assert.equal(purge.code, 0, purge.stderr)
      const up = await project.run('upgrade head')
      assert.equal(up.code, 0, up.stderr)
      assert.match(up.stderr, /Running upgrade cccc -> dddd/)
      assert.deepEqual(await rows(), ['dddd'])
      assert.equal(await tableExists(), true)
      const history = await project.run('history -r current:')
      assert.equal(history.stdout, 'cccc -> dddd (head), d\n')
    })
  })
}
