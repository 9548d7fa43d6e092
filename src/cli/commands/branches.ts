import { formatBranchGroup } from '../format.js'
import type { CommandContext } from '../program.js'

/** `retort branches`: the branch points. */
export function branchesCommand({ program, out, open }: CommandContext): void {
  program
    .command('branches')
    .description('show the branch points')
    .option('-v, --verbose', 'full blocks')
    .action(async (flags: { verbose?: boolean }) => {
      const retort = await open()
      for (const rev of retort.branches()) out(formatBranchGroup(rev, Boolean(flags.verbose)))
    })
}
