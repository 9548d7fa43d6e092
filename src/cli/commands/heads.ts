import { formatHeadLine, formatShowBlock } from '../format.js'
import type { CommandContext } from '../program.js'

/** `retort heads`: the head revisions. */
export function headsCommand({ program, out, open }: CommandContext): void {
  program
    .command('heads')
    .description('show the head revisions')
    .option('-v, --verbose', 'full blocks')
    .option('--resolve-dependencies', 'leave out heads that other revisions depend on')
    .action(async (flags: { verbose?: boolean; resolveDependencies?: boolean }) => {
      const retort = await open()
      for (const rev of retort.heads(flags))
        out(flags.verbose ? formatShowBlock(rev) : formatHeadLine(rev))
    })
}
