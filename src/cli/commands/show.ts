import { formatShowBlock } from '../format.js'
import type { CommandContext } from '../program.js'

/** `retort show <revision>`: the revisions an identifier names. */
export function showCommand({ program, out, open }: CommandContext): void {
  program
    .command('show')
    .description('show the revisions an identifier names')
    .argument('<revision>', 'identifier, e.g. a partial id, a label, heads, current')
    .action(async (name: string) => {
      const retort = await open()
      for (const rev of await retort.show(name)) out(formatShowBlock(rev))
    })
}
