import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { parseDatabaseUrl } from '../../src/config/database-url.js'
import type { PlanStep } from '../../src/graph/step.js'
import { renderEnsureVersionScript, renderScript } from '../../src/runtime/offline.js'
import { withDatabase } from '../../src/runtime/session.js'
import type { RuntimeOptions } from '../../src/runtime/session.js'
import { testDatabases } from '../helpers/databases.js'
import type { FreshDatabase, TestDialect } from '../helpers/databases.js'
import {
  inspect,
  linearPlan,
  revisionFolder,
  sessionOptions,
  stampStep,
  writeRevision,
} from './fixtures.js'

// No server behind these: offline mode must not connect.
const URLS: Record<TestDialect, string> = {
  sqlite: 'sqlite:db.sqlite',
  postgres: 'postgresql://scott:tiger@localhost:1/test',
  mysql: 'mysql://scott:tiger@localhost:1/test',
}

function scriptOptions(
  dialect: TestDialect,
  extra: Partial<RuntimeOptions> = {},
): RuntimeOptions & { logs: string[] } {
  const logs: string[] = []
  return {
    url: parseDatabaseUrl(URLS[dialect], tmpdir()),
    versionTable: 'alembic_version',
    transactionPerMigration: false,
    args: {},
    log: (line) => logs.push(line),
    logs,
    ...extra,
  }
}

const CREATE = `CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

`

/** Three no-op revisions aaaa -> bbbb -> cccc (the examples' history). */
function noopChain(): { plan: PlanStep[]; cleanup: () => void } {
  const folder = revisionFolder()
  const revs = ['aaaa', 'bbbb', 'cccc'].map((id) => ({
    id,
    path: writeRevision(folder.dir, id, { upgrade: '', downgrade: '' }),
  }))
  return { plan: linearPlan(revs), cleanup: folder.cleanup }
}

const UPGRADE_BODY = `-- Running upgrade  -> aaaa

INSERT INTO alembic_version (version_num) VALUES ('aaaa');

-- Running upgrade aaaa -> bbbb

UPDATE alembic_version SET version_num='bbbb' WHERE alembic_version.version_num = 'aaaa';

-- Running upgrade bbbb -> cccc

UPDATE alembic_version SET version_num='cccc' WHERE alembic_version.version_num = 'bbbb';

`

describe('offline scripts', () => {
  it('wraps the PostgreSQL script in one BEGIN/COMMIT, CREATE TABLE first (offline-sql-postgresql)', async () => {
    const { plan, cleanup } = noopChain()
    try {
      const options = scriptOptions('postgres')
      const script = await renderScript(options, plan, { createVersionTable: true })
      assert.equal(script, `BEGIN;\n\n${CREATE}${UPGRADE_BODY}COMMIT;\n\n`)
      assert.deepEqual(options.logs, [
        'INFO  [retort.migration] Generating static SQL',
        'INFO  [retort.migration] Running upgrade  -> aaaa, rev aaaa',
        'INFO  [retort.migration] Running upgrade aaaa -> bbbb, rev bbbb',
        'INFO  [retort.migration] Running upgrade bbbb -> cccc, rev cccc',
      ])
    } finally {
      cleanup()
    }
  })

  for (const dialect of ['sqlite', 'mysql'] as const) {
    it(`writes no BEGIN/COMMIT for ${dialect} (offline-sql-sqlite)`, async () => {
      const { plan, cleanup } = noopChain()
      try {
        assert.equal(
          await renderScript(scriptOptions(dialect), plan, { createVersionTable: true }),
          `${CREATE}${UPGRADE_BODY}`,
        )
      } finally {
        cleanup()
      }
    })
  }

  it('gives each step its own BEGIN/COMMIT with transactionPerMigration, CREATE TABLE inside the first', async () => {
    const { plan, cleanup } = noopChain()
    try {
      const script = await renderScript(
        scriptOptions('postgres', { transactionPerMigration: true }),
        plan.slice(0, 2),
        {
          createVersionTable: true,
        },
      )
      assert.equal(
        script,
        `BEGIN;\n\n${CREATE}-- Running upgrade  -> aaaa\n\nINSERT INTO alembic_version (version_num) VALUES ('aaaa');\n\nCOMMIT;\n\n` +
          `BEGIN;\n\n-- Running upgrade aaaa -> bbbb\n\nUPDATE alembic_version SET version_num='bbbb' WHERE alembic_version.version_num = 'aaaa';\n\nCOMMIT;\n\n`,
      )
    } finally {
      cleanup()
    }
  })

  it('writes BEGIN/COMMIT alone for an empty PostgreSQL plan, and nothing for SQLite', async () => {
    assert.equal(
      await renderScript(scriptOptions('postgres'), [], { createVersionTable: true }),
      'BEGIN;\n\nCOMMIT;\n\n',
    )
    assert.equal(await renderScript(scriptOptions('sqlite'), [], { createVersionTable: true }), '')
  })

  it('writes downgrade and stamp steps: trailing space for base, DELETE, schema-qualified names', async () => {
    const folder = revisionFolder()
    try {
      const path = writeRevision(folder.dir, 'aaaa', { upgrade: '', downgrade: '' })
      const plan: PlanStep[] = [
        stampStep(['cccc'], ['m'], [{ kind: 'update', from: 'cccc', to: 'm' }]),
        {
          verb: 'downgrade',
          revision: 'aaaa',
          path,
          from: ['aaaa'],
          to: [],
          message: 'rev aaaa',
          rowChanges: [{ kind: 'delete', revision: 'aaaa' }],
        },
      ]
      const script = await renderScript(
        scriptOptions('sqlite', { versionTableSchema: 'app' }),
        plan,
        { createVersionTable: false },
      )
      assert.equal(
        script,
        `-- Running stamp_revision cccc -> m\n\nUPDATE app.alembic_version SET version_num='m' WHERE app.alembic_version.version_num = 'cccc';\n\n` +
          `-- Running downgrade aaaa -> \n\nDELETE FROM app.alembic_version WHERE app.alembic_version.version_num = 'aaaa';\n\n`,
      )
    } finally {
      folder.cleanup()
    }
  })

  it("captures the migrations' op and db statements with values inlined for each dialect", async () => {
    const folder = revisionFolder()
    try {
      const path = writeRevision(folder.dir, 'aaaa', {
        upgrade:
          `await op.execute('CREATE TABLE account (id INTEGER, name VARCHAR(50));')\n` +
          `await db.insertInto('account').values({ id: 1, name: "O'Brien \\\\ x" }).execute()`,
      })
      const plan = linearPlan([{ id: 'aaaa', path }])
      const expected: Record<TestDialect, string> = {
        sqlite: `insert into "account" ("id", "name") values (1, 'O''Brien \\ x')`,
        postgres: `insert into "account" ("id", "name") values (1, 'O''Brien \\ x')`,
        mysql: "insert into `account` (`id`, `name`) values (1, 'O''Brien \\\\ x')",
      }
      for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
        const script = await renderScript(scriptOptions(dialect), plan, {
          createVersionTable: false,
        })
        const body =
          `-- Running upgrade  -> aaaa\n\nCREATE TABLE account (id INTEGER, name VARCHAR(50));\n\n${expected[dialect]};\n\n` +
          `INSERT INTO alembic_version (version_num) VALUES ('aaaa');\n\n`
        assert.equal(script, dialect === 'postgres' ? `BEGIN;\n\n${body}COMMIT;\n\n` : body)
      }
    } finally {
      folder.cleanup()
    }
  })

  it('takes relative step paths from baseDir', async () => {
    const folder = revisionFolder()
    try {
      writeRevision(folder.dir, 'aaaa', { upgrade: `await op.execute('SELECT 1')` })
      const plan = linearPlan([{ id: 'aaaa', path: 'aaaa_rev.ts' }])
      const script = await renderScript(scriptOptions('sqlite', { baseDir: folder.dir }), plan, {
        createVersionTable: false,
      })
      assert.ok(script.includes('SELECT 1;'), script)
    } finally {
      folder.cleanup()
    }
  })

  it('hands migrations offline: true and the dialect', async () => {
    const seen: unknown[] = []
    const options = scriptOptions('mysql', {
      args: { k: 'v' },
      loadMigration: async () => ({
        upgrade: (ctx: any) => void seen.push([ctx.offline, ctx.dialect, ctx.args]),
      }),
    })
    await renderScript(options, linearPlan([{ id: 'aaaa', path: '/nowhere/aaaa.ts' }]), {
      createVersionTable: false,
    })
    assert.deepEqual(seen, [[true, { name: 'mysql', transactionalDdl: false }, { k: 'v' }]])
  })

  it('renders ensure-version as the CREATE TABLE, in BEGIN/COMMIT for PostgreSQL only (ensure-version)', async () => {
    const options = scriptOptions('postgres')
    assert.equal(await renderEnsureVersionScript(options), `BEGIN;\n\n${CREATE}COMMIT;\n\n`)
    assert.deepEqual(options.logs, ['INFO  [retort.migration] Generating static SQL'])
    assert.equal(await renderEnsureVersionScript(scriptOptions('sqlite')), CREATE)
  })
})

/** Run a script with the database's own command-line client. */
function runWithClient(dialect: TestDialect, fresh: FreshDatabase, script: string): void {
  let result
  if (dialect === 'sqlite') {
    result = spawnSync('sqlite3', ['-bail', fresh.namespace], { input: script, encoding: 'utf8' })
  } else if (dialect === 'postgres') {
    result = spawnSync(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', process.env.RETORT_TEST_PG_URL!, '-f', '-'],
      {
        input: script,
        encoding: 'utf8',
        env: { ...process.env, PGOPTIONS: `-c search_path=${fresh.namespace}` },
      },
    )
  } else {
    const u = new URL(fresh.url)
    const args = ['-h', u.hostname, '-P', u.port || '3306', '-u', decodeURIComponent(u.username)]
    if (u.password) args.push(`-p${decodeURIComponent(u.password)}`)
    result = spawnSync('mariadb', [...args, fresh.namespace], { input: script, encoding: 'utf8' })
  }
  assert.equal(result.status, 0, `${result.stderr}\n--- script:\n${script}`)
}

async function snapshot(dialect: TestDialect, fresh: FreshDatabase) {
  const seen = await inspect(dialect, fresh)
  try {
    const columns: string[][] = []
    for (const table of seen.tables) columns.push(await seen.columns(table))
    return {
      tables: seen.tables,
      columns,
      versions: await seen.rows('alembic_version', 'version_num'),
      names: await seen.rows('account', 'name'),
      notes: await seen.rows('account', 'note'),
    }
  } finally {
    await seen.close()
  }
}

for (const db of testDatabases()) {
  describe(`offline script on ${db.dialect}`, { skip: db.skip }, () => {
    it("leaves the same schema, data and version rows when run with the database's client as the online run", async () => {
      const folder = revisionFolder()
      const online = await db.fresh()
      const offline = await db.fresh()
      try {
        const revs = [
          {
            id: 'a1',
            path: writeRevision(folder.dir, 'a1', {
              upgrade: `await op.execute('CREATE TABLE account (id INTEGER PRIMARY KEY, name VARCHAR(50), note VARCHAR(50))')`,
            }),
          },
          {
            id: 'a2',
            path: writeRevision(folder.dir, 'a2', {
              upgrade:
                `await db.insertInto('account').values([{ id: 1, name: "O'Brien", note: 'back\\\\slash' }, ` +
                `{ id: 2, name: 'plain', note: null }]).execute()`,
            }),
          },
          {
            id: 'a3',
            path: writeRevision(folder.dir, 'a3', {
              upgrade:
                `await op.execute('CREATE TABLE audit (id INTEGER)')\n` +
                `await db.updateTable('account').set({ note: "it's" }).where('id', '=', 2).execute()`,
            }),
          },
        ]
        const plan = linearPlan(revs)
        await withDatabase(sessionOptions(online.url, { lock: true }), async (s) => {
          await s.ensureVersionTable()
          await s.run(plan)
        })
        const options = { ...sessionOptions(offline.url), log: () => {} }
        runWithClient(
          db.dialect,
          offline,
          await renderScript(options, plan, { createVersionTable: true }),
        )
        const expected = await snapshot(db.dialect, online)
        assert.deepEqual(expected.versions, ['a3'])
        assert.deepEqual(expected.names, ["O'Brien", 'plain'])
        assert.deepEqual(await snapshot(db.dialect, offline), expected)
      } finally {
        folder.cleanup()
        await online.cleanup()
        await offline.cleanup()
      }
    })
  })
}
