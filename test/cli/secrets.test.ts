import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { testDatabases } from '../helpers/databases.js'
import { makeProject, writeRevision, type CliRun, type Project } from '../helpers/project.js'

/**
 * No output ever contains a password (issue 8, item 6), and database URLs
 * that cannot work fail up front, saying why (item 14).
 */

const PASSWORDS = ['p@ss:w/rd', 'pa#ss', 'pa?ss'] as const

/** What must not appear anywhere: the password, and each tail of it from a special character on. */
function secretParts(password: string): string[] {
  const tails = [...password.matchAll(/[@:/#?%]/g)].map((m) => password.slice(m.index))
  return [password, ...tails.filter((t) => t.length > 2)]
}

function assertNoSecret(run: CliRun, password: string, where: string): void {
  for (const part of secretParts(password)) {
    assert.ok(!run.stdout.includes(part), `${where}: stdout shows '${part}':\n${run.stdout}`)
    assert.ok(!run.stderr.includes(part), `${where}: stderr shows '${part}':\n${run.stderr}`)
  }
}

let project: Project

before(() => {
  project = makeProject({ url: 'sqlite:db.sqlite' })
  writeRevision(project.root, {
    revision: 'a1',
    downRevision: null,
    message: 'one',
    upgrade: "await op.execute('CREATE TABLE t1 (x INTEGER)')",
  })
})

after(() => project.remove())

describe('passwords that are not percent-encoded', () => {
  for (const password of PASSWORDS) {
    for (const scheme of ['postgres', 'mysql']) {
      it(`${scheme}: '${password}' is never echoed; the error says to percent-encode`, async () => {
        const url = `${scheme}://u:${password}@127.0.0.1:1/db`
        for (const command of [
          ['--url', url, 'current'],
          ['--url', url, 'current', '-v'],
          ['--url', url, 'upgrade', 'heads'],
          ['--url', url, 'upgrade', '--sql', 'heads'],
          ['--url', url, 'stamp', 'heads'],
        ]) {
          const run = await project.run(command)
          const where = command.slice(2).join(' ')
          assert.equal(run.code, 1, `${where}: ${run.stderr}`)
          assert.match(run.stderr, /^FAILED: .*percent-encode/, where)
          assert.match(run.stderr, new RegExp(`${scheme}://…`), where)
          assertNoSecret(run, password, where)
        }
      })
    }
  }

  it('an unparseable URL from the environment or the config is not echoed either', async () => {
    const fromEnv = makeProject({}, { DATABASE_URL: 'postgres://u:pa#ss@127.0.0.1/db' })
    const fromConfig = makeProject({ url: 'mysql://u:p@ss:w/rd@127.0.0.1/db' })
    try {
      for (const [p, password] of [
        [fromEnv, 'pa#ss'],
        [fromConfig, 'p@ss:w/rd'],
      ] as const) {
        mkdirSync(join(p.root, 'migrations/versions'), { recursive: true })
        const run = await p.run('current')
        assert.equal(run.code, 1)
        assert.match(run.stderr, /percent-encode/)
        assertNoSecret(run, password, 'current')
      }
    } finally {
      fromEnv.remove()
      fromConfig.remove()
    }
  })
})

describe('percent-encoded passwords', () => {
  it('connection errors show the URL masked (postgres and mysql drivers, nothing listening)', async () => {
    for (const url of [
      'postgres://u:s3cr%23t-pw@127.0.0.1:1/db',
      'mysql://u:s3cr%23t-pw@127.0.0.1:1/db',
    ]) {
      const run = await project.run(['--url', url, 'upgrade', 'heads'])
      assert.equal(run.code, 1)
      assert.match(
        run.stderr,
        /FAILED: cannot connect to (postgres|mysql):\/\/u:\*\*\*@127\.0\.0\.1:1\/db/,
      )
      for (const part of ['s3cr%23t-pw', 's3cr#t-pw']) assertNoSecret(run, part, url)
    }
  })

  it('--sql scripts and their log hold no password', async () => {
    for (const url of [
      'postgres://u:s3cr%23t-pw@db.example/app',
      'mysql://u:s3cr%23t-pw@db.example/app',
    ]) {
      const run = await project.run(['--url', url, 'upgrade', '--sql', 'base:heads'])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /CREATE TABLE t1/)
      for (const part of ['s3cr%23t-pw', 's3cr#t-pw']) assertNoSecret(run, part, url)
    }
  })
})

for (const db of testDatabases()) {
  if (db.dialect === 'sqlite') continue
  describe(`passwords on a real ${db.dialect} server`, { skip: db.skip }, () => {
    it('current -v and a refused or accepted login show the password masked', async () => {
      const fresh = await db.fresh()
      try {
        const u = new URL(fresh.url)
        u.password = 'hunter2%40pw'
        const url = u.toString()
        const run = await project.run(['--url', url, 'current', '-v'])
        // PostgreSQL here trusts local logins (the password is ignored); MariaDB's root has none (refused).
        if (run.code === 0) {
          assert.match(run.stdout, /^Current revision\(s\) for postgres:\/\/postgres:\*\*\*@/)
          assert.match(
            run.stderr,
            /^INFO {2}\[retort\.migration\] Database: postgres:\/\/postgres:\*\*\*@.* \(from --url\)/,
          )
        } else {
          assert.match(run.stderr, /^FAILED: cannot connect to mysql:\/\/root:\*\*\*@/m)
        }
        for (const part of ['hunter2', 'hunter2@pw', 'hunter2%40pw']) assertNoSecret(run, part, url)
      } finally {
        await fresh.cleanup()
      }
    })
  })
}

describe('database URLs that cannot work', () => {
  it('a MySQL/MariaDB URL naming no database fails up front, saying so', async () => {
    for (const url of ['mysql://root@127.0.0.1:3306', 'mariadb://root@127.0.0.1:3306/']) {
      const run = await project.run(['--url', url, 'upgrade', 'heads'])
      assert.equal(run.code, 1)
      assert.equal(
        run.stderr,
        `INFO  [retort.migration] Database: ${url} (from --url)\n` +
          `FAILED: the database URL ${url} names no database; add one after the host, ` +
          `e.g. ${url.replace(/\/$/, '')}/app\n`,
      )
    }
    // Offline, the URL only selects the dialect.
    const sql = await project.run([
      '--url',
      'mysql://root@127.0.0.1:3306',
      'upgrade',
      '--sql',
      'heads',
    ])
    assert.equal(sql.code, 0, sql.stderr)
  })

  it('a sqlite: path whose folder does not exist names the absolute path', async () => {
    const run = await project.run(['--url', 'sqlite:nowhere/sub/x.db', 'upgrade', 'heads'])
    assert.equal(run.code, 1)
    assert.ok(
      run.stderr.includes(join(project.root, 'nowhere/sub/x.db')),
      `absolute path in: ${run.stderr}`,
    )
    assert.match(run.stderr, /folder .* does not exist/)
  })

  it('read-only commands never create a SQLite file', async () => {
    const file = join(project.root, 'never.db')
    for (const command of [
      'current',
      'current -v',
      'history -i',
      'show current',
      'history -r current:',
    ]) {
      const run = await project.run(`--url sqlite:never.db ${command}`)
      assert.equal(run.code, 0, `${command}: ${run.stderr}`)
      assert.ok(!existsSync(file), `${command} created no file`)
    }
  })
})

describe('a closed pipe', () => {
  const BIN = resolve(import.meta.dirname, '../../dist/bin/retort.js')

  it('ends the command quietly (retort heads -v | head -n 1)', () => {
    assert.ok(existsSync(BIN), 'dist/bin/retort.js exists (npm test builds first)')
    const many = makeProject({ url: 'sqlite:db.sqlite' })
    try {
      for (let k = 0; k < 400; k++) {
        writeRevision(many.root, { revision: `r${k}`, downRevision: null, message: `base ${k}` })
      }
      // The exit status of retort itself, and its stderr, through a real pipe closed early.
      const result = spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" "${BIN}" heads -v 2>err.txt | head -n 1; echo "exit \${PIPESTATUS[0]}"`,
        ],
        { cwd: many.root, encoding: 'utf8' },
      )
      assert.equal(result.stdout, 'Rev: r0 (head)\nexit 0\n')
      assert.equal(readFileSync(join(many.root, 'err.txt'), 'utf8'), '')
    } finally {
      many.remove()
    }
  })
})
