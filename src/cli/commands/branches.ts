import { formatBranchGroup } from '../format.js'
import { revisionJson } from '../json.js'
import type { CommandContext } from '../program.js'

/** `retort branches`: the branch points. */
export function branchesCommand({
  program,
  outRevisions,
  open,
  json,
  outJson,
}: CommandContext): void {
  program
    .command('branches')
    .description('show the branch points')
    .option('-v, --verbose', 'full blocks')
    .action(async (flags: { verbose?: boolean }) => {
      const retort = await open()
      const branches = retort.branches()
      if (json()) return outJson({ branches: branches.map((r) => revisionJson(r)) })
      let text = ''
      for (const rev of branches) text += formatBranchGroup(rev, Boolean(flags.verbose))
      outRevisions(text, retort)
    })
}
