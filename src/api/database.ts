import type { ResolvedConfig } from '../config/config.js'
import { parseDatabaseUrl, type DatabaseUrl } from '../config/database-url.js'
import type { PlanStep } from '../graph/step.js'
import { renderEnsureVersionScript, renderScript } from '../runtime/offline.js'
import { withDatabase, type RuntimeOptions, type Session } from '../runtime/session.js'

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

  session<T>(options: { lock: boolean }, fn: (session: Session) => Promise<T>): Promise<T> {
    return withDatabase({ ...this.options, lock: options.lock }, fn)
  }

  script(steps: readonly PlanStep[], options: { createVersionTable: boolean }): Promise<string> {
    return renderScript(this.options, steps, options)
  }

  ensureVersionScript(): Promise<string> {
    return renderEnsureVersionScript(this.options)
  }
}
