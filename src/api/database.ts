import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ResolvedConfig } from '../config/config.js'
import { parseDatabaseUrl, requireDatabaseName, type DatabaseUrl } from '../config/database-url.js'
import { DatabaseError } from '../errors.js'
import type { PlanStep, StepEvent } from '../graph/step.js'
import type { Kysely } from 'kysely'
import type { KeptConnection, RuntimeOptions, Session } from '../runtime/options.js'

/** The project's database as the API uses it: sessions online, scripts offline. */
export class Database {
  private url: DatabaseUrl
  private options: RuntimeOptions
  /** The connection kept for the Retort's life (given `db`, or `sqlite::memory:`). */
  private kept: Promise<KeptConnection> | undefined

  constructor(
    config: ResolvedConfig,
    cwd: string,
    args: Readonly<Record<string, string>>,
    log: (line: string) => void,
    private readonly given?: Kysely<any>,
  ) {
    this.url = parseDatabaseUrl(config.url, config.rootDir)
    this.options = {
      url: this.url,
      versionTable: config.versionTable,
      versionTableSchema: config.versionTableSchema,
      transactionPerMigration: config.transactionPerMigration,
      lockTimeout: config.lockTimeout,
      args,
      log,
      // Plan steps carry paths as shown to the user (relative to the working folder).
      baseDir: cwd,
    }
  }

  get maskedUrl(): string {
    return this.given ? 'the Kysely instance given to Retort.open' : this.url.masked
  }

  /** Release what Retort opened (never a Kysely the application gave). */
  async close(): Promise<void> {
    const kept = this.kept
    this.kept = undefined
    if (!kept) return
    const connection = await kept.catch(() => undefined)
    if (connection?.owned) await connection.db.destroy()
  }

  /** The connection to keep, if any: the given Kysely, or one for an in-memory SQLite database. */
  private async keptConnection(): Promise<KeptConnection | undefined> {
    if (this.given) {
      this.kept ??= import('../runtime/session.js').then(async ({ adoptConnection }) => {
        const { kept, dialect } = await adoptConnection(this.given!)
        // The given database decides the dialect, whatever the config's url says.
        if (dialect !== this.url.dialect) {
          this.url = { ...this.url, dialect }
          this.options = { ...this.options, url: this.url }
        }
        return kept
      })
      return this.kept
    }
    if (this.url.sqlitePath !== ':memory:') return undefined
    this.kept ??= import('../runtime/session.js').then((runtime) =>
      runtime.openConnection(this.url),
    )
    return this.kept
  }

  /** False only for a SQLite file that does not exist yet (reading it must not create it). */
  mayExist(): boolean {
    const path = this.url.sqlitePath
    return this.given !== undefined || path === undefined || path === ':memory:' || existsSync(path)
  }

  // The API's one lazy boundary: the runtime (and through it Kysely and the
  // database clients) is imported on first use, so that graph-only commands
  // never load it.
  async session<T>(
    options: { lock: boolean; tag?: string; onStep?: (event: StepEvent) => void },
    fn: (session: Session) => Promise<T>,
  ): Promise<T> {
    const kept = await this.keptConnection()
    if (kept) {
      const { withDatabase } = await import('../runtime/session.js')
      return withDatabase({ ...this.options, lock: options.lock, tag: options.tag, kept }, fn)
    }
    // Fail up front, not at the first statement: "No database selected", "unable to open".
    requireDatabaseName(this.url)
    const path = this.url.sqlitePath
    if (path !== undefined && path !== ':memory:' && !existsSync(dirname(path))) {
      throw new DatabaseError(
        `cannot open the SQLite database ${path}: its folder ${dirname(path)} does not exist; ` +
          `create the folder or fix the url`,
      )
    }
    const { withDatabase } = await import('../runtime/session.js')
    return withDatabase(
      { ...this.options, lock: options.lock, tag: options.tag, onStep: options.onStep },
      fn,
    )
  }

  async script(
    steps: readonly PlanStep[],
    options: { createVersionTable: boolean; tag?: string | undefined },
  ): Promise<string> {
    const { renderScript } = await import('../runtime/offline.js')
    return renderScript({ ...this.options, tag: options.tag }, steps, options)
  }

  async ensureVersionScript(): Promise<string> {
    const { renderEnsureVersionScript } = await import('../runtime/offline.js')
    return renderEnsureVersionScript(this.options)
  }
}
