import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import { ConfigError, RetortError, RevisionError, UsageError } from '../errors.js'
import { describeUrlSource, lockTimeoutProblem, type ResolvedConfig } from '../config/config.js'
import { findConfigFile, loadConfig } from '../config/load.js'
import type { RevisionMap, Revision } from '../graph/revision-map.js'
import type { RevisionGraph } from '../graph/revision-graph.js'
import { checkIdentifier, checkRange } from '../graph/check-identifier.js'
import { lookupName } from '../graph/identifiers.js'
import { lookupRevisions, rowRevisions, symbolicRevisions } from '../graph/lookups.js'
import { splitRange } from '../graph/range.js'
import {
  currentHeads,
  historyRange,
  planDowngrade,
  planStamp,
  planUpgrade,
  type Plan,
} from '../graph/plans.js'
import type { PlanStep, StepEvent } from '../graph/step.js'
import {
  displayPath,
  generateRevision,
  type FileAction,
  type RevisionResult,
} from '../script/revision.js'
import { readGraph } from '../script/graph-snapshot.js'
import { writeFileAtomic } from '../script/write.js'
import type { SchemaModel } from '../schema/model.js'
import type {
  CheckOptions,
  CheckResult,
  SchemaTools,
  VerifyOptions,
  VerifyResult,
} from '../schema/tools.js'
import { Database } from './database.js'
import { computeStatus, type StatusResult } from './status.js'

export type { FileAction, RevisionResult } from '../script/revision.js'

/** How to open a project. */
export interface RetortOptions {
  /** Working directory; the config is looked up here, then in its parents up to the project root. Default: process.cwd(). */
  readonly cwd?: string | undefined
  /** Path of the config file (`-c`). */
  readonly config?: string | undefined
  /** Database URL overriding the config (`--url`). */
  readonly url?: string | undefined
  /** Environment for `RETORT_DATABASE_URL` / `DATABASE_URL`; a `.env` file adds to it. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** `--env-file`: load this file instead of the `.env` beside the config. */
  readonly envFile?: string | undefined
  /** `-x KEY=VALUE` pairs handed to migrations as `context.args`. */
  readonly args?: Readonly<Record<string, string>> | undefined
  /** Receives log lines (`INFO  [retort.migration] ...`, warnings); default: stderr. */
  readonly log?: ((line: string) => void) | undefined
  /** Told when each step of an online upgrade, downgrade or stamp starts and ends (progress, durations). */
  readonly onStep?: ((event: StepEvent) => void) | undefined
  /**
   * A Kysely instance to migrate through instead of opening the URL: used
   * as is (its database family read from its dialect) and never destroyed
   * by Retort. For tests and apps that hold a live connection, e.g. to
   * `sqlite::memory:`.
   */
  readonly db?: Kysely<any> | undefined
  /** `--lock-timeout`: seconds to wait for another process's migration lock, overriding the config's `lockTimeout`. */
  readonly lockTimeout?: number | undefined
}

export interface InitOptions {
  /** Folder to create (default `migrations`). */
  readonly directory?: string | undefined
  readonly template?: string | undefined
}

export interface InitResult {
  readonly actions: readonly FileAction[]
  readonly configPath: string
}

export interface RevisionOptions {
  readonly message?: string | undefined
  /** Parent(s): default `head`; `base` for a new base; `heads` to merge every head. */
  readonly head?: string | undefined
  readonly splice?: boolean | undefined
  readonly branchLabel?: string | undefined
  readonly versionPath?: string | undefined
  readonly dependsOn?: readonly string[] | undefined
  readonly revId?: string | undefined
  /** Write the difference between the database (at its heads) and the declared schema. */
  readonly autogenerate?: boolean | undefined
  /** The wanted schema, instead of the config's `schema` (autogenerate). */
  readonly wantedSchema?: SchemaModel | undefined
}

export interface MergeOptions {
  readonly revisions: readonly string[]
  readonly message?: string | undefined
  readonly branchLabel?: string | undefined
  readonly revId?: string | undefined
  readonly splice?: boolean | undefined
}

export interface MigrateOptions {
  readonly target: string
  /** Write the SQL script instead of touching the database. */
  readonly sql?: boolean | undefined
  readonly tag?: string | undefined
}

export interface StampOptions {
  readonly revisions: readonly string[]
  readonly sql?: boolean | undefined
  readonly purge?: boolean | undefined
  readonly tag?: string | undefined
}

/** Result of upgrade/downgrade/stamp: the steps run (or scripted) and the script for `--sql`. */
export interface MigrateResult {
  readonly steps: readonly PlanStep[]
  readonly sql?: string | undefined
  /** Online runs: how long each step took, milliseconds, in `steps` order. */
  readonly durationsMs?: readonly number[] | undefined
}

export interface HistoryOptions {
  readonly range?: string | undefined
  /** Mark the revisions of the version table (`-i`); reads the database. */
  readonly indicateCurrent?: boolean | undefined
}

export interface HistoryEntry {
  readonly revision: Revision
  readonly isCurrent: boolean
}

export interface TemplateInfo {
  readonly name: string
  readonly description: string
}

const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../templates')

/**
 * A Retort project: its config, its revision graph and its database, with one
 * method per command. The CLI is a thin layer over this class.
 *
 * @example
 * const retort = await Retort.open({ cwd: '/srv/app' })
 * await retort.upgrade({ target: 'heads' })
 * for (const rev of retort.heads()) console.log(rev.id)
 */
export class Retort {
  private graphCache: RevisionMap | undefined
  private readonly log: (line: string) => void

  private constructor(
    readonly config: ResolvedConfig,
    readonly cwd: string,
    private readonly options: RetortOptions,
  ) {
    this.log = options.log ?? ((line) => process.stderr.write(line + '\n'))
  }

  /**
   * Load the config without touching the database. Without a config file,
   * only `init` and `listTemplates` work; the other methods fail with a
   * ConfigError saying to run `init` or pass `config`.
   * @example
   * const retort = await Retort.open({ cwd: process.cwd(), url: 'sqlite:./dev.db' })
   */
  static async open(options: RetortOptions = {}): Promise<Retort> {
    const cwd = resolve(options.cwd ?? process.cwd())
    const config = await loadConfig({
      cwd,
      configPath: options.config,
      url: options.url,
      env: options.env ?? process.env,
      envFile: options.envFile,
    })
    if (options.lockTimeout === undefined) return new Retort(config, cwd, options)
    const problem = lockTimeoutProblem(options.lockTimeout)
    if (problem) throw new UsageError(`--lock-timeout ${problem}`)
    return new Retort({ ...config, lockTimeout: options.lockTimeout }, cwd, options)
  }

  /**
   * The revision graph, read from the version locations without running any module.
   * @example
   * const graph = retort.graph(); console.log(graph.heads.map((h) => h.id))
   */
  graph(): RevisionGraph {
    return this.map()
  }

  /**
   * The graph with the index-based internals the planners work on. Commands
   * that read it need every version location to exist; `revision` and
   * `merge` (`forWriting`) create a missing one (behavior.md a.6).
   */
  private map(forWriting = false): RevisionMap {
    if (!this.graphCache) {
      this.requireConfig()
      if (!forWriting) this.checkVersionLocations()
      const { map, warnings } = readGraph({
        locations: this.config.versionLocations,
        recursive: this.config.recursiveVersionLocations,
        rootDir: this.cwd,
        cache: true,
      })
      for (const w of warnings) this.warn(w)
      this.graphCache = map
    }
    return this.graphCache
  }

  /**
   * Scaffold the config, the migrations folder, its versions folder and the revision template.
   * @example
   * await retort.init({ directory: 'migrations' })
   */
  async init(options: InitOptions = {}): Promise<InitResult> {
    const template = options.template ?? 'generic'
    const source = join(TEMPLATES_DIR, template)
    if (!existsSync(source)) {
      throw new ConfigError(`No such template '${template}'; see 'retort list-templates'`)
    }
    const dir = resolve(this.cwd, options.directory ?? 'migrations')
    const actions: FileAction[] = []
    if (existsSync(dir)) {
      if (readdirSync(dir).length > 0) {
        throw new ConfigError(
          `Directory ${this.display(dir)} already exists and is not empty; choose another folder`,
        )
      }
    } else {
      mkdirSync(dir, { recursive: true })
      actions.push({ kind: 'directory', path: this.display(dir) })
    }
    const versions = join(dir, 'versions')
    mkdirSync(versions, { recursive: true })
    actions.push({ kind: 'directory', path: this.display(versions) })
    for (const name of readdirSync(source).sort()) {
      if (name.startsWith('retort.config')) continue
      const target = join(dir, name)
      writeFileAtomic(target, readFileSync(join(source, name), 'utf8'))
      actions.push({ kind: 'file', path: this.display(target) })
    }
    // A config found in a parent folder belongs to another project: init writes its own here.
    const configPath =
      (this.options.config !== undefined ? this.config.configPath : findConfigFile(this.cwd)) ??
      join(this.cwd, 'retort.config.ts')
    if (existsSync(configPath)) {
      actions.push({ kind: 'skipped', path: this.display(configPath) })
    } else {
      const text = readFileSync(join(source, 'retort.config.ts.tmpl'), 'utf8').replaceAll(
        '{{ scriptLocation }}',
        relative(dirname(configPath), dir).split('\\').join('/') || '.',
      )
      writeFileAtomic(configPath, text)
      actions.push({ kind: 'file', path: this.display(configPath) })
    }
    return { actions, configPath: this.display(configPath) }
  }

  /**
   * Write a new revision file (behavior.md d.revision); validated whole before anything is written.
   * @example
   * await retort.revision({ message: 'add account table', head: 'shoppingcart@head' })
   */
  async revision(options: RevisionOptions): Promise<RevisionResult> {
    const graph = this.map(true)
    if (options.head !== undefined) checkIdentifier(options.head)
    for (const d of options.dependsOn ?? []) checkIdentifier(d)
    // `head` (the default) gets revision's own "several heads" message.
    const head = options.head === undefined || options.head === 'head' ? undefined : [options.head]
    // The database is read only once the id, parents, label and folder have passed their checks.
    const fill = options.autogenerate
      ? async (text: string) =>
          (await (await this.schemaTools()).autogenerateFill(options.wantedSchema))(text)
      : undefined
    return generateRevision(graph, this.project(), { ...options, parents: head, fill })
  }

  /**
   * Compare the database at its heads with the declared schema (`check`).
   * @example
   * const { differences } = await retort.check()
   * if (differences.length) process.exitCode = 1
   */
  async check(options: CheckOptions = {}): Promise<CheckResult> {
    return (await this.schemaTools()).check(options.wantedSchema)
  }

  /**
   * Run the revision checks on a scratch database (`verify`): heads, upgrade,
   * up-down consistency, downgrade leaves no trace, schema matches.
   * @example
   * const { passed, checks } = await retort.verify()
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    return (await this.schemaTools()).verify(options)
  }

  /**
   * Write a merge revision whose down revisions are the given revisions, in order.
   * @example
   * await retort.merge({ revisions: ['heads'], message: 'merge branches' })
   */
  async merge(options: MergeOptions): Promise<RevisionResult> {
    const graph = this.map(true)
    if (options.revisions.length === 0)
      throw new UsageError('merge needs at least one revision (e.g. heads)')
    for (const r of options.revisions) checkIdentifier(r)
    return generateRevision(graph, this.project(), {
      ...options,
      parents: options.revisions,
      dependsOn: [],
    })
  }

  /**
   * Every head (effective heads too), or only real heads with `resolveDependencies`.
   * @example
   * retort.heads().map((r) => r.id)
   */
  heads(options: { resolveDependencies?: boolean } = {}): readonly Revision[] {
    const graph = this.map()
    return options.resolveDependencies ? graph.realHeads : graph.heads
  }

  /**
   * Branch points, in history order.
   * @example
   * for (const bp of retort.branches()) console.log(bp.id, bp.children.map((c) => c.id))
   */
  branches(): readonly Revision[] {
    return historyRange(this.map(), undefined).filter((r) => r.isBranchPoint)
  }

  /**
   * Revisions of a range, newest first (behavior.md c.5).
   * @example
   * await retort.history({ range: 'shoppingcart@base:' })
   */
  async history(options: HistoryOptions = {}): Promise<HistoryEntry[]> {
    const graph = this.map()
    if (options.range !== undefined) checkRange(options.range)
    const sides = options.range === undefined ? undefined : splitRange(options.range)
    const needsRows =
      options.indicateCurrent ||
      (sides ? [sides.start, sides.end] : [options.range]).includes('current')
    const rows = needsRows ? await this.readRows() : []
    const list = historyRange(graph, options.range, () => rows)
    const current = new Set(options.indicateCurrent ? rows : [])
    return list.map((revision) => ({ revision, isCurrent: current.has(revision.id) }))
  }

  /**
   * The revisions a name resolves to (`show`); `current` reads the version table.
   * @example
   * await retort.show('ae10@head')
   */
  async show(name: string): Promise<readonly Revision[]> {
    const graph = this.map()
    checkIdentifier(name)
    if (name === 'current') return rowRevisions(graph, await this.readRows())
    return lookupRevisions(graph, name)
  }

  /**
   * The templates `init` can use.
   * @example
   * retort.listTemplates()
   */
  listTemplates(): TemplateInfo[] {
    return readdirSync(TEMPLATES_DIR)
      .sort()
      .map((name) => {
        const readme = join(TEMPLATES_DIR, name, 'README')
        const description = existsSync(readme)
          ? readFileSync(readme, 'utf8').split('\n')[0]!.trim()
          : ''
        return { name, description }
      })
  }

  /**
   * Apply migrations up to a target (`heads`, `+1`, `label@head`, ...), or write them as SQL with `sql`.
   * @example
   * await retort.upgrade({ target: 'heads' })
   * const { sql } = await retort.upgrade({ target: 'base:heads', sql: true })
   */
  async upgrade(options: MigrateOptions): Promise<MigrateResult> {
    return this.migrate('upgrade', options)
  }

  /**
   * Revert migrations down to a target (`-1`, `base`, `label@base`, a revision).
   * @example
   * await retort.downgrade({ target: '-1' })
   */
  async downgrade(options: MigrateOptions): Promise<MigrateResult> {
    return this.migrate('downgrade', options)
  }

  /**
   * Set the version table to the given revisions without running migrations.
   * @example
   * await retort.stamp({ revisions: ['heads'] })
   */
  async stamp(options: StampOptions): Promise<MigrateResult> {
    const graph = this.map()
    if (options.revisions.length === 0) throw new UsageError('stamp needs at least one revision')
    for (const r of options.revisions) {
      if (options.sql) checkOfflineRange(r)
      else checkIdentifier(r)
    }
    if (options.sql) {
      if (options.purge)
        throw new RevisionError(
          "Can't use --purge with --sql mode; stamp --sql assumes the rows of its START",
        )
      const ranges = options.revisions.map((r) => ({ text: r, sides: splitRange(r) }))
      const starts = new Set(ranges.map((r) => r.sides?.start))
      if (starts.size > 1) {
        throw new RevisionError(
          'Stamp operation with --sql only supports a single starting revision at a time',
        )
      }
      const start = [...starts][0]
      const targets = ranges.map((r) => r.sides?.end ?? r.text)
      const rows = this.offlineStart(start)
      const plan = planStamp(graph, rows, targets)
      return this.offline(plan, rows.length === 0, options.tag)
    }
    this.logDatabase()
    const timed = this.timed(options.tag)
    return this.database().session(timed.options, async (session) => {
      if (options.purge) await session.purge()
      const rows = options.purge ? [] : await session.readRows()
      const plan = planStamp(graph, rows, options.revisions)
      this.warnAll(plan)
      await session.run(plan.steps)
      return { steps: plan.steps, durationsMs: timed.durationsMs }
    })
  }

  /**
   * The applied heads (with revisions applied only through dependencies).
   * `logDatabase` first logs which database is read and where its URL came from.
   * @example
   * (await retort.current()).map((r) => r.id)
   */
  async current(options: { logDatabase?: boolean } = {}): Promise<readonly Revision[]> {
    const graph = this.map()
    if (options.logDatabase) this.logDatabase()
    return currentHeads(graph, await this.readRows())
  }

  /**
   * Fail unless the version table holds exactly the real heads (`current --check-heads`).
   * @example
   * await retort.checkHeads() // throws a RetortError naming the heads when behind
   */
  async checkHeads(): Promise<void> {
    const heads = this.heads({ resolveDependencies: true })
      .map((h) => h.id)
      .sort()
    const rows = (await this.readRows()).sort()
    if (heads.join() !== rows.join()) {
      throw new RetortError(
        `Database is not on all head revisions (heads: ${heads.join(', ')}); run 'retort upgrade heads'`,
      )
    }
  }

  /**
   * Where the database stands: current revisions per branch, the steps
   * `upgrade heads` would run, and branches with more than one head.
   * @example
   * const { pending } = await retort.status(); if (pending.length) process.exitCode = 3
   */
  async status(): Promise<StatusResult> {
    const graph = this.map()
    const result = computeStatus(graph, await this.readRows())
    for (const w of result.warnings) this.warn(w)
    return result
  }

  /**
   * Create the version table if it does not exist; with `sql`, return its DDL instead.
   * @example
   * await retort.ensureVersion()
   */
  async ensureVersion(options: { sql?: boolean } = {}): Promise<{ sql?: string }> {
    if (options.sql) return { sql: await this.database().ensureVersionScript() }
    await this.database().session({ lock: false }, (s) => s.ensureVersionTable())
    return {}
  }

  /**
   * The model of the database as it is now (schema.md): tables, columns,
   * keys, checks and indexes, without the version table, through the
   * config's `include`/`exclude`.
   * @example
   * const { tables } = await retort.schema()
   */
  async schema(): Promise<SchemaModel> {
    const { readDatabaseSchema } = await import('../schema/live.js')
    return readDatabaseSchema(this.config)
  }

  /** The database URL with the password hidden, for headers and messages. */
  maskedUrl(): string {
    return this.database().maskedUrl
  }

  /**
   * Where the database URL came from (`--url`, `DATABASE_URL in .env`, `retort.config.ts`, ...).
   * @example
   * console.log(`${retort.maskedUrl()} (from ${retort.urlSource()})`)
   */
  urlSource(): string {
    return describeUrlSource(this.config, this.cwd)
  }

  /**
   * Rows of the version table in the order the database returns them ([] when
   * there is no table, or no SQLite file: reading never creates one).
   */
  async readRows(): Promise<string[]> {
    const database = this.database()
    if (!database.mayExist()) return []
    return database.session({ lock: false }, (s) => s.readRows())
  }

  /** The first log line of a command that reads or changes the database: which one, and why that one. */
  private logDatabase(): void {
    this.log(`INFO  [retort.migration] Database: ${this.maskedUrl()} (from ${this.urlSource()})`)
  }

  /** Graph and database commands need a config: without one, the folder is probably the wrong one. */
  private requireConfig(): void {
    if (this.config.configPath !== undefined) return
    throw new ConfigError(
      `no retort.config.* in ${this.cwd} or its parents; run 'retort init' or pass -c FILE`,
    )
  }

  /**
   * Every configured version location must exist (a typo in `scriptLocation`
   * must not read as an empty history).
   */
  private checkVersionLocations(): void {
    for (const location of this.config.versionLocations) {
      if (existsSync(location)) continue
      const shown = this.display(location)
      const from =
        this.config.configPath === undefined
          ? ''
          : ` (configured in ${this.display(this.config.configPath)})`
      throw new ConfigError(
        `version location ${shown} does not exist${from}; check scriptLocation and versionLocations, ` +
          `or create the folder ('retort init' makes one, 'retort revision --version-path ${shown}' too)`,
      )
    }
  }

  /** The schema commands (src/schema/tools.ts), loaded on first use. */
  private async schemaTools(): Promise<SchemaTools> {
    const { SchemaTools } = await import('../schema/tools.js')
    const quiet = (): void => {}
    return new SchemaTools({
      config: this.config,
      cwd: this.cwd,
      graph: () => this.map(),
      rows: () => this.readRows(),
      log: (line) => this.log(line),
      runSteps: (url, steps) =>
        new Database({ ...this.config, url }, this.cwd, this.options.args ?? {}, quiet).session(
          { lock: true },
          (s) => s.run(steps),
        ),
      declaredSchema: async (url) => {
        if (this.config.schema === undefined) return undefined
        const { loadDeclaredSchema } = await import('../schema/declared.js')
        return loadDeclaredSchema({
          path: this.config.schema,
          url,
          versionTable: this.config.versionTable,
        })
      },
      filter: { include: this.config.include, exclude: this.config.exclude },
    })
  }

  private dbCache: Database | undefined
  private database(): Database {
    this.requireConfig()
    return (this.dbCache ??= new Database(
      this.config,
      this.cwd,
      this.options.args ?? {},
      (line) => this.log(line),
      this.options.db,
    ))
  }

  /**
   * Release the connection Retort kept open (for `sqlite::memory:`, whose
   * database lives as long as it); a Kysely given as `db` stays open. The
   * instance may be used again afterwards (a new in-memory database).
   * @example
   * const retort = await Retort.open({ url: 'sqlite::memory:' })
   * try { await retort.upgrade({ target: 'heads' }) } finally { await retort.close() }
   */
  async close(): Promise<void> {
    await this.dbCache?.close()
  }

  private async migrate(
    direction: 'upgrade' | 'downgrade',
    options: MigrateOptions,
  ): Promise<MigrateResult> {
    const graph = this.map()
    if (options.sql) checkOfflineRange(options.target)
    else checkIdentifier(options.target)
    const plan = (rows: readonly string[], target: string): Plan =>
      direction === 'upgrade'
        ? planUpgrade(graph, rows, target)
        : planDowngrade(graph, rows, target)
    if (options.sql) {
      const sides = splitRange(options.target)
      if (direction === 'downgrade' && !sides) {
        throw new RevisionError(
          "downgrade with --sql requires <fromrev>:<torev>, e.g. 'heads:base'",
        )
      }
      const start = sides?.start
      const target = sides?.end ?? options.target
      const rows = this.offlineStart(start)
      const p = plan(rows, target)
      this.warnAll(p)
      return this.offline(p, rows.length === 0, options.tag)
    }
    this.logDatabase()
    const timed = this.timed(options.tag)
    return this.database().session(timed.options, async (session) => {
      const p = plan(await session.readRows(), options.target)
      this.warnAll(p)
      await session.run(p.steps)
      return { steps: p.steps, durationsMs: timed.durationsMs }
    })
  }

  /** Session options of a locked run that records each step's duration and tells `onStep`. */
  private timed(tag: string | undefined): {
    options: { lock: true; tag?: string; onStep: (event: StepEvent) => void }
    durationsMs: number[]
  } {
    const durationsMs: number[] = []
    const onStep = (event: StepEvent): void => {
      if (event.phase === 'end') durationsMs[event.index] = event.durationMs
      this.options.onStep?.(event)
    }
    return { options: { lock: true, tag, onStep }, durationsMs }
  }

  /** START of an offline range: the single row the script assumes (behavior.md e). */
  private offlineStart(start: string | undefined): string[] {
    if (start === undefined || start === '' || start === 'base') return []
    const graph = this.map()
    if (start === 'current')
      throw new RevisionError(
        "Can't locate revision identified by 'current' (offline mode has no database)",
      )
    if (/^[^@]+@base$/.test(start)) {
      lookupName(graph, start.slice(0, start.indexOf('@')))
      return []
    }
    const found = symbolicRevisions(graph, start).map((r) => r.id)
    if (found.length > 1) {
      throw new RevisionError(
        `Multiple heads are present for the starting revision '${start}' (${found.join(', ')}); ` +
          `an offline script starts from one revision`,
      )
    }
    return found
  }

  private async offline(
    plan: Plan,
    fromEmpty: boolean,
    tag: string | undefined,
  ): Promise<MigrateResult> {
    const sql = await this.database().script(plan.steps, { createVersionTable: fromEmpty, tag })
    return { steps: plan.steps, sql }
  }

  private warnAll(plan: Plan): void {
    for (const w of plan.warnings) this.warn(w)
  }

  private warn(message: string): void {
    this.log(`WARNI [retort.migration] ${message}`)
  }

  private project(): { config: ResolvedConfig; cwd: string; templatesDir: string } {
    return { config: this.config, cwd: this.cwd, templatesDir: TEMPLATES_DIR }
  }

  /** A path as printed: relative to the working directory when inside it. */
  private display(path: string): string {
    return displayPath(this.cwd, path)
  }
}

/** `[START:]TARGET` of an offline command: START may be empty (an empty database), TARGET may not. */
function checkOfflineRange(text: string): void {
  const colon = text.indexOf(':')
  if (colon < 0) return checkIdentifier(text)
  const start = text.slice(0, colon)
  if (start !== '') checkIdentifier(start)
  checkIdentifier(text.slice(colon + 1))
}
