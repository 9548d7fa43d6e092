import type { Kysely } from 'kysely'
import type { DialectName } from '../dialects/names.js'
import type { Operations } from './operations.js'

/** What a migration may ask of the dialect it runs on. */
export interface DialectInfo {
  readonly name: DialectName
  /** Whether DDL can be rolled back inside a transaction. */
  readonly transactionalDdl: boolean
}

/** The argument of a revision's `upgrade` and `downgrade` functions. */
export interface MigrationContext {
  /** Schema operations that also work in `--sql` mode. */
  readonly op: Operations
  /** Kysely on the migration's connection and transaction (captures statements offline). */
  readonly db: Kysely<any>
  /** `-x KEY=VALUE` pairs from the command line. */
  readonly args: Readonly<Record<string, string>>
  /** `--tag` from the command line, if given. */
  readonly tag?: string | undefined
  readonly dialect: DialectInfo
  /** True when the run writes a SQL script instead of touching a database. */
  readonly offline: boolean
  /**
   * Same as `offline` (Alembic's `is_offline_mode()`): in `--sql` mode a read
   * through `db` fails the run, so a migration that reads checks this first.
   */
  readonly isOffline: boolean
}
