import type { Kysely } from 'kysely'
import type { Dialect } from '../dialects/dialect.js'
import type { MigrationContext } from '../ops/context.js'
import { createOperations } from '../ops/operations.js'
import { guardTransactions } from './executor.js'
import type { RuntimeOptions } from './options.js'

/**
 * The context handed to every migration of a run, online or offline. Built
 * once per run: `op` holds no state between calls, and long plans should
 * not pay for it per step.
 */
export function migrationContext(
  db: Kysely<any>,
  dialect: Dialect,
  options: Pick<RuntimeOptions, 'args' | 'tag'>,
  offline: boolean,
): MigrationContext {
  const guarded = guardTransactions(db)
  return Object.freeze({
    op: createOperations({ db: guarded, dialect, offline }),
    db: guarded,
    args: options.args,
    tag: options.tag,
    dialect: { name: dialect.name, transactionalDdl: dialect.capabilities.transactionalDdl },
    offline,
  })
}
