import type { CommandContext } from '../program.js'
import { formatVerifyCheck, verifyJson } from '../schema-format.js'

/** `retort verify`: the revision checks on a scratch database (schema.md). */
export function verifyCommand({
  program,
  out,
  open,
  json,
  outJson,
  setExitCode,
}: CommandContext): void {
  program
    .command('verify')
    .description('run the revision checks on a scratch database')
    .option('--url <url>', 'an empty database to use as the scratch one')
    .action(async (flags: { url?: string }) => {
      const retort = await open()
      // verify never touches the project's database, so the global --url (which
      // commander reads wherever it stands) also names the scratch database.
      const url = flags.url ?? program.opts<{ url?: string }>().url
      const result = await retort.verify(url ? { url } : {})
      if (json()) outJson(verifyJson(result))
      else for (const check of result.checks) out(formatVerifyCheck(check))
      if (!result.passed) setExitCode(1)
    })
}
