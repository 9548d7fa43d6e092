import type { Command } from 'commander'
import type { Retort } from '../api/retort.js'
import { RetortError } from '../errors.js'
import type { VerifyCheck } from '../schema/tools.js'

/** What the schema commands need from main(). */
export interface SchemaCommandsIo {
  readonly open: () => Promise<Retort>
  readonly out: (text: string) => void
  /** Set the exit code without an error message (a failed check already printed). */
  readonly fail: (code: number) => void
}

/** One `verify` line: `PASSED  heads`, `FAILED  upgrade: revision 'x' ...`. */
export function formatVerifyCheck(check: VerifyCheck): string {
  if (check.passed) return `PASSED  ${check.name}${check.skipped ? ` (${check.message})` : ''}\n`
  return `FAILED  ${check.name}: ${check.message}\n`
}

/** `check` and `verify` (shared/spec/schema.md). */
export function schemaCommands(program: Command, io: SchemaCommandsIo): void {
  program
    .command('check')
    .description('compare the database at its heads with the declared schema')
    .option('--json', 'print the differences as a JSON array')
    .action(async (flags: { json?: boolean }) => {
      const retort = await io.open()
      const { differences } = await retort.check()
      if (flags.json) {
        io.out(
          JSON.stringify(
            differences.map(({ change: _c, ...d }) => d),
            null,
            2,
          ) + '\n',
        )
        if (differences.length > 0) io.fail(1)
        return
      }
      if (differences.length === 0) {
        io.out('No new upgrade operations detected.\n')
        return
      }
      throw new RetortError(
        'New upgrade operations detected:\n' +
          differences.map((d) => `  ${d.description}`).join('\n'),
      )
    })

  program
    .command('verify')
    .description('run the revision checks on a scratch database')
    .option('--url <url>', 'an empty database to use as the scratch one')
    .option('--json', 'print the result as one JSON object')
    .action(async (flags: { url?: string; json?: boolean }) => {
      const retort = await io.open()
      // verify never touches the project's database, so the global --url (which
      // commander reads wherever it stands) also names the scratch database.
      const url = flags.url ?? program.opts<{ url?: string }>().url
      const result = await retort.verify(url ? { url } : {})
      if (flags.json) io.out(JSON.stringify(result, null, 2) + '\n')
      else for (const check of result.checks) io.out(formatVerifyCheck(check))
      if (!result.passed) io.fail(1)
    })
}
