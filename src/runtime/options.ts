import type { Kysely } from 'kysely'
import type { DatabaseUrl } from '../config/database-url.js'
import type { PlanStep, StepEvent } from '../graph/step.js'
import type { DialectInfo } from '../ops/context.js'
import type { MigrationModule } from '../script/load.js'

/** What carrying out a plan needs, online or as a script. */
export interface RuntimeOptions {
  readonly url: DatabaseUrl
  /** Version table name (`versionTable` in the config). */
  readonly versionTable: string
  readonly versionTableSchema?: string | undefined
  /** One transaction per step instead of one for the run. */
  readonly transactionPerMigration: boolean
  /** Seconds to wait for another process's migration lock (default 600). */
  readonly lockTimeout?: number | undefined
  /** `-x KEY=VALUE` pairs, handed to migrations as `args`. */
  readonly args: Readonly<Record<string, string>>
  /** `--tag`, handed to migrations as `tag`. */
  readonly tag?: string | undefined
  /** Receives each log line, complete (`INFO  [retort.migration] Running ...`). */
  readonly log: (line: string) => void
  /** Folder that relative step paths are taken from (default: the working folder). */
  readonly baseDir?: string | undefined
  /**
   * Imports a revision file to run it. Leave it out for script/load.ts's
   * batched, cached loader, which is much faster for long plans.
   */
  readonly loadMigration?: ((path: string) => Promise<MigrationModule>) | undefined
  /** Told when each step starts and ends (online runs only). */
  readonly onStep?: ((event: StepEvent) => void) | undefined
}

/**
 * A connection kept beyond one session: one Retort opened for
 * `sqlite::memory:` (a new connection would see another, empty database),
 * or a Kysely the application handed over (`owned: false`, never destroyed).
 */
export interface KeptConnection {
  readonly db: Kysely<any>
  readonly owned: boolean
  /** Statements seen through Kysely's log: only for connections Retort opened. */
  readonly tracked: boolean
  readonly failed: WeakMap<object, string>
  readonly executed: string[]
  /** How many statements were sent (tracked connections only). */
  readonly sent: { statements: number }
}

/** Options of {@link withDatabase}. */
export interface SessionOptions extends RuntimeOptions {
  /** Use this connection instead of opening one (and leave it open). */
  readonly kept?: KeptConnection | undefined
  /**
   * Hold the migration lock for the whole session, taken before anything is
   * read (upgrade, downgrade, stamp): PostgreSQL advisory lock, MySQL/MariaDB
   * GET_LOCK, SQLite a write transaction (BEGIN IMMEDIATE). A second session
   * waits, then reads the rows the first one left.
   */
  readonly lock: boolean
}

/** One open connection to the database. */
export interface Session {
  readonly dialect: DialectInfo
  /** The version table's rows in the order the database returns them; none when it does not exist (nothing is created). */
  readRows(): Promise<string[]>
  /** Create the version table if it does not exist. */
  ensureVersionTable(): Promise<void>
  /** Create the version table if needed, then delete every row (`stamp --purge`). */
  purge(): Promise<void>
  /**
   * Run the steps in order: log each, run its migration, apply its row
   * changes. A failing migration rolls back and rejects with a
   * MigrationError; see behavior.md c.7 for what survives.
   */
  run(plan: readonly PlanStep[]): Promise<void>
}
