import type { CommandContext } from '../program.js'
import { formatSchema } from '../schema-format.js'

/** `retort schema`: the model of the live database, as text or (`--json`) as the model itself. */
export function schemaCommand({ program, out, open, json, outJson }: CommandContext): void {
  program
    .command('schema')
    .description('print the schema of the database as it is now')
    .action(async () => {
      const model = await (await open()).schema()
      if (json()) return outJson(model)
      out(formatSchema(model))
    })
}
