/**
 * `npm run bench`: time the built CLI, as whole processes, and print plain
 * figures (median wall time, peak memory) beside `node -e ''` measured in
 * the same run, with the targets of issue 11 flagged. Nothing here asserts:
 * a failing command is reported with its stderr and makes the exit status 1.
 *
 * Sections (all by default):
 *   startup  a 100-revision project: `--version`, `--help`, `heads`, `history`,
 *            `show`, `current` (SQLite), `upgrade heads` with nothing to do
 *   graph    graph commands on each size of --sizes
 *   sql      `upgrade heads --sql` on each size of --sizes up to 20,000
 *   online   `upgrade heads` of 10,000 no-op revisions on SQLite, and on
 *            PostgreSQL and MariaDB when RETORT_BENCH_PG_URL / RETORT_BENCH_MYSQL_URL
 *            (or RETORT_TEST_PG_URL / RETORT_TEST_MYSQL_URL) are set
 *   schema   `check` and `revision --autogenerate` on 500 tables (bench/schema.ts)
 *
 * Flags: --only startup,graph  sections to run (or RETORT_BENCH_ONLY=startup,graph)
 *        --sizes 20000,50000   histories for graph and sql (default 1000,10000,20000,50000;
 *                              or RETORT_BENCH_SIZES)
 *        --runs 5              timed runs per command
 *        --upgrade-runs 3      timed runs of online `upgrade heads`, after one untimed run
 *        --profile DIR         also write a --cpu-prof profile of each command's last run into DIR
 *        --no-schema           leave out the schema section
 *
 * e.g. `npm run bench -- --only graph --sizes 20k --runs 3` for a quick look at one target.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BENCH_LOCATIONS, ensureBenchProject, type BenchProject } from './generate.js'
import { runSchemaBench } from './schema.js'
import { summarizeGraph } from './shape.js'

const REPO = resolve(import.meta.dirname, '..')
const BIN = join(REPO, 'dist/bin/retort.js')
const TIME = '/usr/bin/time'
const BENCH_REV_ID = 'benchrev0001'
const SECTIONS = ['startup', 'graph', 'sql', 'online', 'schema'] as const
type Section = (typeof SECTIONS)[number]

/** What a measurement is held to (issue 11). */
interface Target {
  /** Median wall time at most this many seconds. */
  readonly seconds?: number
  /** Median wall time at most this many seconds more than `node -e ''`. */
  readonly overNode?: number
  readonly megabytes?: number
}

/** Graph commands: under 0.45 s at 20,000 revisions, 1.2 s and 300 MB at 50,000. */
const GRAPH_TARGETS = new Map<number, Target>([
  [20_000, { seconds: 0.45 }],
  [50_000, { seconds: 1.2, megabytes: 300 }],
])
const SQL_TARGETS = new Map<number, Target>([[20_000, { seconds: 1.5 }]])
const ONLINE_SIZE = 10_000
const STARTUP_SIZE = 100

interface Options {
  sections: Set<Section>
  sizes: number[]
  runs: number
  upgradeRuns: number
  profileDir: string | undefined
}

function parseSizes(text: string, name: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim().replace(/_/g, '').replace(/k$/i, '000')))
  if (sizes.some((n) => !Number.isInteger(n) || n < 10))
    throw new Error(`${name} takes numbers like 1000,20k`)
  return sizes
}

function parseSections(text: string, name: string): Set<Section> {
  const wanted = text.split(',').map((s) => s.trim())
  for (const w of wanted)
    if (!(SECTIONS as readonly string[]).includes(w))
      throw new Error(`${name}: unknown section '${w}'; use ${SECTIONS.join(', ')}`)
  return new Set(wanted as Section[])
}

function parseArgs(argv: readonly string[]): Options {
  const env = process.env
  const options: Options = {
    sections: env.RETORT_BENCH_ONLY
      ? parseSections(env.RETORT_BENCH_ONLY, 'RETORT_BENCH_ONLY')
      : new Set(SECTIONS),
    sizes: env.RETORT_BENCH_SIZES
      ? parseSizes(env.RETORT_BENCH_SIZES, 'RETORT_BENCH_SIZES')
      : [1_000, 10_000, 20_000, 50_000],
    runs: 5,
    upgradeRuns: 3,
    profileDir: undefined,
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const [name, inline] = flag.includes('=') ? flag.split('=', 2) : [flag, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new Error(`${name} needs a value`)
      return v
    }
    const count = (): number => {
      const v = Number(value())
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a positive integer`)
      return v
    }
    if (name === '--sizes') options.sizes = parseSizes(value(), '--sizes')
    else if (name === '--only') options.sections = parseSections(value(), '--only')
    else if (name === '--runs') options.runs = count()
    else if (name === '--upgrade-runs') options.upgradeRuns = count()
    else if (name === '--profile') options.profileDir = resolve(value())
    else if (name === '--no-schema') continue
    else throw new Error(`unknown flag ${flag}; see the comment at the top of bench/run.ts`)
  }
  return options
}

interface RunResult {
  readonly seconds: number
  /** Peak resident set of the child, in MB; undefined when /usr/bin/time is missing. */
  readonly megabytes: number | undefined
  readonly code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
}

const hasTime = existsSync(TIME)
const scratch = mkdtempSync(join(tmpdir(), 'retort-bench-'))

/** Run `node <args>` in `cwd` as a whole process; max RSS comes from GNU time's wait4 figure. */
function runNode(args: readonly string[], cwd: string): RunResult {
  const rssFile = join(scratch, 'rss')
  rmSync(rssFile, { force: true })
  const [cmd, cmdArgs] = hasTime
    ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...args]]
    : [process.execPath, [...args]]
  const start = process.hrtime.bigint()
  const child = spawnSync(cmd, cmdArgs, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: benchEnv(),
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  let megabytes: number | undefined
  if (hasTime && existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figure on failure.
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop())
    if (Number.isFinite(kb)) megabytes = kb / 1024
  }
  if (child.error) throw child.error
  return {
    seconds,
    megabytes,
    code: child.status,
    signal: child.signal,
    stdout: child.stdout,
    stderr: child.stderr,
  }
}

/** The children see no RETORT_* variables from the caller's shell, so the config's URL is the one used. */
function benchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('RETORT_')) env[k] = v
  return env
}

interface Measurement {
  readonly label: string
  readonly target: Target | undefined
  readonly runs: number
  readonly medianSeconds: number | undefined
  readonly minSeconds: number | undefined
  readonly maxMegabytes: number | undefined
  /** Wall time of the untimed warm-up run, if there was one. */
  readonly warmupSeconds?: number
  /** Set when a run exited non-zero: the measurement has no figures. */
  readonly failure?: string
  /** Output that does not look right (the command succeeded, but printed something unexpected). */
  readonly warnings: readonly string[]
}

interface CommandSpec {
  readonly label: string
  readonly args: readonly string[]
  readonly target?: Target
  readonly runs: number
  readonly warmup: boolean
  /** Called before each run (also before the warm-up). */
  readonly before?: () => void
  /** Called after each successful run; returns what looks wrong in the output. */
  readonly check?: (run: RunResult) => string[]
  /** Called after each run, successful or not. */
  readonly after?: () => void
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function measure(
  project: BenchProject,
  spec: CommandSpec,
  profileDir: string | undefined,
): Measurement {
  const times: number[] = []
  const rss: number[] = []
  const warnings = new Set<string>()
  let warmupSeconds: number | undefined
  const total = spec.runs + (spec.warmup ? 1 : 0)
  for (let i = 0; i < total; i++) {
    const isLast = i === total - 1
    spec.before?.()
    const prof =
      profileDir && isLast
        ? [
            '--cpu-prof',
            '--cpu-prof-dir',
            profileDir,
            '--cpu-prof-name',
            `${project.size}-${slug(spec.label)}.cpuprofile`,
          ]
        : []
    let run: RunResult
    try {
      run = runNode([...prof, BIN, ...spec.args], project.root)
    } finally {
      spec.after?.()
    }
    if (run.code !== 0) {
      const why = run.signal ? `killed by ${run.signal}` : `exit status ${run.code}`
      const failure = `${why}\n--- stderr ---\n${run.stderr.trimEnd() || '(empty)'}\n--- stdout (first 20 lines) ---\n${run.stdout.split('\n').slice(0, 20).join('\n')}`
      return {
        label: spec.label,
        target: spec.target,
        runs: i,
        medianSeconds: undefined,
        minSeconds: undefined,
        maxMegabytes: undefined,
        failure,
        warnings: [],
      }
    }
    for (const w of spec.check?.(run) ?? []) warnings.add(w)
    if (spec.warmup && i === 0) {
      warmupSeconds = run.seconds
      continue
    }
    if (!isLast || !prof.length) {
      times.push(run.seconds)
      if (run.megabytes !== undefined) rss.push(run.megabytes)
    } else {
      // The profiled run is slower; time it only when it is the only run.
      if (times.length === 0) times.push(run.seconds)
    }
  }
  return {
    label: spec.label,
    target: spec.target,
    runs: times.length,
    medianSeconds: median(times),
    minSeconds: Math.min(...times),
    maxMegabytes: rss.length ? Math.max(...rss) : undefined,
    ...(warmupSeconds === undefined ? {} : { warmupSeconds }),
    warnings: [...warnings],
  }
}

const slug = (s: string): string => s.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '')

/** A prefix of `id`, `length` long, that no other revision id shares. */
function uniquePrefix(
  project: BenchProject,
  candidates: readonly string[],
  length: number,
): string {
  const ids = allIds(project)
  for (const id of candidates) {
    const p = id.slice(0, length)
    if (ids.filter((x) => x.startsWith(p)).length === 1) return p
  }
  throw new Error(`no main-line revision has a unique ${length}-character prefix`)
}

const allIds = (project: BenchProject): string[] =>
  BENCH_LOCATIONS.flatMap((loc) =>
    readdirSync(join(project.root, loc)).map((f) => f.slice(0, f.indexOf('_'))),
  )

/** Files the `revision` benchmark wrote (there should be exactly one per run). */
const benchRevisionFiles = (project: BenchProject): string[] =>
  BENCH_LOCATIONS.flatMap((loc) =>
    readdirSync(join(project.root, loc))
      .filter((f) => f.startsWith(BENCH_REV_ID))
      .map((f) => join(project.root, loc, f)),
  )

const removeDatabase = (project: BenchProject): void => {
  for (const suffix of ['', '-journal', '-wal', '-shm'])
    rmSync(join(project.root, `bench.db${suffix}`), { force: true })
}

const lines = (text: string): number => text.split('\n').filter((l) => l.trim() !== '').length

/** A main-line revision from the middle of the history, named by a 6-character prefix. */
const middlePrefix = (project: BenchProject): string =>
  uniquePrefix(project, project.mainLine.slice(project.mainLine.length >> 1), 6)

const upgradeCheck =
  (project: BenchProject) =>
  (r: RunResult): string[] => {
    const n = (r.stderr.match(/Running upgrade/g) ?? []).length
    return n === project.shape.revisions
      ? []
      : [`logged ${n} 'Running upgrade' lines, expected ${project.shape.revisions}`]
  }

function graphCommands(project: BenchProject, options: Options): CommandSpec[] {
  const { shape } = project
  const prefix = middlePrefix(project)
  let revisionFiles: string[] = []
  const graph = { runs: options.runs, warmup: true, target: GRAPH_TARGETS.get(project.size) }
  return [
    {
      ...graph,
      label: 'heads',
      args: ['heads'],
      check: (r) =>
        lines(r.stdout) === shape.heads
          ? []
          : [`printed ${lines(r.stdout)} lines, expected ${shape.heads} heads`],
    },
    {
      ...graph,
      label: 'branches',
      args: ['branches'],
      check: (r) => (lines(r.stdout) > 0 ? [] : ['printed nothing']),
    },
    {
      ...graph,
      label: 'history',
      args: ['history'],
      check: (r) =>
        lines(r.stdout) === shape.revisions
          ? []
          : [`printed ${lines(r.stdout)} lines, expected ${shape.revisions}`],
    },
    {
      ...graph,
      label: 'history -r billing@base:',
      args: ['history', '-r', 'billing@base:'],
      check: (r) => {
        const n = lines(r.stdout)
        return n > 0 && n < shape.revisions
          ? []
          : [`printed ${n} lines, expected some but fewer than ${shape.revisions}`]
      },
    },
    {
      ...graph,
      label: `show ${prefix}`,
      args: ['show', prefix],
      check: (r) =>
        r.stdout.includes(`Rev: ${prefix}`) ? [] : [`output does not show revision ${prefix}`],
    },
    {
      ...graph,
      label: 'revision -m x --head billing@head',
      args: ['revision', '-m', 'x', '--head', 'billing@head', '--rev-id', BENCH_REV_ID],
      before: () => {
        for (const f of benchRevisionFiles(project)) rmSync(f)
      },
      check: () =>
        revisionFiles.length === 1
          ? []
          : [`wrote ${revisionFiles.length} files named ${BENCH_REV_ID}*, expected 1`],
      after: () => {
        // Keep the graph unchanged for the next run.
        revisionFiles = benchRevisionFiles(project)
        for (const f of revisionFiles) rmSync(f)
      },
    },
    {
      ...graph,
      label: 'current (empty SQLite)',
      args: ['current'],
      before: () => removeDatabase(project),
      check: (r) => (r.stdout.trim() === '' ? [] : ['printed revisions for an empty database']),
      after: () => removeDatabase(project),
    },
  ]
}

function sqlCommands(project: BenchProject, options: Options): CommandSpec[] {
  return [
    {
      label: 'upgrade heads --sql',
      args: ['upgrade', 'heads', '--sql'],
      target: SQL_TARGETS.get(project.size),
      runs: options.runs,
      // The first run compiles every revision into the loader's cache.
      warmup: true,
      check: (r) => {
        const n = (r.stdout.match(/^-- Running upgrade/gm) ?? []).length
        return n === project.shape.revisions
          ? []
          : [`scripted ${n} steps, expected ${project.shape.revisions}`]
      },
    },
  ]
}

/** A server URL for the online bench, or undefined (with the reason printed) when none is set. */
function serverUrl(kind: 'PG' | 'MYSQL'): string | undefined {
  return process.env[`RETORT_BENCH_${kind}_URL`] ?? process.env[`RETORT_TEST_${kind}_URL`]
}

/**
 * Config files for the online bench on a server: the bench project's locations with a version
 * table of this run's own, so that the test suites sharing the database are not disturbed.
 */
function serverConfig(project: BenchProject, name: string, url: string, table: string): string {
  const file = join(project.root, `retort.${name}.json`)
  writeFileSync(
    file,
    JSON.stringify({
      url,
      scriptLocation: 'migrations',
      versionLocations: [...BENCH_LOCATIONS],
      versionTable: table,
    }) + '\n',
  )
  return file
}

function onlineCommands(project: BenchProject, options: Options): CommandSpec[] {
  const check = upgradeCheck(project)
  const specs: CommandSpec[] = [
    {
      label: 'upgrade heads (fresh SQLite)',
      args: ['upgrade', 'heads'],
      target: project.size === ONLINE_SIZE ? { seconds: 3 } : undefined,
      runs: options.upgradeRuns,
      // The first run compiles every revision into the loader's cache; later runs show the usual cost.
      warmup: true,
      before: () => removeDatabase(project),
      check,
      after: () => removeDatabase(project),
    },
  ]
  const table = `bench_version_${process.pid}`
  for (const [kind, name] of [
    ['PG', 'PostgreSQL'],
    ['MYSQL', 'MariaDB'],
  ] as const) {
    const url = serverUrl(kind)
    if (url === undefined) {
      console.log(
        `(${name}: skipped; set RETORT_BENCH_${kind}_URL or RETORT_TEST_${kind}_URL to measure it)`,
      )
      continue
    }
    const config = serverConfig(project, kind.toLowerCase(), url, table)
    // Back to an empty version table before each run, untimed (stamp --purge keeps the table).
    const reset = (): void => {
      const r = runNode([BIN, '-c', config, 'stamp', '--purge', 'base'], project.root)
      if (r.code !== 0) throw new Error(`resetting ${name} failed: ${r.stderr.trim()}`)
    }
    specs.push({
      label: `upgrade heads (${name})`,
      args: ['-c', config, 'upgrade', 'heads'],
      runs: options.upgradeRuns,
      warmup: false,
      before: reset,
      check,
    })
    cleanups.push(() => {
      reset()
      dropVersionTable(kind, url, table)
      rmSync(config, { force: true })
    })
  }
  return specs
}

/** Work left for the end of the run: dropping the bench's version tables on the servers. */
const cleanups: (() => void)[] = []

function dropVersionTable(kind: 'PG' | 'MYSQL', url: string, table: string): void {
  const code =
    kind === 'PG'
      ? `const pg=(await import('pg')).default;const c=new pg.Client({connectionString:process.argv[1]});await c.connect();await c.query('DROP TABLE IF EXISTS ${table}');await c.end()`
      : `const m=(await import('mysql2/promise')).default;const c=await m.createConnection(process.argv[1]);await c.query('DROP TABLE IF EXISTS ${table}');await c.end()`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, url], {
    cwd: REPO,
    encoding: 'utf8',
  })
  if (r.status !== 0) console.log(`!! could not drop ${table}: ${r.stderr.trim().split('\n')[0]}`)
}

/** Start-up figures on a small project with a TypeScript config, as `retort init` writes one. */
function startupCommands(project: BenchProject, options: Options): CommandSpec[] {
  const config = join(project.root, 'retort.config.ts')
  if (!existsSync(config)) {
    writeFileSync(
      config,
      `// Written by bench/run.ts: start-up figures use a TypeScript config.\n` +
        `export default {\n  url: 'sqlite:bench.db',\n  scriptLocation: 'migrations',\n` +
        `  versionLocations: ${JSON.stringify(BENCH_LOCATIONS)},\n}\n`,
    )
  }
  const prefix = middlePrefix(project)
  const fast = { overNode: 0.02 }
  const command = { overNode: 0.06 }
  const base = { runs: options.runs, warmup: true }
  let upgradeRuns = 0
  return [
    { ...base, label: '--version', args: ['--version'], target: fast },
    { ...base, label: '--help', args: ['--help'], target: fast },
    { ...base, label: 'heads', args: ['heads'], target: command },
    { ...base, label: 'history', args: ['history'], target: command },
    { ...base, label: `show ${prefix}`, args: ['show', prefix], target: command },
    {
      ...base,
      label: 'upgrade heads (nothing to do)',
      args: ['upgrade', 'heads'],
      target: command,
      // The warm-up applies every revision; the timed runs find nothing to do.
      before: () => {
        if (upgradeRuns++ === 0) removeDatabase(project)
      },
      check: (r) =>
        upgradeRuns > 1 && /Running upgrade/.test(r.stderr) ? ['ran migrations again'] : [],
    },
    {
      ...base,
      label: 'current (SQLite)',
      args: ['current'],
      target: command,
      check: (r) => (lines(r.stdout) > 0 ? [] : ['printed nothing for an upgraded database']),
    },
  ]
}

// ---------------------------------------------------------------------------------------------- output

const fmtSeconds = (s: number | undefined): string => (s === undefined ? '-' : s.toFixed(3))
const fmtMb = (mb: number | undefined): string => (mb === undefined ? 'n/a' : mb.toFixed(0))
const pad = (s: string, n: number): string => s.padEnd(n)
const padLeft = (s: string, n: number): string => s.padStart(n)

/** Which targets a measurement misses, as short notes. */
function overTargets(m: Measurement, bare: number): string[] {
  const notes: string[] = []
  const t = m.target
  if (m.medianSeconds === undefined || t === undefined) return notes
  if (t.seconds !== undefined && m.medianSeconds > t.seconds) notes.push(`OVER ${t.seconds} s`)
  if (t.overNode !== undefined && m.medianSeconds - bare > t.overNode)
    notes.push(`OVER node + ${t.overNode * 1000} ms`)
  if (t.megabytes !== undefined && m.maxMegabytes !== undefined && m.maxMegabytes > t.megabytes)
    notes.push(`OVER ${t.megabytes} MB`)
  return notes
}

function targetText(t: Target | undefined): string {
  if (!t) return '-'
  const parts: string[] = []
  if (t.seconds !== undefined) parts.push(`< ${t.seconds} s`)
  if (t.overNode !== undefined) parts.push(`< node + ${t.overNode * 1000} ms`)
  if (t.megabytes !== undefined) parts.push(`< ${t.megabytes} MB`)
  return parts.join(', ')
}

/** The table of one section, each figure beside `node -e ''` of the same moment. */
function printTable(results: readonly Measurement[], bare: number): void {
  const w = Math.max(7, ...results.map((m) => m.label.length)) + 2
  console.log(
    `${pad('command', w)}${padLeft('median s', 10)}${padLeft('- node s', 10)}${padLeft('min s', 9)}` +
      `${padLeft('max RSS MB', 12)}${padLeft('runs', 6)}  ${pad('target', 22)}flag`,
  )
  console.log(
    `${pad("node -e ''", w)}${padLeft(fmtSeconds(bare), 10)}${padLeft('0.000', 10)}` +
      `${padLeft('', 9)}${padLeft('', 12)}${padLeft('', 6)}`,
  )
  for (const m of results) {
    const flag = m.failure ? 'FAILED' : overTargets(m, bare).join(', ') || 'ok'
    const over = m.medianSeconds === undefined ? undefined : m.medianSeconds - bare
    console.log(
      `${pad(m.label, w)}${padLeft(fmtSeconds(m.medianSeconds), 10)}${padLeft(fmtSeconds(over), 10)}` +
        `${padLeft(fmtSeconds(m.minSeconds), 9)}${padLeft(fmtMb(m.maxMegabytes), 12)}` +
        `${padLeft(String(m.runs), 6)}  ${pad(targetText(m.target), 22)}${flag}`,
    )
  }
  for (const m of results) {
    if (m.warmupSeconds !== undefined && m.label.startsWith('upgrade heads'))
      console.log(`(${m.label}: first, untimed run ${fmtSeconds(m.warmupSeconds)} s)`)
  }
}

/** Growth from `from` to `to` revisions per command: ratio of medians (linear would be to/from). */
function printGrowth(
  all: ReadonlyMap<number, readonly Measurement[]>,
  from: number,
  to: number,
  bare: number,
): void {
  const a = all.get(from)
  const b = all.get(to)
  if (!a || !b) return
  const linear = to / from
  console.log(
    `\n== growth ${from} -> ${to} revisions (ratio of medians; linear would be ${linear}x) ==`,
  )
  const w = Math.max(7, ...b.map((m) => generic(m.label).length)) + 2
  // The fixed start-up cost hides growth, so also show the ratio of what is left once node's own start is taken off.
  console.log(
    `${pad('command', w)}${padLeft('time x', 9)}${padLeft('beyond node x', 15)}${padLeft('RSS x', 8)}  flag`,
  )
  for (const mb of b) {
    const ma = a.find((m) => generic(m.label) === generic(mb.label))
    if (!ma) continue
    const t = ma.medianSeconds && mb.medianSeconds ? mb.medianSeconds / ma.medianSeconds : undefined
    const r = ma.maxMegabytes && mb.maxMegabytes ? mb.maxMegabytes / ma.maxMegabytes : undefined
    const beyond =
      ma.medianSeconds && mb.medianSeconds && ma.medianSeconds > bare
        ? (mb.medianSeconds - bare) / (ma.medianSeconds - bare)
        : undefined
    const worst = beyond ?? t
    const flag = worst === undefined ? 'n/a' : worst > linear * 1.1 ? 'WORSE THAN LINEAR' : 'ok'
    const ratio = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2))
    console.log(
      `${pad(generic(mb.label), w)}${padLeft(ratio(t), 9)}${padLeft(ratio(beyond), 15)}${padLeft(ratio(r), 8)}  ${flag}`,
    )
  }
}

/** `show 1a2b3c` and `show 9f8e7d` are the same benchmark at two sizes. */
const generic = (label: string): string => label.replace(/^show \w+$/, 'show <prefix>')

// ---------------------------------------------------------------------------------------------- main

/** `node -e ''` right now: the floor every figure of a table is compared with. */
const bareNode = (): number =>
  median(
    Array.from({ length: 5 }, () => {
      const r = runNode(['-e', ''], REPO)
      if (r.code !== 0) throw new Error(`node -e '' failed: ${r.stderr.trim()}`)
      return r.seconds
    }),
  )

const loadText = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

function openProject(size: number): BenchProject {
  const t0 = Date.now()
  const project = ensureBenchProject(size)
  console.log(
    `project: ${project.root.slice(REPO.length + 1)} (${project.generated ? `generated in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'cached'})`,
  )
  try {
    const summary = summarizeGraph(project)
    console.log(`graph: ${summary.line}`)
    for (const p of summary.problems) console.log(`!! GRAPH SHAPE: ${p}`)
  } catch (err) {
    console.log(`!! GRAPH SHAPE: loading the generated files failed: ${(err as Error).message}`)
  }
  removeDatabase(project)
  for (const f of benchRevisionFiles(project)) rmSync(f)
  return project
}

/** Measure a section's commands and print its table; false when a command failed. */
function runSection(
  title: string,
  project: BenchProject,
  specs: readonly CommandSpec[],
  options: Options,
): { results: Measurement[]; ok: boolean; bare: number } {
  const bare = bareNode()
  console.log(`load average ${loadText()} at the start`)
  const results: Measurement[] = []
  let ok = true
  for (const spec of specs) {
    const m = measure(project, spec, options.profileDir)
    results.push(m)
    if (m.failure) {
      ok = false
      console.log(`\n!!!!! FAILED: retort ${spec.args.join(' ')} (${title}, cwd ${project.root})`)
      console.log(m.failure.replace(/^/gm, '!! '))
      console.log('')
    }
    for (const w of m.warnings) console.log(`!! ${m.label}: ${w}`)
  }
  printTable(results, bare)
  return { results, ok, bare }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2))
  if (!existsSync(BIN)) {
    console.error(`bench: ${BIN} is missing; run 'npm run build' first (npm run bench does)`)
    return 1
  }
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true })
  console.log(
    `Retort bench: node ${process.version}, built CLI ${BIN.slice(REPO.length + 1)}, ` +
      `max RSS ${hasTime ? `from ${TIME} -f %M` : 'not measured (no /usr/bin/time)'}`,
  )
  console.log(
    `machine: ${cpus().length} cores, load average ${loadText()} (other work skews figures); ` +
      `sections: ${[...options.sections].join(', ')}`,
  )
  let failed = false
  const has = (s: Section): boolean => options.sections.has(s)

  if (has('startup')) {
    console.log(`\n== start-up: ${STARTUP_SIZE} revisions, TypeScript config ==`)
    const project = openProject(STARTUP_SIZE)
    const { ok } = runSection('start-up', project, startupCommands(project, options), options)
    removeDatabase(project)
    failed ||= !ok
  }

  const graphResults = new Map<number, Measurement[]>()
  let lastBare = 0
  for (const size of options.sizes) {
    const specs: CommandSpec[] = []
    if (has('graph')) specs.push(...graphCommands(ensureBenchProject(size), options))
    if (has('sql') && size <= 20_000) specs.push(...sqlCommands(ensureBenchProject(size), options))
    if (specs.length === 0) continue
    console.log(`\n== ${size} revisions ==`)
    const project = openProject(size)
    const { results, ok, bare } = runSection(`${size} revisions`, project, specs, options)
    graphResults.set(size, results)
    lastBare = bare
    failed ||= !ok
  }
  if (has('graph')) printGrowth(graphResults, 20_000, 50_000, lastBare)

  if (has('online')) {
    console.log(`\n== online: upgrade heads of ${ONLINE_SIZE} no-op revisions ==`)
    const project = openProject(ONLINE_SIZE)
    const { ok } = runSection('online', project, onlineCommands(project, options), options)
    failed ||= !ok
  }

  // Issue 9: check and revision --autogenerate on 500 tables (bench/schema.ts).
  if (has('schema') && !process.argv.includes('--no-schema')) {
    if (!(await runSchemaBench(BIN, bareNode()))) failed = true
  }

  for (const cleanup of cleanups) cleanup()
  if (options.profileDir)
    console.log(
      `\nCPU profiles in ${options.profileDir} (summarize: node --import tsx bench/profile.ts FILE)`,
    )
  rmSync(scratch, { recursive: true, force: true })
  if (failed)
    console.log(
      '\n!!!!! Some commands FAILED: see above. Their figures are missing from the tables.',
    )
  return failed ? 1 : 0
}

process.exitCode = await main()
