import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { revisionSource, type RevisionSpec } from '../test/helpers/project.js'

/**
 * Bump when the shape of generated histories changes, so cached projects
 * under `.bench/<N>/` are regenerated.
 */
export const GENERATOR_VERSION = 1

/** Seed of the PRNG; every size uses the same one, so histories are reproducible. */
export const BENCH_SEED = 0x5eed2024

/** The long-lived labelled branches of the core tree. */
export const BENCH_LABELS = ['billing', 'search', 'audit', 'reports'] as const

/** Version locations, in config order: the main tree first, then two smaller independent trees. */
export const BENCH_LOCATIONS = ['versions/core', 'versions/analytics', 'versions/ops'] as const

/** What the generator built, counted while building: the bench checks the loaded graph against it. */
export interface HistoryShape {
  readonly revisions: number
  readonly bases: number
  readonly heads: number
  readonly mergePoints: number
  readonly branchPoints: number
  readonly labels: number
  /** Revisions with a dependsOn. */
  readonly dependents: number
  /** Revisions on the main line of the core tree (merges included, feature revisions not). */
  readonly mainLine: number
  /** Revisions per version location, in BENCH_LOCATIONS order. */
  readonly perLocation: readonly number[]
}

export interface GeneratedHistory {
  readonly revisions: readonly RevisionSpec[]
  readonly shape: HistoryShape
  /** Main-line revision ids of the core tree, oldest first. */
  readonly mainLine: readonly string[]
}

/** A small, fast, seeded PRNG (mulberry32): identical sequences on every run and platform. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const VERBS = [
  'add',
  'drop',
  'rename',
  'index',
  'backfill',
  'widen',
  'split',
  'alter',
  'create',
  'constrain',
]
const NOUNS = [
  'accounts',
  'invoices',
  'payments',
  'orders',
  'customers',
  'sessions',
  'events',
  'products',
  'coupons',
  'shipments',
  'tokens',
  'webhooks',
  'refunds',
  'ledgers',
  'profiles',
  'queries',
]

/**
 * One line of development: a tip that grows, plus at most one short fork
 * that branches off the tip and is merged back after a few revisions.
 */
interface Line {
  readonly name: string
  readonly location: string
  /** The label declared on its first revision, if any. */
  readonly label?: string
  tip: string | null
  /** Revisions on this line itself (forks not counted). */
  length: number
  /** Revision ids on the line itself, oldest first (targets for dependsOn). */
  readonly history: string[]
  /** Line revisions since the last fork closed. */
  sinceFork: number
  /** Fork after this many line revisions (drawn around `forkEvery`). */
  nextFork: number
  readonly forkEvery: number
  fork: { tip: string; remaining: number; mainGrew: boolean } | null
  readonly weight: number
}

/**
 * Build a history of exactly `n` revisions, deterministic for a given seed:
 *
 * - core tree (`versions/core`, ~85%): a main line whose feature branches
 *   fork and merge back every ~20 revisions (each merge has
 *   downRevision = [main tip, feature tip]); four labelled long-lived
 *   branches fork from the main line early and grow alongside it, with their
 *   own short forks merged back every ~40 revisions;
 * - two smaller independent trees (`versions/analytics`, `versions/ops`)
 *   with forks every ~50 revisions;
 * - dependsOn: every ~200 revisions a secondary-tree revision depends on a
 *   main-line revision; every ~500 revisions a label-branch revision depends
 *   on a revision of another label branch.
 *
 * Forks still open when the budget runs out are merged in the last
 * revisions, so each line ends with exactly one head (7 heads in all, for
 * n large enough to have every line).
 */
export function generateHistory(n: number, seed = BENCH_SEED): GeneratedHistory {
  const rng = makeRng(seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!

  const used = new Set<string>()
  const newId = (): string => {
    for (;;) {
      let id = ''
      for (let k = 0; k < 12; k++) id += Math.floor(rng() * 16).toString(16)
      if (!used.has(id)) {
        used.add(id)
        return id
      }
    }
  }
  const out: RevisionSpec[] = []
  let mergePoints = 0
  let branchPoints = 0
  let dependents = 0
  const counter = new Map<string, number>()
  const message = (line: Line, what: string): string => {
    const k = (counter.get(line.name) ?? 0) + 1
    counter.set(line.name, k)
    return `${line.name} ${k}: ${what}`
  }
  const add = (line: Line, spec: Omit<RevisionSpec, 'revision' | 'versionLocation'>): string => {
    const revision = newId()
    out.push({ ...spec, revision, versionLocation: line.location })
    if (spec.dependsOn) dependents++
    return revision
  }

  const makeLine = (
    name: string,
    location: string,
    forkEvery: number,
    weight: number,
    label?: string,
  ): Line => ({
    name,
    location,
    ...(label === undefined ? {} : { label }),
    tip: null,
    length: 0,
    history: [],
    sinceFork: 0,
    nextFork: forkEvery,
    forkEvery,
    fork: null,
    weight,
  })
  const main = makeLine('core', BENCH_LOCATIONS[0], 20, 0.55)
  const labelled = BENCH_LABELS.map((l) => makeLine(l, BENCH_LOCATIONS[0], 40, 0.075, l))
  const analytics = makeLine('analytics', BENCH_LOCATIONS[1], 50, 0.09)
  const ops = makeLine('ops', BENCH_LOCATIONS[2], 50, 0.06)
  const lines = [main, ...labelled, analytics, ops]
  /** Labelled branches fork from the main line at these main-line lengths. */
  const labelForkAt = [3, 5, 7, 9]

  let pendingMainDep = false
  let pendingLabelDep = false

  /** Grow the line itself by one revision (merging nothing). */
  const growLine = (line: Line, extra: Partial<RevisionSpec> = {}): void => {
    let downRevision: string | null = line.tip
    let branchLabels: string | null = null
    if (line.tip === null && line.label !== undefined) {
      // First revision of a labelled branch: forks from the current main tip.
      downRevision = main.tip
      branchLabels = line.label
    }
    const what = line.tip === null ? `create ${line.name} schema` : `${pick(VERBS)} ${pick(NOUNS)}`
    const id = add(line, { downRevision, branchLabels, message: message(line, what), ...extra })
    line.tip = id
    line.length++
    line.history.push(id)
    line.sinceFork++
    if (line.fork) line.fork.mainGrew = true
  }

  const step = (line: Line): void => {
    if (line.tip === null) {
      growLine(line)
      return
    }
    if (line.fork) {
      const f = line.fork
      if (f.remaining > 0 && rng() < 0.5) {
        f.tip = add(line, {
          downRevision: f.tip,
          message: message(line, `feature ${pick(VERBS)} ${pick(NOUNS)}`),
        })
        f.remaining--
        return
      }
      if (f.remaining === 0 && f.mainGrew) {
        mergeFork(line)
        return
      }
      growLine(line)
      return
    }
    if (line.sinceFork >= line.nextFork) {
      const tip = add(line, {
        downRevision: line.tip,
        message: message(line, `start feature ${pick(NOUNS)}`),
      })
      line.fork = { tip, remaining: int(2, 6), mainGrew: false }
      return
    }
    growLine(line)
  }

  const mergeFork = (line: Line): void => {
    const f = line.fork!
    const id = add(line, {
      downRevision: [line.tip!, f.tip],
      message: message(line, 'merge feature'),
    })
    mergePoints++
    line.tip = id
    line.length++
    line.history.push(id)
    line.fork = null
    line.sinceFork = 0
    line.nextFork = int(Math.ceil(line.forkEvery * 0.75), Math.floor(line.forkEvery * 1.25))
  }

  /** Revisions still needed to close every open fork (one main revision if it has not grown, plus the merge). */
  const closingCost = (): number =>
    lines.reduce((sum, l) => sum + (l.fork ? (l.fork.mainGrew ? 1 : 2) : 0), 0)

  while (out.length < n) {
    const left = n - out.length
    if (left <= closingCost()) {
      // Wind down: close the open forks so that each line keeps one head.
      const line = lines.find((l) => l.fork)!
      if (!line.fork!.mainGrew) growLine(line)
      else mergeFork(line)
      continue
    }
    // Labelled branches fork early from the main line.
    const due = labelled.find((l, k) => l.tip === null && main.length >= labelForkAt[k]!)
    if (due) {
      growLine(due)
      continue
    }
    const globalIndex = out.length
    if (globalIndex > 0 && globalIndex % 200 === 0) pendingMainDep = true
    if (globalIndex > 0 && globalIndex % 500 === 0) pendingLabelDep = true

    // A secondary-tree revision that depends on an older main-line revision (never the tip: it stays a real head).
    const secondary = [analytics, ops].filter((l) => l.tip !== null && !l.fork)
    if (
      pendingMainDep &&
      main.history.length >= 2 &&
      secondary.length > 0 &&
      left > closingCost() + 1
    ) {
      const line = pick(secondary)
      const target =
        main.history[int(Math.max(0, main.history.length - 50), main.history.length - 2)]!
      growLine(line, { dependsOn: target })
      pendingMainDep = false
      continue
    }
    // A label-branch revision that depends on a non-tip revision of another label branch.
    const grown = labelled.filter((l) => l.history.length >= 2 && !l.fork)
    if (pendingLabelDep && grown.length >= 2 && left > closingCost() + 1) {
      const line = pick(grown)
      const other = pick(grown.filter((l) => l !== line))
      const target = other.history[int(0, other.history.length - 2)]!
      growLine(line, { dependsOn: target })
      pendingLabelDep = false
      continue
    }

    // Weighted choice among the lines that exist (labels not yet forked give their weight to main).
    const open = lines.filter((l) => l.label === undefined || l.tip !== null)
    const total = open.reduce((s, l) => s + l.weight, 0)
    let r = rng() * total
    let chosen = open[open.length - 1]!
    for (const l of open) {
      r -= l.weight
      if (r < 0) {
        chosen = l
        break
      }
    }
    step(chosen)
  }

  // Count branch points and heads from the edges themselves.
  const children = new Map<string, number>()
  for (const r of out) {
    const down =
      r.downRevision === null
        ? []
        : typeof r.downRevision === 'string'
          ? [r.downRevision]
          : r.downRevision
    for (const d of down) children.set(d, (children.get(d) ?? 0) + 1)
  }
  for (const c of children.values()) if (c > 1) branchPoints++
  const heads = out.filter((r) => !children.has(r.revision)).length
  const bases = out.filter((r) => r.downRevision === null).length

  return {
    revisions: out,
    mainLine: main.history,
    shape: {
      revisions: out.length,
      bases,
      heads,
      mergePoints,
      branchPoints,
      labels: labelled.filter((l) => l.tip !== null).length,
      dependents,
      mainLine: main.history.length,
      perLocation: BENCH_LOCATIONS.map(
        (loc) => out.filter((r) => r.versionLocation === loc).length,
      ),
    },
  }
}

/** Root of the cached bench projects. */
export function benchRoot(cwd = process.cwd()): string {
  return join(cwd, '.bench')
}

/** What the stamp file records; a project is reused only when every field matches. */
interface Stamp {
  readonly generatorVersion: number
  readonly seed: number
  readonly size: number
  /** Hash of a sample revision file, so a change in `revisionSource` regenerates too. */
  readonly sourceHash: string
  readonly shape: HistoryShape
  readonly mainLine: readonly string[]
}

const STAMP_FILE = 'bench-stamp.json'

const sourceHash = (): string =>
  createHash('sha256')
    .update(
      revisionSource({
        revision: 'aaaaaaaaaaaa',
        downRevision: ['b', 'c'],
        dependsOn: 'd',
        branchLabels: 'e',
        message: 'm',
      }),
    )
    .digest('hex')
    .slice(0, 16)

export interface BenchProject {
  readonly root: string
  readonly size: number
  readonly shape: HistoryShape
  readonly mainLine: readonly string[]
  /** Whether the project was (re)generated in this call rather than reused. */
  readonly generated: boolean
}

const slugOf = (message: string): string =>
  (message.match(/\w+/g) ?? []).join('_').toLowerCase().slice(0, 40)

/**
 * The bench project for `n` revisions under `.bench/<n>/`: reused when its
 * stamp matches, otherwise generated into a temporary folder and renamed
 * into place (so an interrupted run never leaves half a project).
 */
export function ensureBenchProject(n: number, root = benchRoot()): BenchProject {
  const dir = join(root, String(n))
  const stampPath = join(dir, STAMP_FILE)
  const wanted = {
    generatorVersion: GENERATOR_VERSION,
    seed: BENCH_SEED,
    size: n,
    sourceHash: sourceHash(),
  }
  if (existsSync(stampPath)) {
    try {
      const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as Stamp
      if (
        stamp.generatorVersion === wanted.generatorVersion &&
        stamp.seed === wanted.seed &&
        stamp.size === wanted.size &&
        stamp.sourceHash === wanted.sourceHash
      ) {
        return {
          root: dir,
          size: n,
          shape: stamp.shape,
          mainLine: stamp.mainLine,
          generated: false,
        }
      }
    } catch {
      // An unreadable stamp means regenerate.
    }
  }

  const history = generateHistory(n)
  const tmp = join(root, `${n}.tmp-${process.pid}`)
  rmSync(tmp, { recursive: true, force: true })
  for (const loc of BENCH_LOCATIONS) mkdirSync(join(tmp, loc), { recursive: true })
  mkdirSync(join(tmp, 'migrations'), { recursive: true })
  writeFileSync(
    join(tmp, 'retort.config.json'),
    JSON.stringify(
      {
        url: 'sqlite:bench.db',
        scriptLocation: 'migrations',
        versionLocations: [...BENCH_LOCATIONS],
      },
      null,
      2,
    ) + '\n',
  )
  for (const r of history.revisions) {
    writeFileSync(
      join(tmp, r.versionLocation!, `${r.revision}_${slugOf(r.message)}.ts`),
      revisionSource(r),
    )
  }
  const stamp: Stamp = { ...wanted, shape: history.shape, mainLine: history.mainLine }
  writeFileSync(join(tmp, STAMP_FILE), JSON.stringify(stamp) + '\n')
  rmSync(dir, { recursive: true, force: true })
  renameSync(tmp, dir)
  return { root: dir, size: n, shape: history.shape, mainLine: history.mainLine, generated: true }
}
