import type { CommandContext } from '../program.js'
import { actionLine } from '../program.js'

interface MergeFlags {
  message?: string
  branchLabel?: string
  revId?: string
  splice?: boolean
}

/** `retort merge <revisions...>`: write a revision that merges the given revisions. */
export function mergeCommand({ program, out, open, json, outJson }: CommandContext): void {
  program
    .command('merge')
    .description('write a revision that merges the given revisions')
    .argument('<revisions...>', "revisions to merge, or 'heads'")
    .option('-m, --message <message>', 'message')
    .option('--branch-label <label>', 'branch label for the merge revision')
    .option('--rev-id <id>', 'revision id to use instead of a random one')
    .option('--splice', 'allow revisions that are not heads')
    .action(async (revisions: string[], flags: MergeFlags) => {
      const retort = await open()
      const result = await retort.merge({ revisions, ...flags })
      if (json()) return outJson(result)
      for (const a of result.actions) out(actionLine(a))
    })
}
