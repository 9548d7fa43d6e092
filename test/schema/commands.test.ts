import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { testDatabases, type FreshDatabase } from '../helpers/databases.js'
import { writeRevision, type Project } from '../helpers/project.js'
import { openApi, schemaProject } from './helpers.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const INDEX = join(ROOT, 'src/index.ts')

/** A defineSchema module: `account`, plus whatever `extra` adds to its columns. */
const schemaModule = (extra = ''): string => `import { sql } from 'kysely'
import { defineSchema } from '${INDEX}'

export default defineSchema({
  tables: {
    account: {
      columns: [
        { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
        { name: 'email', type: 'varchar(200)', nullable: false },
        { name: 'credit', type: 'numeric(10,2)', default: 0, check: sql\`credit >= 0\` },${extra}
      ],
      unique: [{ name: 'uq_account_email', columns: ['email'] }],
    },
    entry: {
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'account_id', type: 'integer', references: { table: 'account', column: 'id' } },
      ],
      indexes: [{ name: 'ix_entry_id_account', columns: ['id', 'account_id'] }],
    },
  },
})
`

const versions = (p: Project): string[] =>
  existsSync(join(p.root, 'migrations/versions'))
    ? readdirSync(join(p.root, 'migrations/versions')).filter((f) => f.endsWith('.ts'))
    : []

for (const db of testDatabases()) {
  describe(`autogenerate, check and verify on ${db.dialect}`, { skip: db.skip }, () => {
    let fresh: FreshDatabase
    let project: Project
    before(async () => {
      fresh = await db.fresh()
      project = schemaProject(fresh.url, {
        schema: 'schema.ts',
        include: ['*'],
        exclude: ['legacy_*'],
      })
      project.write('schema.ts', schemaModule())
    })
    after(async () => {
      project.remove()
      await fresh.cleanup()
    })

    it('writes the whole schema as a revision, one Detected line per operation, and check then passes', async () => {
      const gen = await project.run('revision --autogenerate -m "initial schema" --rev-id a001')
      assert.equal(gen.code, 0, gen.stderr)
      assert.match(gen.stderr, /INFO {2}\[retort\.autogenerate\] Detected added table 'account'/)
      assert.match(gen.stderr, /Detected added table 'entry'/)
      assert.match(gen.stderr, /Detected added index 'ix_entry_id_account' on 'entry'/)
      assert.match(
        gen.stderr,
        /WARNI \[retort\.autogenerate\] include\/exclude pattern 'legacy_\*' matches no table/,
      )
      assert.deepEqual(versions(project), ['a001_initial_schema.ts'])
      assert.equal((await project.run('upgrade heads')).code, 0)
      const check = await project.run('check')
      assert.equal(check.code, 0, check.stderr)
      assert.equal(check.stdout, 'No new upgrade operations detected.\n')
    })

    it('fails check with one line per difference when the declared schema moves on, and --json lists them', async () => {
      project.write('schema.ts', schemaModule("\n        { name: 'note', type: 'text' },"))
      const check = await project.run('check')
      assert.equal(check.code, 1)
      assert.equal(
        check.stderr
          .split('\n')
          .filter((l) => !l.startsWith('WARNI'))
          .join('\n'),
        "FAILED: New upgrade operations detected:\n  added column 'account.note'\n",
      )
      const json = await project.run('check --json')
      assert.equal(json.code, 1)
      const list = JSON.parse(json.stdout) as { kind: string; table: string; description: string }[]
      assert.deepEqual(list, [
        { kind: 'addColumn', table: 'account', description: "added column 'account.note'" },
      ])
      // --json is a global option: before the command it gives the same array.
      const before = await project.run('--json check')
      assert.equal(before.code, 1)
      assert.deepEqual(JSON.parse(before.stdout), list)
    })

    it('refuses to autogenerate when the database is not at its heads, naming what is not applied', async () => {
      const gen = await project.run('revision --autogenerate -m "add note" --rev-id a002')
      assert.equal(gen.code, 0, gen.stderr)
      assert.match(gen.stderr, /Detected added column 'account\.note'/)
      const again = await project.run('revision --autogenerate -m "too early" --rev-id a003')
      assert.equal(again.code, 1)
      assert.match(
        again.stderr,
        /FAILED: Target database is not up to date: revision\(s\) 'a002' not applied/,
      )
      assert.deepEqual(versions(project).sort(), ['a001_initial_schema.ts', 'a002_add_note.ts'])
    })

    it('writes a revision with empty bodies and logs No changes detected when nothing changed', async () => {
      assert.equal((await project.run('upgrade heads')).code, 0)
      const gen = await project.run(
        'revision --autogenerate -m "nothing" --rev-id a003 --head a002',
      )
      assert.equal(gen.code, 0, gen.stderr)
      assert.match(gen.stderr, /INFO {2}\[retort\.autogenerate\] No changes detected/)
      assert.equal((await project.run('upgrade heads')).code, 0)
    })

    it('passes verify on a sound history, with one line per check', async () => {
      const verify = await project.run('verify')
      assert.equal(verify.code, 0, verify.stdout + verify.stderr)
      assert.equal(
        verify.stdout,
        [
          'PASSED  heads',
          'PASSED  upgrade',
          'PASSED  up-down consistency',
          'PASSED  downgrade leaves no trace',
          'PASSED  schema matches',
          '',
        ].join('\n'),
      )
      const json = await project.run('verify --json')
      assert.equal(json.code, 0)
      const doc = JSON.parse(json.stdout) as { passed: boolean; ok: boolean; problems: unknown[] }
      assert.equal(doc.passed, true)
      assert.equal(doc.ok, true)
      assert.deepEqual(doc.problems, [])
    })

    it('refuses a verify --url database that is not empty', async () => {
      const verify = await project.run(['verify', '--url', fresh.url])
      assert.equal(verify.code, 1)
      assert.match(verify.stderr, /is not empty \(it has table '/)
    })
  })

  describe(`bad declared schemas on ${db.dialect}`, { skip: db.skip }, () => {
    it('fails autogenerate with the file named, exit 1 and no revision written, when the module throws', async () => {
      const fresh = await db.fresh()
      const project = schemaProject(fresh.url, { schema: 'schema.ts' })
      try {
        project.write('schema.ts', "throw new Error('boom in the schema')\n")
        const gen = await project.run('revision --autogenerate -m "never"')
        assert.equal(gen.code, 1)
        assert.match(gen.stderr, /FAILED: .*schema\.ts/)
        assert.deepEqual(versions(project), [])
        const check = await project.run('check')
        assert.equal(check.code, 1)
        assert.match(check.stderr, /FAILED: .*schema\.ts/)
      } finally {
        project.remove()
        await fresh.cleanup()
      }
    })
  })

  describe(`verify catches broken histories on ${db.dialect}`, { skip: db.skip }, () => {
    const broken = async (
      revisions: Parameters<typeof writeRevision>[1][],
      command = 'verify',
    ): Promise<{ code: number; stdout: string }> => {
      const fresh = await db.fresh()
      const project = schemaProject(fresh.url)
      try {
        for (const r of revisions) writeRevision(project.root, r)
        const run = await project.run(command)
        return { code: run.code, stdout: run.stdout + run.stderr }
      } finally {
        project.remove()
        await fresh.cleanup()
      }
    }
    const base = {
      revision: 'c001',
      downRevision: null,
      message: 'base table',
      upgrade: "await op.createTable('keep', [{ name: 'id', type: 'integer', primaryKey: true }])",
      downgrade: "await op.dropTable('keep')",
    }

    it('fails a downgrade that forgets to drop a table, naming the revision', async () => {
      const run = await broken([
        base,
        {
          revision: 'c002',
          downRevision: 'c001',
          message: 'forgetful',
          upgrade:
            "await op.createTable('extra', [{ name: 'id', type: 'integer', primaryKey: true }])",
          downgrade: '',
        },
      ])
      assert.equal(run.code, 1)
      assert.match(run.stdout, /PASSED {2}upgrade\n/)
      assert.match(
        run.stdout,
        /FAILED {2}downgrade leaves no trace: revision 'c002' .*added table 'extra'/,
      )
    })

    it('reports a failed check in verify --json as ok: false with one problem naming the revision', async () => {
      const run = await broken(
        [
          base,
          {
            revision: 'c002',
            downRevision: 'c001',
            message: 'forgetful',
            upgrade:
              "await op.createTable('extra', [{ name: 'id', type: 'integer', primaryKey: true }])",
            downgrade: '',
          },
        ],
        'verify --json',
      )
      assert.equal(run.code, 1)
      const doc = JSON.parse(run.stdout) as {
        ok: boolean
        passed: boolean
        problems: { kind: string; message: string; revision?: string }[]
      }
      assert.equal(doc.ok, false)
      assert.equal(doc.passed, false)
      // One problem per failed check: upgrading again after the empty downgrade fails too.
      assert.deepEqual(
        doc.problems.map((p) => [p.kind, p.revision]),
        [
          ['up-down consistency', 'c002'],
          ['downgrade leaves no trace', 'c002'],
        ],
      )
      assert.match(doc.problems[1]!.message, /added table 'extra'/)
    })

    it('fails an upgrade that fails halfway, naming the revision', async () => {
      const run = await broken([
        base,
        {
          revision: 'c002',
          downRevision: 'c001',
          message: 'halfway',
          upgrade:
            "await op.createTable('half', [{ name: 'id', type: 'integer', primaryKey: true }]); await op.execute('select * from no_such_table')",
          downgrade: "await op.dropTable('half')",
        },
      ])
      assert.equal(run.code, 1)
      assert.match(run.stdout, /FAILED {2}upgrade: revision 'c002' .*upgrade failed/)
    })

    it('fails a revision whose upgrade does not run again after its downgrade', async () => {
      const run = await broken([
        base,
        {
          revision: 'c002',
          downRevision: 'c001',
          message: 'seed row',
          upgrade: "await op.bulkInsert('keep', [{ id: 1 }])",
          downgrade: '',
        },
      ])
      assert.equal(run.code, 1)
      assert.match(run.stdout, /PASSED {2}downgrade leaves no trace/)
      assert.match(
        run.stdout,
        /FAILED {2}up-down consistency: revision 'c002' .*upgrade after its downgrade failed/,
      )
    })

    it('fails two heads from one parent with both ids and the merge command', async () => {
      const run = await broken([
        base,
        { revision: 'c002', downRevision: 'c001', message: 'team one' },
        { revision: 'c003', downRevision: 'c001', message: 'team two' },
      ])
      assert.equal(run.code, 1)
      assert.match(
        run.stdout,
        /FAILED {2}heads: two heads on one line of history: 'c00[23]' and 'c00[23]' .*retort merge c00[23] c00[23]/,
      )
    })

    it('runs only the heads check from the API when asked, without a database', async () => {
      const project = schemaProject('sqlite:./never-created.db')
      try {
        for (const r of [
          base,
          { revision: 'c002', downRevision: 'c001', message: 'one' },
          { revision: 'c003', downRevision: 'c001', message: 'two' },
        ])
          writeRevision(project.root, r)
        const api = await openApi(project)
        const result = await api.verify({ checks: ['heads'] })
        assert.equal(result.passed, false)
        assert.deepEqual(
          result.checks.map((c) => [c.name, c.revisions]),
          [['heads', ['c002', 'c003']]],
        )
        assert.equal(existsSync(join(project.root, 'never-created.db')), false)
      } finally {
        project.remove()
      }
    })

    it('accepts independent bases with a head each', async () => {
      const run = await broken([
        base,
        { revision: 'd001', downRevision: null, message: 'other base', branchLabels: 'other' },
      ])
      assert.equal(run.code, 0, run.stdout)
      assert.match(run.stdout, /PASSED {2}heads\n/)
      assert.match(run.stdout, /PASSED {2}schema matches \(no declared schema\)/)
    })
  })
}
