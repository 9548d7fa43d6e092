import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { queryRows } from '../helpers/databases.js'
import { makeProject, writeRevision, type Project } from '../helpers/project.js'

const REPO = resolve(import.meta.dirname, '../..')

describe('retort CLI (in-process)', () => {
  let project: Project
  before(() => {
    project = makeProject({ url: 'sqlite:db.sqlite' })
    writeRevision(project.root, {
      revision: 'aaaa',
      downRevision: null,
      message: 'create account table',
    })
    writeRevision(project.root, { revision: 'bbbb', downRevision: 'aaaa', message: 'add a column' })
  })
  after(() => project.remove())

  it('exits 0 and prints results on stdout, the log on stderr', async () => {
    const run = await project.run('upgrade heads')
    assert.equal(run.code, 0)
    assert.equal(run.stdout, '')
    assert.equal(
      run.stderr,
      'INFO  [retort.migration] Database: sqlite:db.sqlite (from retort.config.json)\n' +
        'INFO  [retort.migration] Running upgrade  -> aaaa, create account table\n' +
        'INFO  [retort.migration] Running upgrade aaaa -> bbbb, add a column\n',
    )
    assert.equal((await project.run('current')).stdout, 'bbbb (head)\n')
  })

  it('-q silences the INFO log but not results or failures', async () => {
    const quiet = await project.run('-q history')
    assert.equal(quiet.code, 0)
    assert.equal(
      quiet.stdout,
      'aaaa -> bbbb (head), add a column\n<base> -> aaaa, create account table\n',
    )
    const down = await project.run('downgrade -1 -q')
    assert.equal(down.code, 0)
    assert.equal(down.stderr, '')
    const failed = await project.run('-q show nosuch')
    assert.equal(failed.code, 1)
    assert.match(failed.stderr, /^FAILED: .*'nosuch'/)
  })

  it("takes relative identifiers such as '-1' as arguments, not flags", async () => {
    await project.run('upgrade heads')
    const run = await project.run('downgrade -1')
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /Running downgrade bbbb -> aaaa/)
    const show = await project.run(['history', '-r', '-1:'])
    assert.equal(show.code, 0, show.stderr)
  })

  it('exits 1 with FAILED: on stderr for a command failure, naming the identifier', async () => {
    const run = await project.run('upgrade zzzz')
    assert.equal(run.code, 1)
    assert.equal(run.stdout, '')
    // The first log line names the database (as Alembic's first lines name its dialect), then the failure.
    assert.match(
      run.stderr,
      /^INFO {2}\[retort\.migration\] Database: sqlite:db\.sqlite \(from retort\.config\.json\)\nFAILED: Can't locate revision identified by 'zzzz'/,
    )
  })

  it('exits 2 on a usage error: unknown command, unknown flag, missing argument, bad -x', async () => {
    for (const line of ['frobnicate', 'heads --nope', 'upgrade', 'upgrade heads -x novalue']) {
      const run = await project.run(line)
      assert.equal(run.code, 2, `${line}: ${run.stderr}`)
      assert.notEqual(run.stderr, '', line)
    }
  })

  it('prints its name and version, and help, with exit 0', async () => {
    const version = await project.run('--version')
    assert.equal(version.code, 0)
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
    assert.equal(version.stdout.trim(), `retort ${pkg.version}`)
    const help = await project.run('--help')
    assert.equal(help.code, 0)
    assert.match(help.stdout, /upgrade/)
  })

  it('hands -x pairs (before or after the verb) and --tag to migrations', async () => {
    const other = makeProject({ url: 'sqlite:db.sqlite' })
    try {
      writeRevision(other.root, {
        revision: 'x1',
        downRevision: null,
        message: 'uses args',
        upgrade: `const { args, tag } = arguments[0]; await op.execute('CREATE TABLE t_' + args.a + '_' + args.b + '_' + tag + ' (x INTEGER)')`,
      })
      const run = await other.run('-x a=one upgrade heads -x b=two --tag v9')
      assert.equal(run.code, 0, run.stderr)
      const tables = await queryRows(
        'sqlite',
        `sqlite:${join(other.root, 'db.sqlite')}`,
        "SELECT name FROM sqlite_master WHERE name LIKE 't_%'",
      )
      assert.deepEqual(tables, [{ name: 't_one_two_v9' }])
    } finally {
      other.remove()
    }
  })

  it('init scaffolds once, refuses a non-empty folder and keeps an existing config', async () => {
    const fresh = makeProject({})
    try {
      const first = await fresh.run('init db/migrations')
      assert.equal(first.code, 0, first.stderr)
      assert.match(first.stdout, /^Creating directory db\/migrations \.\.\. {2}done\n/)
      assert.match(first.stdout, /Generating db\/migrations\/script\.ts\.tmpl \.\.\. {2}done\n/)
      // The project already had retort.config.json: it is kept, and said so.
      assert.match(first.stdout, /File retort\.config\.json already exists, skipping\n/)
      assert.match(
        first.stdout,
        /Please edit configuration\/connection\/logging settings in retort\.config\.json/,
      )
      const again = await fresh.run('init db/migrations')
      assert.equal(again.code, 1)
      assert.match(
        again.stderr,
        /^FAILED: Directory db\/migrations already exists and is not empty/,
      )
    } finally {
      fresh.remove()
    }
  })

  it('list-templates names the generic template with its description', async () => {
    const run = await project.run('list-templates')
    assert.match(
      run.stdout,
      /^Available templates:\n\ngeneric - .+\n\nTemplates are used via the 'init' command/,
    )
  })
})

describe('retort bin (built JavaScript, as a user runs it)', () => {
  it('runs init, revision, upgrade and current from dist/ in a fresh project', () => {
    const bin = join(REPO, 'dist/bin/retort.js')
    assert.ok(existsSync(bin), 'dist/bin/retort.js exists (npm test builds first)')
    const project = makeProject({})
    try {
      // The config written by init imports 'retort-migrate', as in a user's project.
      mkdirSync(join(project.root, 'node_modules'))
      symlinkSync(REPO, join(project.root, 'node_modules/retort-migrate'), 'dir')
      execFileSync('rm', [join(project.root, 'retort.config.json')])
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [bin, ...args], { cwd: project.root, encoding: 'utf8' })
      assert.equal(run('init').status, 0)
      const made = run('revision', '-m', 'create account table', '--rev-id', 'a1')
      assert.equal(made.status, 0, made.stderr)
      assert.equal(
        made.stdout,
        'Generating migrations/versions/a1_create_account_table.ts ...  done\n',
      )
      const up = run('upgrade', 'heads')
      assert.equal(up.status, 0, up.stderr)
      assert.equal(run('current').stdout, 'a1 (head)\n')
      assert.ok(readdirSync(project.root).includes('retort.db'))
    } finally {
      project.remove()
    }
  })

  it("runs revisions that use the project's own Kysely (sql, db) beside the bundled one", () => {
    const bin = join(REPO, 'dist/bin/retort.js')
    const project = makeProject({ url: 'sqlite:db.sqlite' })
    try {
      mkdirSync(join(project.root, 'node_modules'))
      symlinkSync(
        join(REPO, 'node_modules/kysely'),
        join(project.root, 'node_modules/kysely'),
        'dir',
      )
      const file = writeRevision(project.root, {
        revision: 'k1',
        downRevision: null,
        message: 'user kysely',
        upgrade: `
          await op.createTable('item', [
            { name: 'id', type: 'integer', primaryKey: true },
            { name: 'qty', type: 'integer', check: sql\`qty >= \${0}\` },
          ])
          await sql\`insert into item (id, qty) values (\${1}, \${5})\`.execute(db)
          await db.insertInto('item').values({ id: 2, qty: 7 }).execute()
          const { rows } = await sql<{ total: number }>\`select sum(qty) as total from item\`.execute(db)
          if (Number(rows[0]!.total) !== 12) throw new Error('sum is ' + rows[0]!.total)`,
      })
      const source = readFileSync(file, 'utf8')
      writeFileSync(file, `import { sql } from 'kysely'\n${source}`)
      const up = spawnSync(process.execPath, [bin, 'upgrade', 'heads'], {
        cwd: project.root,
        encoding: 'utf8',
      })
      assert.equal(up.status, 0, up.stderr)
      const rows = execFileSync(
        'sqlite3',
        [join(project.root, 'db.sqlite'), 'select id, qty from item order by id'],
        {
          encoding: 'utf8',
        },
      )
      assert.equal(rows, '1|5\n2|7\n')
      const refused = execFileSync(
        'sqlite3',
        [join(project.root, 'db.sqlite'), "select sql from sqlite_master where name = 'item'"],
        { encoding: 'utf8' },
      )
      assert.match(refused, /check \(qty >= 0\)/)
    } finally {
      project.remove()
    }
  })

  it('starts commands without loading Kysely or commander module by module', () => {
    const bin = join(REPO, 'dist/bin/retort.js')
    const project = makeProject({ url: 'sqlite:db.sqlite' })
    try {
      writeRevision(project.root, { revision: 'a1', downRevision: null, message: 'one' })
      // A resolve hook that lists every file: URL the process loads.
      const hook = `data:text/javascript,${encodeURIComponent(
        `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith('file:')) process.stderr.write('LOADED ' + r.url + '\\n'); return r }`,
      )}`
      const register = `data:text/javascript,${encodeURIComponent(
        `import { register } from 'node:module'; register(${JSON.stringify(hook)})`,
      )}`
      for (const args of [['upgrade', 'heads'], ['current'], ['heads'], ['--help']]) {
        const r = spawnSync(process.execPath, ['--import', register, bin, ...args], {
          cwd: project.root,
          encoding: 'utf8',
        })
        assert.equal(r.status, 0, r.stderr)
        const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED '))
        assert.ok(
          loaded.some((l) => l.includes('/dist/bin/')),
          `${args.join(' ')}: ${r.stderr}`,
        )
        assert.deepEqual(
          loaded.filter((l) =>
            /node_modules\/(kysely|commander)\/|\/dist\/(cli|api|runtime)\//.test(l),
          ),
          [],
          args.join(' '),
        )
      }
    } finally {
      project.remove()
    }
  })

  it('the package ships dist, templates and docs, and its bin points at built JavaScript', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      bin: Record<string, string>
      files: string[]
    }
    assert.equal(pkg.bin.retort, 'dist/bin/retort.js')
    assert.deepEqual(pkg.files, ['dist', 'templates', 'docs'])
    assert.match(readFileSync(join(REPO, pkg.bin.retort), 'utf8'), /^#!\/usr\/bin\/env node/)
  })
})
