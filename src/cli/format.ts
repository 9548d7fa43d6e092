import type { Revision } from '../graph/revision-map.js'

/** Pure formatters for the spec's output formats (behavior.md d). Each returns text with its trailing newline. */

const labels = (rev: Revision): string =>
  rev.branchLabels.length ? ` (${rev.branchLabels.join(', ')})` : ''

const headMarker = (rev: Revision): string =>
  rev.isHead ? (rev.isEffectiveHead ? ' (effective head)' : ' (head)') : ''

const shapeMarkers = (rev: Revision): string =>
  (rev.isBranchPoint ? ' (branchpoint)' : '') + (rev.isMergePoint ? ' (mergepoint)' : '')

/** `history` line: `<parents>[ (<deps>)] -> <id>[ (<labels>)][ markers], <message>`. */
export function formatHistoryLine(rev: Revision, isCurrent = false): string {
  const parents = rev.downRevisions.length ? rev.downRevisions.join(', ') : '<base>'
  const deps = rev.dependsOn.length ? ` (${rev.dependsOn.join(', ')})` : ''
  return (
    `${parents}${deps} -> ${rev.id}${labels(rev)}${headMarker(rev)}${isCurrent ? ' (current)' : ''}` +
    `${shapeMarkers(rev)}, ${rev.message}\n`
  )
}

/** `heads` line: `<id>[ (<labels>)] (head)` or `(effective head)`. */
export function formatHeadLine(rev: Revision): string {
  return `${rev.id}${labels(rev)}${headMarker(rev)}\n`
}

/** `current` line: no labels. */
export function formatCurrentLine(rev: Revision): string {
  return `${rev.id}${headMarker(rev)}${shapeMarkers(rev)}\n`
}

/** The `show` / `-v` block, ending with a blank line. */
export function formatShowBlock(rev: Revision, isCurrent = false): string {
  const lines = [
    `Rev: ${rev.id}${rev.isHead ? ' (head)' : ''}${shapeMarkers(rev)}${isCurrent ? ' (current)' : ''}`,
    rev.isMergePoint
      ? `Merges: ${rev.downRevisions.join(', ')}`
      : `Parent: ${rev.downRevisions[0] ?? '<base>'}`,
  ]
  if (rev.dependsOn.length) lines.push(`Also depends on: ${rev.dependsOn.join(', ')}`)
  if (rev.isBranchPoint) lines.push(`Branches into: ${rev.children.map((c) => c.id).join(', ')}`)
  if (rev.branchLabels.length) lines.push(`Branch names: ${rev.branchLabels.join(', ')}`)
  lines.push(`Path: ${rev.path}`, '')
  for (const line of rev.doc.split('\n')) lines.push(`    ${line}`)
  lines.push('', '')
  return lines.join('\n')
}

/** One `branches` group: the branch point, its children, a blank line. */
export function formatBranchGroup(rev: Revision, verbose: boolean): string {
  const pad = ' '.repeat(rev.id.length)
  const head = verbose
    ? formatShowBlock(rev)
    : `${rev.id}${labels(rev)}${headMarker(rev)}${shapeMarkers(rev)}\n`
  const kids = rev.children.map(
    (c) =>
      `${pad} -> ${c.id}${labels(c)}${headMarker(c)}${shapeMarkers(c)}${verbose ? `, ${c.message}` : ''}\n`,
  )
  return head + kids.join('') + '\n'
}
