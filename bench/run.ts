/**
 * `npm run bench`: time the built CLI, as whole processes, on generated
 * histories of 1,000, 10,000 and 50,000 revisions, and print plain-text
 * figures (median wall time, peak memory, growth from 10k to 50k) with the
 * targets of issue 2 flagged. Nothing here asserts: a failing command is
 * reported with its stderr and makes the exit status 1.
 *
 * Flags: --sizes 1000,10000   which histories (default 1000,10000,50000)
 *        --runs 5             timed runs per graph command
 *        --upgrade-runs 3     timed runs of `upgrade heads` (1k and 10k only), after one untimed run
 *        --profile DIR        also write a --cpu-prof profile of each command's last run into DIR
 *        --no-schema          leave out the schema part (bench/schema.ts: check, revision --autogenerate)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BENCH_LOCATIONS, ensureBenchProject, type BenchProject } from './generate.js'
import { runSchemaBench } from './schema.js'
import { summarizeGraph } from './shape.js'

const REPO = resolve(import.meta.dirname, '..')
const BIN = join(REPO, 'dist/cli/bin.js')
const TIME = '/usr/bin/time'
const BENCH_REV_ID = 'benchrev0001'

/** Targets from issue 2 (graph commands) and issue 3 (`upgrade heads` on 10k). */
const TARGETS = {
  graphSeconds: new Map([
    [10_000, 0.35],
    [50_000, 1.5],
  ]),
  graphMegabytes: new Map([[50_000, 300]]),
  upgradeSeconds: new Map([[10_000, 5]]),
}

interface Options {
  sizes: number[]
  runs: number
  upgradeRuns: number
  profileDir: string | undefined
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    sizes: [1_000, 10_000, 50_000],
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
    if (name === '--sizes') {
      options.sizes = value()
        .split(',')
        .map((s) => Number(s.trim().replace(/_/g, '').replace(/k$/i, '000')))
      if (options.sizes.some((n) => !Number.isInteger(n) || n < 10))
        throw new Error('--sizes takes numbers like 1000,10000')
    } else if (name === '--runs') options.runs = count()
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
  readonly isGraphCommand: boolean
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
  readonly isGraphCommand: boolean
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
        isGraphCommand: spec.isGraphCommand,
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
    isGraphCommand: spec.isGraphCommand,
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

function commandsFor(project: BenchProject, options: Options): CommandSpec[] {
  const { shape } = project
  // A main-line revision from the middle of the history, named by a 6-character prefix.
  const middle = project.mainLine.slice(project.mainLine.length >> 1)
  const prefix = uniquePrefix(project, middle, 6)
  const lines = (text: string): number => text.split('\n').filter((l) => l.trim() !== '').length
  let revisionFiles: string[] = []
  const graph = { isGraphCommand: true, runs: options.runs, warmup: true }
  const specs: CommandSpec[] = [
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
  ]
  if (project.size <= 10_000) {
    specs.push({
      label: 'upgrade heads (fresh SQLite)',
      args: ['upgrade', 'heads'],
      isGraphCommand: false,
      runs: options.upgradeRuns,
      // The first run compiles every revision into the loader's cache; later runs show the usual cost.
      warmup: true,
      before: () => removeDatabase(project),
      check: (r) => {
        const n = (r.stderr.match(/Running upgrade/g) ?? []).length
        return n === shape.revisions
          ? []
          : [`logged ${n} 'Running upgrade' lines, expected ${shape.revisions}`]
      },
      after: () => removeDatabase(project),
    })
  }
  return specs
}

// ---------------------------------------------------------------------------------------------- output

const fmtSeconds = (s: number | undefined): string => (s === undefined ? '-' : s.toFixed(3))
const fmtMb = (mb: number | undefined): string => (mb === undefined ? 'n/a' : mb.toFixed(0))
const pad = (s: string, n: number): string => s.padEnd(n)
const padLeft = (s: string, n: number): string => s.padStart(n)

/** Which targets a measurement misses, as short notes. */
function overTargets(size: number, m: Measurement): string[] {
  const notes: string[] = []
  if (m.medianSeconds === undefined) return notes
  if (m.isGraphCommand) {
    const s = TARGETS.graphSeconds.get(size)
    if (s !== undefined && m.medianSeconds > s) notes.push(`OVER ${s} s`)
    const mb = TARGETS.graphMegabytes.get(size)
    if (mb !== undefined && m.maxMegabytes !== undefined && m.maxMegabytes > mb)
      notes.push(`OVER ${mb} MB`)
  } else {
    const s = TARGETS.upgradeSeconds.get(size)
    if (s !== undefined && m.medianSeconds > s) notes.push(`OVER ${s} s`)
  }
  return notes
}

function targetText(size: number, m: Measurement): string {
  const parts: string[] = []
  const s = (m.isGraphCommand ? TARGETS.graphSeconds : TARGETS.upgradeSeconds).get(size)
  if (s !== undefined) parts.push(`< ${s} s`)
  const mb = m.isGraphCommand ? TARGETS.graphMegabytes.get(size) : undefined
  if (mb !== undefined) parts.push(`< ${mb} MB`)
  return parts.join(', ') || '-'
}

function printTable(size: number, results: readonly Measurement[]): void {
  const w = Math.max(7, ...results.map((m) => m.label.length)) + 2
  console.log(
    `${pad('command', w)}${padLeft('median s', 10)}${padLeft('min s', 9)}${padLeft('max RSS MB', 12)}${padLeft('runs', 6)}  ${pad('target', 20)}flag`,
  )
  for (const m of results) {
    const flag = m.failure ? 'FAILED' : overTargets(size, m).join(', ') || 'ok'
    console.log(
      `${pad(m.label, w)}${padLeft(fmtSeconds(m.medianSeconds), 10)}${padLeft(fmtSeconds(m.minSeconds), 9)}` +
        `${padLeft(fmtMb(m.maxMegabytes), 12)}${padLeft(String(m.runs), 6)}  ${pad(targetText(size, m), 20)}${flag}`,
    )
  }
}

/** Growth from `from` to `to` revisions per command: ratio of medians (linear would be to/from). */
function printGrowth(
  all: ReadonlyMap<number, readonly Measurement[]>,
  from: number,
  to: number,
  startup: number | undefined,
): void {
  const a = all.get(from)
  const b = all.get(to)
  if (!a || !b) return
  const linear = to / from
  console.log(
    `\n== growth ${from} -> ${to} revisions (ratio of medians; linear would be ${linear}x) ==`,
  )
  const w = Math.max(7, ...b.map((m) => generic(m.label).length)) + 2
  // The fixed start-up cost hides growth, so also show the ratio of what is left once it is taken off.
  console.log(
    `${pad('command', w)}${padLeft('time x', 9)}${padLeft('beyond startup x', 18)}${padLeft('RSS x', 8)}  flag`,
  )
  for (const mb of b) {
    const ma = a.find((m) => generic(m.label) === generic(mb.label))
    if (!ma) continue
    const t = ma.medianSeconds && mb.medianSeconds ? mb.medianSeconds / ma.medianSeconds : undefined
    const r = ma.maxMegabytes && mb.maxMegabytes ? mb.maxMegabytes / ma.maxMegabytes : undefined
    const beyond =
      ma.medianSeconds && mb.medianSeconds && startup !== undefined && ma.medianSeconds > startup
        ? (mb.medianSeconds - startup) / (ma.medianSeconds - startup)
        : undefined
    const worst = beyond ?? t
    const flag = worst === undefined ? 'n/a' : worst > linear * 1.1 ? 'WORSE THAN LINEAR' : 'ok'
    const ratio = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2))
    console.log(
      `${pad(generic(mb.label), w)}${padLeft(ratio(t), 9)}${padLeft(ratio(beyond), 18)}${padLeft(ratio(r), 8)}  ${flag}`,
    )
  }
}

/** `show 1a2b3c` and `show 9f8e7d` are the same benchmark at two sizes. */
const generic = (label: string): string => label.replace(/^show \w+$/, 'show <prefix>')

// ---------------------------------------------------------------------------------------------- main

function main(): number {
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
  // Fixed costs every command pays: a bare node start and the CLI's own start.
  const bare = median(Array.from({ length: 5 }, () => runNode(['-e', ''], REPO).seconds))
  const version = Array.from({ length: 5 }, () => runNode([BIN, '--version'], REPO))
  const versionOk = version.every((r) => r.code === 0)
  const startup = versionOk ? median(version.map((r) => r.seconds)) : undefined
  const versionNote = versionOk
    ? `retort --version ${fmtSeconds(startup)} s`
    : `retort --version FAILED: ${version.find((r) => r.code !== 0)!.stderr.trim()}`
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work skews figures)`,
  )
  console.log(`startup: node -e '' ${fmtSeconds(bare)} s, ${versionNote}`)

  const all = new Map<number, Measurement[]>()
  let failed = false
  for (const size of options.sizes) {
    console.log(`\n== ${size} revisions ==`)
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

    const results: Measurement[] = []
    for (const spec of commandsFor(project, options)) {
      const m = measure(project, spec, options.profileDir)
      results.push(m)
      if (m.failure) {
        failed = true
        console.log(
          `\n!!!!! FAILED: retort ${spec.args.join(' ')} (${size} revisions, cwd ${project.root})`,
        )
        console.log(m.failure.replace(/^/gm, '!! '))
        console.log('')
      }
      for (const w of m.warnings) console.log(`!! ${m.label}: ${w}`)
    }
    printTable(size, results)
    for (const m of results) {
      if (!m.isGraphCommand && m.warmupSeconds !== undefined) {
        console.log(
          `(${m.label}: first, untimed run ${fmtSeconds(m.warmupSeconds)} s, with a cold transpile cache when the files are new)`,
        )
      }
    }
    all.set(size, results)
  }
  printGrowth(all, 10_000, 50_000, startup)
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

process.exitCode = main()
// Issue 9: check and revision --autogenerate on 500 tables (bench/schema.ts; --no-schema skips it).
if (!process.argv.includes('--no-schema') && existsSync(BIN)) {
  const bare = median(Array.from({ length: 5 }, () => runNode(['-e', ''], REPO).seconds))
  if (!(await runSchemaBench(BIN, bare))) process.exitCode = 1
}
