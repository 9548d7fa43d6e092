/**
 * The schema part of `npm run bench` (issue 9): on each database, a project
 * whose database holds 500 tables (10 columns, 2 indexes, 1 foreign key
 * each), declared by a schema module of the same size, then
 *
 * - `retort check` (database and declaration match: exit 0), and
 * - `retort revision --autogenerate` against a declaration 50 changes away,
 *
 * each timed as a whole process of the built CLI, beside `node -e ''`.
 * PostgreSQL and MariaDB run when RETORT_TEST_PG_URL / RETORT_TEST_MYSQL_URL
 * are set. Target: under 3 s each.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { testDatabases } from '../test/helpers/databases.js'

const REPO = resolve(import.meta.dirname, '..')
const TABLES = 500
const TARGET_SECONDS = 3

interface Column {
  name: string
  type: string
  nullable?: boolean
  primaryKey?: boolean
  autoIncrement?: boolean
}

interface Table {
  columns: Column[]
  foreignKeys: {
    name: string
    columns: string[]
    references: { table: string; columns: string[] }
  }[]
  indexes: { name: string; columns: string[] }[]
}

/** The declared schema; `changed` moves it 50 operations away from the database. */
function declaration(changed: boolean): Record<string, Table> {
  const tables: Record<string, Table> = {}
  for (let k = 0; k < TABLES; k++) {
    const name = `t${String(k).padStart(3, '0')}`
    const columns: Column[] = [
      { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
      { name: 'parent_id', type: 'integer' },
      { name: 'code', type: 'varchar(50)', nullable: false },
      { name: 'label', type: 'varchar(20)' },
      { name: 'body', type: 'text' },
      { name: 'active', type: 'boolean' },
      { name: 'amount', type: 'numeric(10,2)' },
      { name: 'created', type: 'timestamp' },
      { name: 'big', type: 'bigint' },
      { name: 'day', type: 'date' },
    ]
    const indexes = [
      { name: `ix_${name}_code`, columns: ['code'] },
      { name: `ix_${name}_label_day`, columns: ['label', 'day'] },
    ]
    if (changed && k < 25) columns.push({ name: 'note', type: 'text' })
    if (changed && k >= 25 && k < 40) indexes.pop()
    if (changed && k >= 40 && k < 50) columns[3] = { name: 'label', type: 'varchar(40)' }
    tables[name] = {
      columns,
      foreignKeys: [
        {
          name: `fk_${name}_parent`,
          columns: ['parent_id'],
          references: {
            table: k === 0 ? name : `t${String(k - 1).padStart(3, '0')}`,
            columns: ['id'],
          },
        },
      ],
      indexes,
    }
  }
  return tables
}

const moduleText = (changed: boolean): string =>
  `export default ${JSON.stringify({ tables: declaration(changed) })}\n`

/** A revision creating the unchanged schema with op, so the database is built as Retort builds it. */
function initialRevision(): string {
  const body = Object.entries(declaration(false))
    .map(([name, t]) =>
      [
        `  await op.createTable(${JSON.stringify(name)}, ${JSON.stringify(t.columns)}, { foreignKeys: ${JSON.stringify(t.foreignKeys)} })`,
        ...t.indexes.map(
          (ix) =>
            `  await op.createIndex(${JSON.stringify(ix.name)}, ${JSON.stringify(name)}, ${JSON.stringify(ix.columns)})`,
        ),
      ].join('\n'),
    )
    .join('\n')
  return [
    "export const revision = 'benchschema01'",
    'export const downRevision = null',
    'export const branchLabels = null',
    'export const dependsOn = null',
    '/** @param {{ op: any }} context */',
    `export async function upgrade({ op }) {\n${body}\n}`,
    'export async function downgrade() {}',
    '',
  ].join('\n')
}

const TIME = '/usr/bin/time'

interface Run {
  seconds: number
  /** User + system CPU seconds of the child (from /usr/bin/time), when measured. */
  cpu: number | undefined
  code: number | null
  output: string
}

/** Run the CLI as a whole process: wall time, and CPU time, which a loaded machine skews less. */
function run(bin: string, args: string[], cwd: string): Run {
  const cpuFile = join(cwd, '.cpu')
  const timed = existsSync(TIME)
  const [cmd, cmdArgs] = timed
    ? [TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, bin, ...args]]
    : [process.execPath, [bin, ...args]]
  const start = process.hrtime.bigint()
  const child = spawnSync(cmd, cmdArgs, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  let cpu: number | undefined
  if (timed && existsSync(cpuFile)) {
    const [user, system] = readFileSync(cpuFile, 'utf8')
      .trim()
      .split('\n')
      .pop()!
      .split(' ')
      .map(Number)
    if (Number.isFinite(user) && Number.isFinite(system)) cpu = user! + system!
  }
  return { seconds, cpu, code: child.status, output: `${child.stdout}${child.stderr}` }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Run the schema bench; prints its table and returns whether every command succeeded. */
export async function runSchemaBench(bin: string, bare: number, runs = 3): Promise<boolean> {
  console.log(`\n== schema: ${TABLES} tables (10 columns, 2 indexes, 1 foreign key each) ==`)
  console.log(`startup: node -e '' ${bare.toFixed(3)} s; target under ${TARGET_SECONDS} s`)
  let ok = true
  // RETORT_BENCH_SCHEMA_DBS=mysql,postgres limits the databases (default: all available).
  const only = process.env.RETORT_BENCH_SCHEMA_DBS?.split(',')
  for (const db of testDatabases()) {
    if (only && !only.includes(db.dialect)) continue
    if (db.skip) {
      console.log(`${db.dialect}: skipped (${db.skip})`)
      continue
    }
    const fresh = await db.fresh()
    const root = mkdtempSync(join(tmpdir(), 'retort-bench-schema-'))
    try {
      mkdirSync(join(root, 'migrations/versions'), { recursive: true })
      mkdirSync(join(root, 'node_modules'))
      symlinkSync(join(REPO, 'node_modules/kysely'), join(root, 'node_modules/kysely'))
      writeFileSync(
        join(root, 'retort.config.json'),
        JSON.stringify({ url: fresh.url, scriptLocation: 'migrations', schema: 'schema.mjs' }),
      )
      writeFileSync(join(root, 'migrations/versions/benchschema01_schema.mjs'), initialRevision())
      writeFileSync(join(root, 'schema.mjs'), moduleText(false))
      const setup = run(bin, ['upgrade', 'heads'], root)
      if (setup.code !== 0) throw new Error(`upgrade heads failed:\n${setup.output}`)
      const checks = Array.from({ length: runs }, () => run(bin, ['check'], root))
      const failedCheck = checks.find((c) => c.code !== 0)
      if (failedCheck) throw new Error(`check failed:\n${failedCheck.output.slice(0, 2000)}`)
      writeFileSync(join(root, 'schema.mjs'), moduleText(true))
      const autos = Array.from({ length: runs }, () => {
        const r = run(
          bin,
          ['revision', '--autogenerate', '-m', 'bench', '--rev-id', 'benchauto01'],
          root,
        )
        rmSync(join(root, 'migrations/versions/benchauto01_bench.ts'), { force: true })
        return r
      })
      const failedAuto = autos.find((c) => c.code !== 0)
      if (failedAuto)
        throw new Error(`revision --autogenerate failed:\n${failedAuto.output.slice(0, 2000)}`)
      const detected = (autos[0]!.output.match(/Detected /g) ?? []).length
      const flag = (s: number) => (s > TARGET_SECONDS ? `  !! over ${TARGET_SECONDS} s` : '')
      const line = (label: string, rs: Run[], note = '') => {
        const wall = median(rs.map((r) => r.seconds))
        const cpus = rs.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu]))
        const cpu = cpus.length ? `, cpu ${median(cpus).toFixed(3)} s` : ''
        console.log(
          `${db.dialect.padEnd(8)} ${label.padEnd(26)} ${wall.toFixed(3)} s wall${cpu}${note}${flag(wall)}`,
        )
      }
      line('check', checks)
      line('revision --autogenerate', autos, ` (${detected} changes)`)
    } catch (error) {
      ok = false
      console.log(`!!!!! FAILED on ${db.dialect}: ${(error as Error).message}`)
    } finally {
      rmSync(root, { recursive: true, force: true })
      await fresh.cleanup()
    }
  }
  return ok
}

// `node --import tsx bench/schema.ts` runs this part alone.
if (import.meta.filename === process.argv[1]) {
  const bin = join(REPO, 'dist/bin/retort.js')
  const bare = median(
    Array.from({ length: 5 }, () => {
      const start = process.hrtime.bigint()
      spawnSync(process.execPath, ['-e', ''])
      return Number(process.hrtime.bigint() - start) / 1e9
    }),
  )
  process.exitCode = (await runSchemaBench(bin, bare)) ? 0 : 1
}
