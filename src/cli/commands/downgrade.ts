import { migrateJson } from '../json.js'
import type { CommandContext } from '../program.js'
import { verboseOption, xOption } from '../program.js'

/** `retort downgrade <revision>`: revert migrations, or write them as SQL with `--sql`. */
export function downgradeCommand({
  program,
  out,
  open,
  json,
  outJson,
  closeLog,
}: CommandContext): void {
  program
    .command('downgrade')
    .description('revert migrations down to a revision')
    .argument('<revision>', 'target, e.g. -1, base, label@base')
    .option('--sql', 'write the SQL script instead of running it (start:end ranges allowed)')
    .option('--tag <tag>', 'tag passed to migrations')
    .addOption(verboseOption())
    .addOption(xOption())
    .action(async (target: string, flags: { sql?: boolean; tag?: string; x?: string[] }) => {
      const retort = await open(flags)
      const result = await retort.downgrade({ target, sql: flags.sql, tag: flags.tag })
      closeLog()
      if (json()) return outJson(migrateJson('downgrade', target, result))
      if (result.sql !== undefined) out(result.sql)
    })
}
