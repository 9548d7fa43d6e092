import { statusJson } from '../json.js'
import type { CommandContext } from '../program.js'
import { formatStatus } from '../status-format.js'

/** `retort status`: where the database stands and what `upgrade heads` would run. */
export function statusCommand({
  program,
  outRevisions,
  open,
  json,
  outJson,
  setExitCode,
}: CommandContext): void {
  program
    .command('status')
    .description('show where the database stands and what upgrade heads would run')
    .option('--exit-code', 'exit 3 when upgrade heads has something to run')
    .action(async (flags: { exitCode?: boolean }) => {
      const retort = await open()
      const status = await retort.status()
      if (json()) outJson(statusJson(status, retort.maskedUrl()))
      else outRevisions(formatStatus(status, retort.maskedUrl()), retort)
      if (flags.exitCode && status.pending.length > 0) setExitCode(3)
    })
}
