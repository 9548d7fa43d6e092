import { migrateJson } from '../json.js'
import type { CommandContext } from '../program.js'
import { verboseOption, xOption } from '../program.js'

interface StampFlags {
  sql?: boolean
  purge?: boolean
  tag?: string
  x?: string[]
}

/** `retort stamp <revisions...>`: set the version table without running migrations. */
export function stampCommand({
  program,
  out,
  open,
  json,
  outJson,
  closeLog,
}: CommandContext): void {
  program
    .command('stamp')
    .description('set the version table without running migrations')
    .argument('<revisions...>', 'revisions to stamp')
    .option('--sql', 'write the SQL script instead')
    .option('--purge', 'delete every row first (also rows naming unknown revisions)')
    .option('--tag <tag>', 'tag passed to migrations')
    .addOption(verboseOption())
    .addOption(xOption())
    .action(async (revisions: string[], flags: StampFlags) => {
      const retort = await open(flags)
      const result = await retort.stamp({
        revisions,
        sql: flags.sql,
        purge: flags.purge,
        tag: flags.tag,
      })
      closeLog()
      if (json()) return outJson(migrateJson('stamp', revisions.join(' '), result))
      if (result.sql !== undefined) out(result.sql)
    })
}
