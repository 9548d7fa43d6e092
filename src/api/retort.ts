import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError, RevisionError, UsageError } from '../errors.js'
import { checkTimezone, type ResolvedConfig } from '../config/config.js'
import { loadConfig } from '../config/load.js'
import { RevisionMap, type Revision } from '../graph/revision-map.js'
import { lookupName, resolveLookup, resolveRows, resolveSymbolic } from '../graph/identifiers.js'
import {
  currentHeads,
  historyRange,
  planDowngrade,
  planStamp,
  planUpgrade,
  type Plan,
} from '../graph/plans.js'
import type { PlanStep } from '../graph/step.js'
import { scanVersionLocations } from '../script/scan.js'
import {
  formatCreateDate,
  renderRevision,
  revisionFileName,
  slugify,
  writeFileAtomic,
} from '../script/write.js'
import type { SchemaModel } from '../schema/model.js'
import type {
  CheckOptions,
  CheckResult,
  SchemaTools,
  VerifyOptions,
  VerifyResult,
} from '../schema/tools.js'
import { Database } from './database.js'

/** How to open a project. */
export interface RetortOptions {
  /** Working directory; the config is looked up here. Default: process.cwd(). */
  readonly cwd?: string
  /** Path of the config file (`-c`). */
  readonly config?: string
  /** Database URL overriding the config (`--url`). */
  readonly url?: string
  readonly env?: NodeJS.ProcessEnv
  /** `-x KEY=VALUE` pairs handed to migrations as `context.args`. */
  readonly args?: Readonly<Record<string, string>>
  /** Receives log lines (`INFO  [retort.migration] ...`, warnings); default: stderr. */
  readonly log?: (line: string) => void
}

/** Something a file-writing command did, in order, for the `Creating ... done` lines. */
export interface FileAction {
  readonly kind: 'directory' | 'file' | 'skipped'
  readonly path: string
}

export interface InitOptions {
  /** Folder to create (default `migrations`). */
  readonly directory?: string
  readonly template?: string
}

export interface InitResult {
  readonly actions: readonly FileAction[]
  readonly configPath: string
}

export interface RevisionOptions {
  readonly message?: string
  /** Parent(s): default `head`; `base` for a new base; `heads` to merge every head. */
  readonly head?: string
  readonly splice?: boolean
  readonly branchLabel?: string
  readonly versionPath?: string
  readonly dependsOn?: readonly string[]
  readonly revId?: string
  /** Write the difference between the database (at its heads) and the declared schema. */
  readonly autogenerate?: boolean
  /** The wanted schema, instead of the config's `schema` (autogenerate). */
  readonly wantedSchema?: SchemaModel
}

export interface MergeOptions {
  readonly revisions: readonly string[]
  readonly message?: string
  readonly branchLabel?: string
  readonly revId?: string
  readonly splice?: boolean
}

export interface RevisionResult {
  readonly revision: string
  readonly path: string
  readonly actions: readonly FileAction[]
}

export interface MigrateOptions {
  readonly target: string
  /** Write the SQL script instead of touching the database. */
  readonly sql?: boolean
  readonly tag?: string
}

export interface StampOptions {
  readonly revisions: readonly string[]
  readonly sql?: boolean
  readonly purge?: boolean
  readonly tag?: string
}

/** Result of upgrade/downgrade/stamp: the steps run (or scripted) and the script for `--sql`. */
export interface MigrateResult {
  readonly steps: readonly PlanStep[]
  readonly sql?: string
}

export interface HistoryOptions {
  readonly range?: string
  /** Mark the revisions of the version table (`-i`); reads the database. */
  readonly indicateCurrent?: boolean
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
   * Load the config (or defaults when there is none) without touching the database.
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
    })
    return new Retort(config, cwd, options)
  }

  /**
   * The revision graph, read from the version locations without running any module.
   * @example
   * const graph = retort.graph(); console.log(graph.heads.map((h) => h.id))
   */
  graph(): RevisionMap {
    if (!this.graphCache) {
      const { records, warnings } = scanVersionLocations({
        locations: this.config.versionLocations,
        recursive: this.config.recursiveVersionLocations,
        rootDir: this.cwd,
        cache: true,
      })
      for (const w of warnings) this.warn(w)
      this.graphCache = RevisionMap.build(records)
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
    const configPath = this.config.configPath ?? join(this.cwd, 'retort.config.ts')
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
    const graph = this.graph()
    const head = options.head ?? 'head'
    let parents: number[]
    try {
      parents = resolveLookup(graph, head)
    } catch (e) {
      if (head === 'head' && e instanceof RevisionError && /heads/.test(e.message)) {
        throw new RevisionError(
          'Multiple heads are present; please specify the head revision on which the new revision should be ' +
            "based ('--head <rev>' or '--head <label>@head'), or perform a merge",
        )
      }
      throw e
    }
    const fill = options.autogenerate
      ? await (await this.schemaTools()).autogenerateFill(options.wantedSchema)
      : undefined
    return this.writeRevision(graph, parents, options, fill)
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
    const graph = this.graph()
    if (options.revisions.length === 0)
      throw new UsageError('merge needs at least one revision (e.g. heads)')
    const parents = options.revisions.flatMap((r) => resolveLookup(graph, r))
    return this.writeRevision(graph, parents, { ...options, head: undefined, dependsOn: [] })
  }

  /**
   * Every head (effective heads too), or only real heads with `resolveDependencies`.
   * @example
   * retort.heads().map((r) => r.id)
   */
  heads(options: { resolveDependencies?: boolean } = {}): readonly Revision[] {
    const graph = this.graph()
    return options.resolveDependencies ? graph.realHeads : graph.heads
  }

  /**
   * Branch points, in history order.
   * @example
   * for (const bp of retort.branches()) console.log(bp.id, bp.children.map((c) => c.id))
   */
  branches(): readonly Revision[] {
    return historyRange(this.graph(), undefined).filter((r) => r.isBranchPoint)
  }

  /**
   * Revisions of a range, newest first (behavior.md c.5).
   * @example
   * await retort.history({ range: 'shoppingcart@base:' })
   */
  async history(options: HistoryOptions = {}): Promise<HistoryEntry[]> {
    const graph = this.graph()
    const needsRows =
      options.indicateCurrent || (options.range ?? '').split(':').includes('current')
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
    const graph = this.graph()
    if (name === 'current') {
      return resolveRows(graph, await this.readRows()).map((i) => graph.revisions[i]!)
    }
    return resolveLookup(graph, name).map((i) => graph.revisions[i]!)
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
    const graph = this.graph()
    if (options.revisions.length === 0) throw new UsageError('stamp needs at least one revision')
    if (options.sql) {
      if (options.purge)
        throw new RevisionError(
          "Can't use --purge with --sql mode; stamp --sql assumes the rows of its START",
        )
      const starts = new Set(
        options.revisions.map((r) => (r.includes(':') ? r.slice(0, r.indexOf(':')) : undefined)),
      )
      if (starts.size > 1) {
        throw new RevisionError(
          'Stamp operation with --sql only supports a single starting revision at a time',
        )
      }
      const start = [...starts][0]
      const targets = options.revisions.map((r) =>
        r.includes(':') ? r.slice(r.indexOf(':') + 1) : r,
      )
      const rows = this.offlineStart(start)
      const plan = planStamp(graph, rows, targets)
      return this.offline(plan, rows.length === 0, options.tag)
    }
    return this.database().session({ lock: true, tag: options.tag }, async (session) => {
      if (options.purge) await session.purge()
      const rows = options.purge ? [] : await session.readRows()
      const plan = planStamp(graph, rows, options.revisions)
      this.warnAll(plan)
      await session.run(plan.steps)
      return { steps: plan.steps }
    })
  }

  /**
   * The applied heads (with revisions applied only through dependencies).
   * @example
   * (await retort.current()).map((r) => r.id)
   */
  async current(): Promise<readonly Revision[]> {
    const graph = this.graph()
    return currentHeads(graph, await this.readRows())
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

  /** Rows of the version table in the order the database returns them ([] when there is no table). */
  async readRows(): Promise<string[]> {
    return this.database().session({ lock: false }, (s) => s.readRows())
  }

  /** The schema commands (src/schema/tools.ts), loaded on first use. */
  private async schemaTools(): Promise<SchemaTools> {
    const { SchemaTools } = await import('../schema/tools.js')
    const quiet = (): void => {}
    return new SchemaTools({
      config: this.config,
      cwd: this.cwd,
      graph: () => this.graph(),
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
    return (this.dbCache ??= new Database(this.config, this.cwd, this.options.args ?? {}, (line) =>
      this.log(line),
    ))
  }

  private async migrate(
    direction: 'upgrade' | 'downgrade',
    options: MigrateOptions,
  ): Promise<MigrateResult> {
    const graph = this.graph()
    const plan = (rows: readonly string[], target: string): Plan =>
      direction === 'upgrade'
        ? planUpgrade(graph, rows, target)
        : planDowngrade(graph, rows, target)
    if (options.sql) {
      const colon = options.target.indexOf(':')
      if (direction === 'downgrade' && colon < 0) {
        throw new RevisionError(
          "downgrade with --sql requires <fromrev>:<torev>, e.g. 'heads:base'",
        )
      }
      const start = colon < 0 ? undefined : options.target.slice(0, colon)
      const target = colon < 0 ? options.target : options.target.slice(colon + 1)
      const rows = this.offlineStart(start)
      const p = plan(rows, target)
      this.warnAll(p)
      return this.offline(p, rows.length === 0, options.tag)
    }
    return this.database().session({ lock: true, tag: options.tag }, async (session) => {
      const p = plan(await session.readRows(), options.target)
      this.warnAll(p)
      await session.run(p.steps)
      return { steps: p.steps }
    })
  }

  /** START of an offline range: the single row the script assumes (behavior.md e). */
  private offlineStart(start: string | undefined): string[] {
    if (start === undefined || start === '' || start === 'base') return []
    const graph = this.graph()
    if (start === 'current')
      throw new RevisionError(
        "Can't locate revision identified by 'current' (offline mode has no database)",
      )
    if (/^[^@]+@base$/.test(start)) {
      lookupName(graph, start.slice(0, start.indexOf('@')))
      return []
    }
    const found = resolveSymbolic(graph, start)
    if (found.length > 1) {
      throw new RevisionError(
        `Multiple heads are present for the starting revision '${start}' (${found.map((f) => graph.revisions[f]!.id).join(', ')}); ` +
          `an offline script starts from one revision`,
      )
    }
    return found.map((f) => graph.revisions[f]!.id)
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

  private async writeRevision(
    graph: RevisionMap,
    parents: number[],
    options: RevisionOptions,
    fill?: (text: string) => string,
  ): Promise<RevisionResult> {
    const revId = options.revId ?? globalThis.crypto.randomUUID().replaceAll('-', '').slice(-12)
    const bad = revId.match(/[@\-+:]/g)
    if (bad || revId === '') {
      throw new RevisionError(
        `Character(s) ${[...new Set(bad ?? [])].map((c) => `'${c}'`).join(', ')} not allowed in revision identifier '${revId}'; ` +
          'ids may not contain @ - + :',
      )
    }
    if (graph.byName(revId)) {
      throw new RevisionError(
        `Revision id '${revId}' is already used by ${graph.byName(revId)!.path}; choose another --rev-id`,
      )
    }
    if (new Set(parents).size !== parents.length)
      throw new RevisionError('Duplicate head revisions specified')
    if (!options.splice) {
      for (const p of parents) {
        const rev = graph.revisions[p]!
        if (!rev.isHead) {
          throw new RevisionError(
            `Revision ${rev.id} is not a head revision; please specify --splice to create a new branch from this revision`,
          )
        }
      }
    }
    const label = options.branchLabel
    if (label !== undefined) {
      if (label === '' || /[@:+\-\s]/.test(label)) {
        throw new RevisionError(
          `Branch label '${label}' may not be empty or contain @ : + - or whitespace`,
        )
      }
      const owner = graph.byName(label)
      if (owner)
        throw new RevisionError(
          `Branch name '${label}' is already used by revision ${owner.id} (${owner.path}); pick another label`,
        )
      if (label === revId)
        throw new RevisionError(`Branch name '${label}' equals the new revision's id`)
    }
    const dependsOn = (options.dependsOn ?? []).map((d) => {
      const found = resolveSymbolic(graph, d)
      if (found.length !== 1)
        throw new RevisionError(`--depends-on '${d}' must name exactly one revision`)
      const rev = graph.revisions[found[0]!]!
      return rev.declaredLabels.includes(d) ? d : rev.id
    })

    checkTimezone(this.config, this.cwd)
    const { dir, actions } = this.targetFolder(graph, parents, options.versionPath)
    const message = options.message ?? ''
    const now = new Date()
    const fileName = revisionFileName({
      rev: revId,
      slug: slugify(message, this.config.truncateSlugLength),
      fileTemplate: this.config.fileTemplate,
      date: now,
      timezone: this.config.timezone,
      extension: '.ts',
    })
    const path = join(dir, fileName)
    const filled = renderRevision(this.templateText(), {
      message,
      revision: revId,
      downRevisions: parents.map((p) => graph.revisions[p]!.id),
      branchLabels: label === undefined ? [] : [label],
      dependsOn,
      createDate: formatCreateDate(now, this.config.timezone),
    })
    const text = fill ? fill(filled) : filled
    for (const a of actions)
      if (a.kind === 'directory') mkdirSync(resolve(this.cwd, a.path), { recursive: true })
    writeFileAtomic(path, text)
    return {
      revision: revId,
      path: this.display(path),
      actions: [...actions, { kind: 'file', path: this.display(path) }],
    }
  }

  /** Folder for a new file (behavior.md a.6). */
  private targetFolder(
    graph: RevisionMap,
    parents: readonly number[],
    versionPath: string | undefined,
  ): { dir: string; actions: FileAction[] } {
    const locations = this.config.versionLocations
    let dir: string
    if (versionPath !== undefined) {
      const wanted = resolve(this.cwd, versionPath)
      if (!locations.includes(wanted)) {
        throw new RevisionError(
          `Path ${versionPath} is not represented in current version locations (${locations.map((l) => this.display(l)).join(', ')})`,
        )
      }
      dir = wanted
    } else if (locations.length === 1) {
      dir = locations[0]!
    } else if (parents.length > 0) {
      dir = graph.revisions[parents[0]!]!.record.versionLocation
    } else {
      throw new RevisionError('Multiple version locations present, please specify --version-path')
    }
    return { dir, actions: existsSync(dir) ? [] : [{ kind: 'directory', path: this.display(dir) }] }
  }

  private templateText(): string {
    const own = join(this.config.scriptLocation, 'script.ts.tmpl')
    return readFileSync(
      existsSync(own) ? own : join(TEMPLATES_DIR, 'generic', 'script.ts.tmpl'),
      'utf8',
    )
  }

  /** A path as printed: relative to the working directory when inside it. */
  private display(path: string): string {
    const rel = relative(this.cwd, path)
    return (rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path).split('\\').join('/')
  }
}
