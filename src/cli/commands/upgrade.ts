import { migrateJson } from '../json.js'
import type { CommandContext } from '../program.js'
import { verboseOption, xOption } from '../program.js'

/** `retort upgrade <revision>`: apply migrations, or write them as SQL with `--sql`. */
export function upgradeCommand({
  program,
  io,
  out,
  quiet,
  open,
  json,
  outJson,
  closeLog,
}: CommandContext): void {
  program
    .command('upgrade')
    .description('apply migrations up to a revision')
    .argument('<revision>', 'target, e.g. heads, +1, label@head')
    .option('--sql', 'write the SQL script instead of running it (start:end ranges allowed)')
    .option('--tag <tag>', 'tag passed to migrations')
    .addOption(verboseOption())
    .addOption(xOption())
    .action(async (target: string, flags: { sql?: boolean; tag?: string; x?: string[] }) => {
      const retort = await open(flags)
      const result = await retort.upgrade({ target, sql: flags.sql, tag: flags.tag })
      closeLog()
      if (json()) return outJson(migrateJson('upgrade', target, result))
      if (result.sql !== undefined) out(result.sql)
      else if (result.steps.length === 0 && !quiet()) {
        // On stderr and without the INFO prefix: stdout and the step log stay as the spec fixes them.
        io.stderr(
          target === 'heads' || target === 'head'
            ? 'already at heads\n'
            : `nothing to upgrade: the database is already at '${target}' or beyond it\n`,
        )
      }
    })
}
