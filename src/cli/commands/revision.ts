import type { CommandContext } from '../program.js'
import { actionLine, collect } from '../program.js'

interface RevisionFlags {
  message?: string
  head: string
  splice?: boolean
  branchLabel?: string
  versionPath?: string
  dependsOn?: string[]
  revId?: string
  autogenerate?: boolean
}

/** `retort revision`: write a new revision file. */
export function revisionCommand({ program, out, open, json, outJson }: CommandContext): void {
  program
    .command('revision')
    .description('write a new revision file')
    .option('-m, --message <message>', 'message (first line of the doc, file slug)')
    .option('--head <rev>', "parent: a head, 'base' for a new base, 'heads' to merge all", 'head')
    .option('--splice', 'allow a parent that is not a head (start a new branch)')
    .option('--branch-label <label>', 'branch label for the new revision')
    .option('--version-path <dir>', 'version location to write the file in')
    .option('--depends-on <rev>', 'revision that must be applied first; repeatable', collect)
    .option('--rev-id <id>', 'revision id to use instead of a random one')
    .option('--autogenerate', 'write the difference between the database and the declared schema')
    .action(async (flags: RevisionFlags) => {
      const retort = await open()
      const result = await retort.revision(flags)
      if (json()) return outJson(result)
      for (const a of result.actions) out(actionLine(a))
    })
}
