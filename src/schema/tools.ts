/**
 * `revision --autogenerate`, `check` and `verify` as the API runs them
 * (shared/spec/schema.md). Retort hands in what it owns (config, graph,
 * version rows, a way to run steps on another database); the work is here.
 */
import type { ResolvedConfig } from '../config/config.js'
import { parseDatabaseUrl, type DatabaseUrl } from '../config/database-url.js'
import { loadDialect } from '../dialects/registry.js'
import { ConfigError, RetortError, RevisionError } from '../errors.js'
import type { RevisionMap } from '../graph/revision-map.js'
import { planUpgrade } from '../graph/plans.js'
import type { PlanStep, RowChange } from '../graph/step.js'
import {
  autogenerate,
  compareSchemas,
  listDifferences,
  readDatabaseSchema,
  type SchemaDifference,
} from './commands.js'
import { unmatchedPatterns } from './filter.js'
import type { SchemaModel, TableFilter } from './model.js'
import { fillRevisionBodies } from './render.js'

/** What Retort gives the schema commands. */
export interface SchemaToolsContext {
  readonly config: ResolvedConfig
  readonly cwd: string
  readonly graph: () => RevisionMap
  /** The version rows of the project's database. */
  readonly rows: () => Promise<string[]>
  readonly log: (line: string) => void
  /** Run plan steps on the database at `url` (the project's revisions, config and version table). */
  readonly runSteps: (url: string, steps: readonly PlanStep[]) => Promise<void>
  /**
   * The declared schema (config `schema`, unfiltered) as the database at
   * `url` makes it, or undefined when none is declared.
   */
  readonly declaredSchema: (url: string) => Promise<SchemaModel | undefined>
  /** The config's include/exclude filter. */
  readonly filter: TableFilter | undefined
}

export interface CheckOptions {
  /** The wanted schema, instead of the config's `schema`. */
  readonly wantedSchema?: SchemaModel
}

export interface CheckResult {
  /** Empty when the database matches the wanted schema. */
  readonly differences: readonly SchemaDifference[]
}

export interface VerifyOptions {
  /** An empty database to use as the scratch one, instead of a temporary one. */
  readonly url?: string
  /** The wanted schema, instead of the config's `schema` (the fifth check). */
  readonly wantedSchema?: SchemaModel
  /** Run only these checks (default: all five); `['heads']` needs no database. */
  readonly checks?: readonly VerifyCheckName[]
}

/** The five checks, in order. */
export type VerifyCheckName =
  'heads' | 'upgrade' | 'up-down consistency' | 'downgrade leaves no trace' | 'schema matches'

/** Every check of verify, in the order they run. */
export const VERIFY_CHECKS: readonly VerifyCheckName[] = [
  'heads',
  'upgrade',
  'up-down consistency',
  'downgrade leaves no trace',
  'schema matches',
]

export interface VerifyCheck {
  readonly name: VerifyCheckName
  readonly passed: boolean
  /** Why it failed, naming the revision at fault; absent when passed. */
  readonly message?: string
  /** Revisions at fault. */
  readonly revisions?: readonly string[]
  /** True when the check could not run (an earlier one failed, or no schema is declared). */
  readonly skipped?: boolean
}

export interface VerifyResult {
  readonly passed: boolean
  readonly checks: readonly VerifyCheck[]
}

/** The schema commands of one project. */
export class SchemaTools {
  constructor(private readonly ctx: SchemaToolsContext) {}

  private get url(): DatabaseUrl {
    return parseDatabaseUrl(this.ctx.config.url, this.ctx.config.rootDir)
  }

  /** Where to read a database; unfiltered, so that patterns matching nothing can be told. */
  private source(url: DatabaseUrl) {
    return {
      url,
      versionTable: this.ctx.config.versionTable,
      schema: this.ctx.config.versionTableSchema,
    }
  }

  /** Warn about include/exclude patterns that match no table on either side. */
  private warnUnmatched(current: SchemaModel, wanted: SchemaModel): void {
    const names = [...current.tables, ...wanted.tables].map((t) => t.name)
    for (const pattern of unmatchedPatterns(names, this.ctx.filter)) {
      this.ctx.log(
        `WARNI [retort.autogenerate] include/exclude pattern '${pattern}' matches no table ` +
          'in the database or the declared schema; check its spelling in the config',
      )
    }
  }

  private async wanted(override: SchemaModel | undefined, url: string): Promise<SchemaModel> {
    if (override) return override
    const declared = await this.ctx.declaredSchema(url)
    if (!declared) {
      throw new ConfigError(
        "No declared schema: set 'schema' in the config to a defineSchema module or a .sql file or folder",
      )
    }
    return declared
  }

  /** Fail unless every head is applied, naming the revisions that are not. */
  private async requireHeads(): Promise<void> {
    const pending = planUpgrade(this.ctx.graph(), await this.ctx.rows(), 'heads').steps
    if (pending.length > 0) {
      const ids = pending.map((s) => s.revision ?? s.to.join(', '))
      throw new RevisionError(
        `Target database is not up to date: revision(s) ${ids.map((i) => `'${i}'`).join(', ')} not applied; ` +
          "run 'retort upgrade heads' first",
      )
    }
  }

  /**
   * The wanted schema and the database's, read at the same time (the
   * declared side waits on its scratch database's DDL). A failure of the
   * declared side is the one reported when both fail.
   */
  private async bothSchemas(
    override: SchemaModel | undefined,
    url: DatabaseUrl,
  ): Promise<[SchemaModel, SchemaModel]> {
    const [wanted, current] = await Promise.allSettled([
      this.wanted(override, url.url),
      readDatabaseSchema(this.source(url)),
    ])
    if (wanted.status === 'rejected') throw wanted.reason
    if (current.status === 'rejected') throw current.reason
    return [wanted.value, current.value]
  }

  /** Compare the database with the wanted schema; returns the template filler for the revision. */
  async autogenerateFill(override: SchemaModel | undefined): Promise<(text: string) => string> {
    await this.requireHeads()
    const url = this.url
    const [wanted, current] = await this.bothSchemas(override, url)
    this.warnUnmatched(current, wanted)
    const result = autogenerate(
      (await loadDialect(url.dialect)).render,
      current,
      wanted,
      this.ctx.filter,
    )
    return (text) => {
      const filled = fillRevisionBodies(text, result.rendered)
      // Logged only once the file's text is complete.
      for (const line of result.log) this.ctx.log(line)
      return filled
    }
  }

  /** `check`: the differences between the database at its heads and the wanted schema. */
  async check(override: SchemaModel | undefined): Promise<CheckResult> {
    await this.requireHeads()
    const url = this.url
    const [wanted, current] = await this.bothSchemas(override, url)
    this.warnUnmatched(current, wanted)
    return { differences: listDifferences(compareSchemas(current, wanted, this.ctx.filter)) }
  }

  /** `verify`: the five checks, on a scratch database. */
  async verify(options: VerifyOptions): Promise<VerifyResult> {
    const wanted = new Set(options.checks ?? VERIFY_CHECKS)
    const checks: VerifyCheck[] = [this.checkHeads()]
    if (![...wanted].some((c) => c !== 'heads')) {
      // Only the graph is looked at: no scratch database.
    } else if (options.url !== undefined) {
      const url = parseDatabaseUrl(options.url, this.ctx.cwd)
      const existing = await readDatabaseSchema(this.source(url))
      if (existing.tables.length > 0) {
        throw new RetortError(
          `--url ${url.masked} is not empty (it has table '${existing.tables[0]!.name}'); verify needs an empty database it may change`,
        )
      }
      checks.push(...(await this.verifyOn(url.url, options.wantedSchema)))
    } else {
      const { withScratchDatabase } = await import('./scratch.js')
      checks.push(
        ...(await withScratchDatabase(this.url.url, ({ url }) =>
          this.verifyOn(url, options.wantedSchema),
        )),
      )
    }
    const chosen = checks.filter((c) => wanted.has(c.name))
    return { passed: chosen.every((c) => c.passed), checks: chosen }
  }

  /**
   * Check 1: no line of history has two heads. Two heads fail when they share
   * an ancestor and carry the same branch labels (nothing tells them apart).
   */
  private checkHeads(): VerifyCheck {
    const graph = this.ctx.graph()
    const heads = graph.realHeads
    for (let a = 0; a < heads.length; a++) {
      for (let b = a + 1; b < heads.length; b++) {
        const x = heads[a]!
        const y = heads[b]!
        if ([...x.branchLabels].sort().join() !== [...y.branchLabels].sort().join()) continue
        const shared = graph.revisions.some(
          (r) =>
            graph.isAncestor(r.index, x.index, true) && graph.isAncestor(r.index, y.index, true),
        )
        if (!shared) continue
        return {
          name: 'heads',
          passed: false,
          revisions: [x.id, y.id],
          message:
            `two heads on one line of history: '${x.id}' and '${y.id}' (${x.path}, ${y.path}); ` +
            `join them with 'retort merge ${x.id} ${y.id} -m "merge heads"'`,
        }
      }
    }
    return { name: 'heads', passed: true }
  }

  /** Checks 2 to 5 on the empty database at `url`. */
  private async verifyOn(url: string, override: SchemaModel | undefined): Promise<VerifyCheck[]> {
    const graph = this.ctx.graph()
    const parsed = parseDatabaseUrl(url, this.ctx.cwd)
    const read = () => readDatabaseSchema(this.source(parsed))
    const steps = planUpgrade(graph, [], 'heads').steps
    const failAt = (
      name: VerifyCheckName,
      step: PlanStep,
      what: string,
      error?: unknown,
    ): VerifyCheck => ({
      name,
      passed: false,
      revisions: step.revision ? [step.revision] : [],
      message: `revision '${step.revision}' (${step.path}): ${what}${error ? `: ${reason(error)}` : ''}`,
    })
    let upgrade: VerifyCheck = { name: 'upgrade', passed: true }
    let consistency: VerifyCheck = { name: 'up-down consistency', passed: true }
    let trace: VerifyCheck = { name: 'downgrade leaves no trace', passed: true }
    for (const step of steps) {
      const before = await read()
      try {
        await this.ctx.runSteps(url, [step])
      } catch (error) {
        upgrade = failAt('upgrade', step, 'upgrade failed', error)
        break
      }
      if (!consistency.passed) continue
      const after = await read()
      try {
        await this.ctx.runSteps(url, [downgradeStep(step)])
      } catch (error) {
        consistency = failAt('up-down consistency', step, 'downgrade failed', error)
        continue
      }
      if (trace.passed) {
        const left = compareSchemas(before, await read())
        if (left.length > 0) {
          const first = listDifferences(left)[0]!
          trace = failAt(
            'downgrade leaves no trace',
            step,
            `after its downgrade the schema still differs from before its upgrade (${first.description}${left.length > 1 ? `, and ${left.length - 1} more` : ''})`,
          )
        }
      }
      try {
        await this.ctx.runSteps(url, [step])
      } catch (error) {
        consistency = failAt(
          'up-down consistency',
          step,
          'upgrade after its downgrade failed',
          error,
        )
        // Leave the database as the plan expects it.
        continue
      }
      const again = compareSchemas(after, await read())
      if (again.length > 0) {
        consistency = failAt(
          'up-down consistency',
          step,
          `upgrade after its downgrade gives another schema (${listDifferences(again)[0]!.description})`,
        )
      }
    }
    const skipped = (name: VerifyCheckName, why: string): VerifyCheck => ({
      name,
      passed: false,
      skipped: true,
      message: why,
    })
    if (!upgrade.passed) {
      return [
        upgrade,
        consistency.passed
          ? skipped('up-down consistency', 'not run: upgrade failed')
          : consistency,
        trace.passed ? skipped('downgrade leaves no trace', 'not run: upgrade failed') : trace,
        skipped('schema matches', 'not run: upgrade failed'),
      ]
    }
    let matches: VerifyCheck
    const wanted = override ?? (await this.ctx.declaredSchema(url))
    if (!wanted) {
      matches = {
        name: 'schema matches',
        passed: true,
        skipped: true,
        message: 'no declared schema',
      }
    } else {
      const differences = listDifferences(compareSchemas(await read(), wanted, this.ctx.filter))
      matches =
        differences.length === 0
          ? { name: 'schema matches', passed: true }
          : {
              name: 'schema matches',
              passed: false,
              message: `the database at heads differs from the declared schema: ${differences.map((d) => d.description).join('; ')}`,
            }
    }
    return [upgrade, consistency, trace, matches]
  }
}

/** The step that undoes an upgrade step: its migration's downgrade, its row changes reversed. */
function downgradeStep(step: PlanStep): PlanStep {
  const undo = (c: RowChange): RowChange =>
    c.kind === 'insert'
      ? { kind: 'delete', revision: c.revision }
      : c.kind === 'delete'
        ? { kind: 'insert', revision: c.revision }
        : { kind: 'update', from: c.to, to: c.from }
  return {
    ...step,
    verb: 'downgrade',
    from: step.to,
    to: step.from,
    rowChanges: [...step.rowChanges].reverse().map(undo),
  }
}

function reason(error: unknown): string {
  const e = error as Error
  const cause = e?.cause as Error | undefined
  return cause?.message && !e.message.includes(cause.message)
    ? `${e.message} (${cause.message})`
    : (e?.message ?? String(error))
}
