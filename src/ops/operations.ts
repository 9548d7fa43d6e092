import { sql } from 'kysely'
import type { OperationsContext } from './context.js'

/** The `op` object given to migrations. (Issue 4 fills in the full set.) */
export interface Operations {
  /** Run raw SQL text as is (no escaping: the string is sent verbatim), or a Kysely query. */
  execute(statement: string | { compile(): unknown }): Promise<void>
}

/** Build the operations object for one migration run. */
export function createOperations(ctx: OperationsContext): Operations {
  return {
    async execute(statement) {
      if (typeof statement === 'string') await sql.raw(statement).execute(ctx.db)
      else await ctx.db.executeQuery(statement.compile() as never)
    },
  }
}
