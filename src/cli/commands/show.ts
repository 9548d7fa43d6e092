import { formatShowBlock } from '../format.js'
import { revisionJson } from '../json.js'
import type { CommandContext } from '../program.js'

/** `retort show <revision>`: the revisions an identifier names. */
export function showCommand({ program, outRevisions, open, json, outJson }: CommandContext): void {
  program
    .command('show')
    .description('show the revisions an identifier names')
    .argument('<revision>', 'identifier, e.g. a partial id, a label, heads, current')
    .action(async (name: string) => {
      const retort = await open()
      const revisions = await retort.show(name)
      if (json()) return outJson({ revisions: revisions.map((r) => revisionJson(r)) })
      outRevisions(revisions.map((rev) => formatShowBlock(rev)).join(''), retort)
    })
}
