import { formatHistoryLine, formatShowBlock } from '../format.js'
import type { CommandContext } from '../program.js'

/** `retort history`: revisions of a range, newest first. */
export function historyCommand({ program, out, open }: CommandContext): void {
  program
    .command('history')
    .description('list revisions, newest first')
    .option('-r, --rev-range <range>', 'START:END, START: or :END')
    .option('-v, --verbose', 'full blocks')
    .option('-i, --indicate-current', 'mark the revisions of the version table')
    .action(async (flags: { revRange?: string; verbose?: boolean; indicateCurrent?: boolean }) => {
      const retort = await open()
      const range = flags.revRange?.replace(/^=/, '')
      const entries = await retort.history({ range, indicateCurrent: flags.indicateCurrent })
      let text = ''
      for (const e of entries) {
        text += flags.verbose
          ? formatShowBlock(e.revision, e.isCurrent)
          : formatHistoryLine(e.revision, e.isCurrent)
      }
      out(text)
    })
}
