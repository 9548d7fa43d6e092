import type { HistoryEntry, Retort } from '../api/retort.js'
import { dotGraph, drawGraph, mermaidGraph } from '../graph/draw.js'
import { paintRevisionText, type Painter } from './color.js'

/** `history --graph` in the chosen format; the terminal drawing is painted like other output. */
export function historyGraph(
  entries: readonly HistoryEntry[],
  format: string,
  retort: Retort,
  paint: Painter,
): string {
  const revisions = entries.map((e) => e.revision)
  if (format === 'mermaid') return mermaidGraph(revisions)
  if (format === 'dot') return dotGraph(revisions)
  const current = new Set(entries.filter((e) => e.isCurrent).map((e) => e.revision.id))
  const text = drawGraph(revisions, { current })
    .map((l) => l + '\n')
    .join('')
  if (!paint.enabled) return text
  return paintRevisionText(text, new Set(retort.graph().revisions.map((r) => r.id)), paint)
}
