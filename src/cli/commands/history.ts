import { Option } from 'commander'
import { UsageError } from '../../errors.js'
import { formatHistoryLine, formatShowBlock } from '../format.js'
import { historyGraph } from '../history-graph.js'
import { historyJson } from '../json.js'
import type { CommandContext } from '../program.js'

interface HistoryFlags {
  revRange?: string
  verbose?: boolean
  indicateCurrent?: boolean
  graph?: boolean
  format: string
}

/** `retort history`: revisions of a range, newest first; `--graph` draws them. */
export function historyCommand({
  program,
  out,
  outRevisions,
  outPaint,
  open,
  json,
  outJson,
}: CommandContext): void {
  program
    .command('history')
    .description('list revisions, newest first')
    .option('-r, --rev-range <range>', 'START:END, START: or :END')
    .option('-v, --verbose', 'full blocks')
    .option('-i, --indicate-current', 'mark the revisions of the version table')
    .option('-g, --graph', 'draw the graph, like git log --graph')
    .addOption(
      new Option('--format <format>', 'with --graph: text for the terminal, mermaid or dot')
        .choices(['text', 'mermaid', 'dot'])
        .default('text'),
    )
    .action(async (flags: HistoryFlags) => {
      const retort = await open()
      const range = flags.revRange?.replace(/^=/, '')
      const entries = await retort.history({ range, indicateCurrent: flags.indicateCurrent })
      if (json()) return outJson(historyJson(entries, Boolean(flags.indicateCurrent)))
      if (flags.format !== 'text' && !flags.graph) {
        throw new UsageError(`--format ${flags.format} draws the graph; add --graph`)
      }
      if (flags.graph) return out(historyGraph(entries, flags.format, retort, outPaint))
      let text = ''
      for (const e of entries) {
        text += flags.verbose
          ? formatShowBlock(e.revision, e.isCurrent)
          : formatHistoryLine(e.revision, e.isCurrent)
      }
      outRevisions(text, retort)
    })
}
