import type { ResolvedConfig } from '../config/config.js'
import { parseDatabaseUrl, type DatabaseUrl } from '../config/database-url.js'
import type { PlanStep, StepEvent } from '../graph/step.js'
import type { RuntimeOptions, Session } from '../runtime/options.js'

/** The project's database as the API uses it: sessions online, scripts offline. */
export class Database {
  private readonly url: DatabaseUrl
  private readonly options: RuntimeOptions

  constructor(
    config: ResolvedConfig,
    cwd: string,
    args: Readonly<Record<string, string>>,
    log: (line: string) => void,
  ) {
    this.url = parseDatabaseUrl(config.url, config.rootDir)
    this.options = {
      url: this.url,
      versionTable: config.versionTable,
      versionTableSchema: config.versionTableSchema,
      transactionPerMigration: config.transactionPerMigration,
      args,
      log,
      // Plan steps carry paths as shown to the user (relative to the working folder).
      baseDir: cwd,
    }
  }

  get maskedUrl(): string {
    return this.url.masked
  }

  // The API's one lazy boundary: the runtime (and through it Kysely and the
  // database clients) is imported on first use, so that graph-only commands
  // never load it.
  async session<T>(
    options: { lock: boolean; tag?: string; onStep?: (event: StepEvent) => void },
    fn: (session: Session) => Promise<T>,
  ): Promise<T> {
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
