import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseRevisionSource } from '../../src/script/parse.js'
import {
  queryRows,
  testDatabases,
  type TestDatabase,
  type TestDialect,
} from '../helpers/databases.js'
import { makeProject, writeRevision, type RevisionSpec } from '../helpers/project.js'

/**
 * Every scenario of shared/spec/examples replayed through the CLI on each test database:
 * stdout compared exactly, the log lines of stderr compared exactly, the
 * version table compared as a set, failing steps checked for their exit code.
 */

const EXAMPLES = new URL('../../../shared/spec/examples/', import.meta.url)

interface Step {
  command: string
  stdout?: string
  stderr?: string
  fails?: boolean
  exitCode?: number
  error?: string
  versionTable?: string[]
  creates?: (RevisionSpec & { versionLocation: string })[]
  warnings?: string[]
}

interface Scenario {
  name: string
  description: string
  config: Record<string, unknown>
  revisions: RevisionSpec[]
  extraFiles?: { path: string; content: string }[]
  steps: Step[]
}

/** The Retort equivalent of the Python files some error scenarios add. */
function translateExtraFile(path: string, content: string): { path: string; content: string } {
  const tsPath = path.replace(/\.py$/, '.ts')
  if (!path.endsWith('.py')) return { path, content }
  if (content.includes('def upgrade(:')) {
    // A file whose identifier exports cannot be read: an unterminated literal.
    return {
      path: tsPath,
      content: "export const revision = 'bbbb'\nexport const downRevision = 'aaaa\n",
    }
  }
  const doc = /^"""([\s\S]*?)"""/.exec(content)
  const lines: string[] = []
  if (doc)
    lines.push(
      '/**',
      ...doc[1]!
        .trim()
        .split('\n')
        .map((l) => ` * ${l}`.trimEnd()),
      ' */',
    )
  const names: Record<string, string> = {
    revision: 'revision',
    down_revision: 'downRevision',
    branch_labels: 'branchLabels',
    depends_on: 'dependsOn',
  }
  for (const m of content.matchAll(/^(\w+) = (.+)$/gm)) {
    const name = names[m[1]!]
    if (name) lines.push(`export const ${name} = ${m[2]!.replace('None', 'null')}`)
  }
  lines.push('export async function upgrade() {}', 'export async function downgrade() {}', '')
  return { path: tsPath, content: lines.join('\n') }
}

/** Normalise a --sql script for comparison: statement kinds, order and comments, not SQLAlchemy's spacing. */
function normalizeSql(text: string): string {
  return text
    .replace(/ RETURNING [\w.]+;/g, ';')
    .replace(/"/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
    .replace(/, /g, ',')
    .trim()
}

/** The database a scenario runs on: its URL and how the harness reads and writes its version table. */
interface ScenarioDatabase {
  readonly dialect: TestDialect
  readonly url: string
  query(text: string): Promise<Record<string, unknown>[]>
  cleanup(): Promise<void>
}

async function scenarioDatabase(db: TestDatabase): Promise<ScenarioDatabase> {
  const fresh = await db.fresh()
  return {
    dialect: db.dialect,
    url: fresh.url,
    query: (text) => queryRows(db.dialect, fresh.url, text),
    cleanup: fresh.cleanup,
  }
}

async function setVersionTable(db: ScenarioDatabase, table: string, rows: string[]): Promise<void> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${table} (version_num VARCHAR(32) NOT NULL, CONSTRAINT ${table}_pkc PRIMARY KEY (version_num))`,
  )
  await db.query(`DELETE FROM ${table}`)
  for (const r of rows) await db.query(`INSERT INTO ${table} (version_num) VALUES ('${r}')`)
}

async function readVersionTable(db: ScenarioDatabase, table: string): Promise<string[]> {
  try {
    return (await db.query(`SELECT version_num FROM ${table}`)).map((r) => String(r.version_num))
  } catch {
    return [] // no table yet
  }
}

const asList = (v: string | readonly string[] | null | undefined): string[] =>
  v === null || v === undefined ? [] : typeof v === 'string' ? [v] : [...v]

/**
 * Steps where Retort deliberately differs from the recorded Alembic run
 * (a **Retort:** rule of behavior.md), keyed `<scenario>#<step number>`,
 * with what Retort does instead.
 */
const RETORT_DIFFERS: Record<
  string,
  Partial<Step> & { why: string; sameStdoutAs?: string; absent?: string }
> = {
  'depends-on-effective-head#11': {
    why: 'c.3: downgrading to a revision applied only through a dependency is a no-op',
    fails: false,
    stdout: '',
    stderr: '',
  },
  'error-duplicate-revision-id#1': {
    why: 'f: a duplicate revision id fails every command, naming both files',
    fails: true,
    exitCode: 1,
  },
  'offline-start-forms#5': {
    why: 'e: an offline START of L@base is the empty state',
    fails: false,
    sameStdoutAs: 'upgrade --sql base:cccc',
  },
  'stamp-multiple-targets-across-branches#2': {
    why: 'c.6: each destination collapses only the rows on its own lineage',
    fails: false,
    stderr:
      'INFO  [retort.migration] Running stamp_revision d1 -> c1\nINFO  [retort.migration] Running stamp_revision z2 -> z1\n',
    versionTable: ['c1', 'z1'],
  },
  'revision-existing-id-or-label#1': {
    why: 'a.5, d.revision: a label already in use is refused before anything is written',
    fails: true,
    creates: [],
    absent: 'migrations/versions/q1_label_clash.ts',
  },
  'revision-existing-id-or-label#2': {
    why: 'follows from #1: the graph is intact',
    fails: false,
    stdout: 'b1 (feat) (head)\n',
  },
  'stamp-multiple-targets-across-branches#3': { why: 'follows from #2', stdout: 'c1\nz1\n' },
  'stamp-multiple-targets-across-branches#4': {
    why: 'follows from #2',
    versionTable: ['c1', 'z1'],
  },
  'stamp-multiple-targets-across-branches#5': { why: 'follows from #2', stdout: 'c1\nz1\n' },
}

/**
 * Retort's environment line (which database, and where its URL came from),
 * left out as the recordings left out Alembic's (`Context impl ...`,
 * `Will assume ...`; shared/spec/examples/README.md).
 */
const ENVIRONMENT_LINE = /^INFO {2}\[retort\.migration\] Database: /

async function runScenario(s: Scenario, testDb: TestDatabase): Promise<void> {
  const table = (s.config.versionTable as string) ?? 'alembic_version'
  // Offline scenarios name their own URL (only the dialect matters); the others run on the test database.
  const db = s.config.url ? undefined : await scenarioDatabase(testDb)
  const project = makeProject({ ...s.config, url: (s.config.url as string) ?? db!.url })
  try {
    // What `init` leaves: the default version folder exists.
    mkdirSync(join(project.root, 'migrations/versions'), { recursive: true })
    for (const r of s.revisions) writeRevision(project.root, r)
    for (const f of s.extraFiles ?? []) {
      const t = translateExtraFile(f.path, f.content)
      project.write(t.path, t.content)
    }
    for (const [k, recorded] of s.steps.entries()) {
      const differs = RETORT_DIFFERS[`${s.name}#${k + 1}`]
      const step: Step = { ...recorded, ...differs }
      const where = `${s.name} step ${k + 1}: ${step.command}${differs ? ` (Retort differs: ${differs.why})` : ''}`
      if (step.command === '#reset-database') {
        await db!.query(`DROP TABLE IF EXISTS ${table}`)
        continue
      }
      if (step.command.startsWith('#set-version-table')) {
        await setVersionTable(db!, table, step.command.split(/\s+/).slice(1))
        continue
      }
      const run = await project.run(step.command)
      if (step.fails) {
        assert.equal(
          run.code,
          step.exitCode ?? 1,
          `${where}: should fail with exit ${step.exitCode}\n${run.stderr}`,
        )
        assert.match(
          run.stderr,
          /FAILED: |usage error|error:/,
          `${where}: failure reason on stderr`,
        )
      } else {
        assert.equal(run.code, 0, `${where}: exit code, stderr:\n${run.stderr}`)
        const reference = differs?.sameStdoutAs
          ? await project.run(differs.sameStdoutAs)
          : undefined
        let expected = reference ? reference.stdout : (step.stdout ?? '')
        let actual = run.stdout
        if (step.command.startsWith('current -v')) {
          expected = expected.replace(
            /^Current revision\(s\) for .*:$/m,
            'Current revision(s) for URL:',
          )
          actual = actual.replace(
            /^Current revision\(s\) for .*:$/m,
            'Current revision(s) for URL:',
          )
        }
        if (step.command.includes('--sql')) {
          // The recorded scripts are SQLite's (or the scenario's own URL's); other dialects render their own.
          if (!db || db.dialect === 'sqlite')
            assert.equal(normalizeSql(actual), normalizeSql(expected), where)
        } else assert.equal(actual, expected, where)
        const logLines = run.stderr
          .split('\n')
          .filter((l) => l.startsWith('INFO  ') && !ENVIRONMENT_LINE.test(l))
        const expectedLog = (reference ? reference.stderr : (step.stderr ?? ''))
          .split('\n')
          .filter((l) => l.startsWith('INFO  '))
        assert.deepEqual(logLines, expectedLog, `${where}: log lines`)
        if (step.warnings?.length) assert.match(run.stderr, /WARN/, `${where}: a warning`)
      }
      if (step.versionTable) {
        assert.deepEqual(
          (db ? await readVersionTable(db, table) : []).sort(),
          [...step.versionTable].sort(),
          `${where}: version table`,
        )
      }
      if (differs?.absent)
        assert.ok(
          !existsSync(join(project.root, differs.absent)),
          `${where}: ${differs.absent} not written`,
        )
      for (const c of step.creates ?? []) {
        const dir = join(project.root, c.versionLocation)
        const file = readdirSync(dir).find((f) => f.startsWith(`${c.revision}_`))
        assert.ok(file, `${where}: file for ${c.revision} in ${c.versionLocation}`)
        const text = readFileSync(join(dir, file), 'utf8')
        const parsed = parseRevisionSource(text, file)!
        assert.deepEqual(parsed.downRevisions, asList(c.downRevision), `${where}: down revisions`)
        assert.deepEqual(parsed.branchLabels, asList(c.branchLabels), `${where}: labels`)
        assert.deepEqual(parsed.dependsOn, asList(c.dependsOn), `${where}: dependsOn`)
        assert.equal(parsed.doc.split('\n')[0], c.message || 'empty message', `${where}: message`)
        // As the examples did: the random Create Date becomes the fixed one, so later `show` output compares.
        writeFileSync(
          join(dir, file),
          text.replace(/Create Date: .*/, 'Create Date: 2020-01-01 00:00:00.000000'),
        )
      }
    }
  } finally {
    project.remove()
    await db?.cleanup()
  }
}

const files = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .sort()

/**
 * Scenarios that depend on the order in which the version table returns its
 * rows: `downgrade -N` from several rows starts from the first (behavior.md
 * b.4), and stamp names the rows it collapses in row order (c.6). MariaDB's
 * InnoDB returns them in primary-key order, not insertion order.
 */
const ROW_ORDER_SCENARIOS = new Set([
  'docs-branches-explicit',
  'downgrade-minus-one-multiple-heads',
  'stamp-dependency',
  'stamp-vs-downgrade-across-merge',
])

for (const testDb of testDatabases()) {
  describe(`spec examples on ${testDb.dialect}`, { skip: testDb.skip }, () => {
    for (const file of files) {
      const scenario = JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) as Scenario
      // Offline scenarios touch no database: once is enough.
      if (scenario.config.url && testDb.dialect !== 'sqlite') continue
      const skip =
        testDb.dialect === 'mysql' && ROW_ORDER_SCENARIOS.has(scenario.name)
          ? 'InnoDB returns version rows in key order, and this scenario needs insertion order'
          : false
      it(`${scenario.name}: ${scenario.description.split('.')[0]}`, { skip }, async () => {
        await runScenario(scenario, testDb)
      })
    }
  })
}
