import { formatHeadLine, formatShowBlock } from '../format.js'
import { revisionJson } from '../json.js'
import type { CommandContext } from '../program.js'

/** `retort heads`: the head revisions. */
export function headsCommand({ program, outRevisions, open, json, outJson }: CommandContext): void {
  program
    .command('heads')
    .description('show the head revisions')
    .option('-v, --verbose', 'full blocks')
    .option('--resolve-dependencies', 'leave out heads that other revisions depend on')
    .action(async (flags: { verbose?: boolean; resolveDependencies?: boolean }) => {
      const retort = await open()
      const heads = retort.heads(flags)
      if (json()) return outJson({ heads: heads.map((r) => revisionJson(r)) })
      let text = ''
      for (const rev of heads) text += flags.verbose ? formatShowBlock(rev) : formatHeadLine(rev)
      outRevisions(text, retort)
    })
}
