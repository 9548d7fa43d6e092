import { RetortError } from '../../errors.js'
import type { CommandContext } from '../program.js'

/** `retort check`: the database at its heads against the declared schema (schema.md). */
export function checkCommand({
  program,
  out,
  open,
  json,
  outJson,
  setExitCode,
}: CommandContext): void {
  program
    .command('check')
    .description('compare the database at its heads with the declared schema')
    .action(async () => {
      const { differences } = await (await open()).check()
      if (json()) {
        // schema.md: `--json` prints the differences as a JSON array (exit 1 when there are any).
        outJson(differences.map(({ change: _change, ...d }) => d))
        if (differences.length > 0) setExitCode(1)
        return
      }
      if (differences.length === 0) return out('No new upgrade operations detected.\n')
      throw new RetortError(
        'New upgrade operations detected:\n' +
          differences.map((d) => `  ${d.description}`).join('\n'),
      )
    })
}
