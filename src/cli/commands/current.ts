import { formatCurrentLine, formatShowBlock } from '../format.js'
import type { CommandContext } from '../program.js'

/** `retort current`: the revisions the database is at. */
export function currentCommand({ program, out, open }: CommandContext): void {
  program
    .command('current')
    .description('show the revisions the database is at')
    .option('-v, --verbose', 'full blocks')
    .option('--check-heads', 'fail unless the database is at every head')
    .action(async (flags: { verbose?: boolean; checkHeads?: boolean }) => {
      const retort = await open()
      const revs = await retort.current({ logDatabase: Boolean(flags.verbose) })
      if (flags.verbose) out(`Current revision(s) for ${retort.maskedUrl()}:\n`)
      for (const rev of revs) out(flags.verbose ? formatShowBlock(rev) : formatCurrentLine(rev))
      if (flags.checkHeads) await retort.checkHeads()
    })
}
