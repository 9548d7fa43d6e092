import type { CommandContext } from '../program.js'

/** `retort ensure-version`: create the version table, or print its DDL with `--sql`. */
export function ensureVersionCommand({ program, out, open, json, outJson }: CommandContext): void {
  program
    .command('ensure-version')
    .description('create the version table if it does not exist')
    .option('--sql', 'write the CREATE TABLE statement instead')
    .action(async (flags: { sql?: boolean }) => {
      const retort = await open()
      const result = await retort.ensureVersion(flags)
      if (json()) return outJson(result)
      if (result.sql !== undefined) out(result.sql)
    })
}
