import type { Kysely, KyselyPlugin, RootOperationNode } from 'kysely'
import { RetortError } from '../errors.js'
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
  autocommit?: (fn: () => Promise<void>) => Promise<void>,
): MigrationContext {
  const guarded = guardTransactions(db)
  return Object.freeze({
    op: createOperations({ db: guarded, dialect, offline, autocommit }),
    // `op.execute` writes any statement into a script; only `db` is refused reads offline.
    db: offline ? guardTransactions(offlineDb(db)) : guarded,
    args: options.args,
    tag: options.tag,
    dialect: { name: dialect.name, transactionalDdl: dialect.capabilities.transactionalDdl },
    offline,
    isOffline: offline,
  })
}

/** Statements that return rows: offline they would return none, and the script would differ. */
const READ = /^\s*(?:\(\s*)*(?:select|with|values|show|pragma|explain|table)\b/i

/**
 * In `--sql` mode there is no database to read from: a read through `db`
 * would get no rows and the script would silently leave out what the
 * migration computes from them. Fail instead (the executor names the revision).
 */
const refuseReads: KyselyPlugin = {
  transformQuery({ node }) {
    if (isRead(node)) {
      throw new RetortError(
        'it reads from the database through `db`, which --sql mode cannot do (there is no ' +
          'database, the read would return no rows); check `context.isOffline` in the migration ' +
          'and write the statements the script needs without reading',
      )
    }
    return node
  },
  transformResult: async ({ result }) => result,
}

/** `db` offline: builders go through the plugin, precompiled queries through `executeQuery`. */
function offlineDb(db: Kysely<any>): Kysely<any> {
  const withPlugin = db.withPlugin(refuseReads)
  return new Proxy(withPlugin, {
    get(target, property) {
      if (property === 'executeQuery') {
        return (query: { query: RootOperationNode }, ...rest: unknown[]) => {
          refuseReads.transformQuery({ node: query.query, queryId: { queryId: '' } })
          return (target.executeQuery as (...args: unknown[]) => unknown)(query, ...rest)
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value
    },
  })
}

function isRead(node: RootOperationNode): boolean {
  if (node.kind === 'SelectQueryNode') return true
  if (node.kind === 'RawNode') return READ.test(node.sqlFragments.join('?'))
  return false
}
