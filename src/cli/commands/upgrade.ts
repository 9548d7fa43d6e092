import type { CommandContext } from '../program.js'
import { verboseOption, xOption } from '../program.js'

/** `retort upgrade <revision>`: apply migrations, or write them as SQL with `--sql`. */
export function upgradeCommand({ program, out, open }: CommandContext): void {
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
      if (result.sql !== undefined) out(result.sql)
    })
}
