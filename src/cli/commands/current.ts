import { formatCurrentLine, formatShowBlock } from '../format.js'
import { revisionJson } from '../json.js'
import type { CommandContext } from '../program.js'

/** `retort current`: the revisions the database is at. */
export function currentCommand({
  program,
  outRevisions,
  open,
  json,
  outJson,
}: CommandContext): void {
  program
    .command('current')
    .description('show the revisions the database is at')
    .option('-v, --verbose', 'full blocks')
    .option('--check-heads', 'fail unless the database is at every head')
    .action(async (flags: { verbose?: boolean; checkHeads?: boolean }) => {
      const retort = await open()
      const revs = await retort.current({ logDatabase: Boolean(flags.verbose) })
      if (!json()) {
        let text = flags.verbose ? `Current revision(s) for ${retort.maskedUrl()}:\n` : ''
        for (const rev of revs)
          text += flags.verbose ? formatShowBlock(rev) : formatCurrentLine(rev)
        outRevisions(text, retort)
      }
      if (flags.checkHeads) await retort.checkHeads()
      // After the check: a failing check prints only the error document.
      if (json()) outJson({ url: retort.maskedUrl(), current: revs.map((r) => revisionJson(r)) })
    })
}
