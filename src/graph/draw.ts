import type { Revision } from './revision-map.js'

/**
 * Pictures of the revision graph for `history --graph`: a terminal drawing
 * in the manner of `git log --graph`, and Mermaid and Graphviz DOT sources.
 * Pure functions from revisions (in history order, newest first) to text.
 */

/** What the drawings need to know besides the revisions themselves. */
export interface DrawOptions {
  /** Ids of the version table's rows, marked `(current)`. */
  readonly current?: ReadonlySet<string>
}

/**
 * One line per revision, newest first. Each down-revision edge inside the
 * list is a lane (a column two characters wide):
 *
 * - `*` the revision, on the lane that reached it;
 * - `|` a lane passing by, waiting for an older revision;
 * - `'` a lane that ends here: this revision is a branch point and the lane
 *   came from one of its other children;
 * - `.` a lane that starts here: this revision is a merge point and the lane
 *   leads to one of its other parents;
 * - `-` joins those marks to the `*` on the same line.
 *
 * A revision whose lane stops (a base, or a parent outside the range) leaves
 * its column blank below it. Dependencies (`dependsOn`) are not lanes: each
 * is written after the revision as `[depends on x]`, so they never read as
 * down revisions.
 *
 * @example
 * drawGraph(historyRange(map, undefined)).join('\n')
 */
export function drawGraph(revisions: readonly Revision[], options: DrawOptions = {}): string[] {
  const inList = new Set(revisions.map((r) => r.id))
  /** lanes[c]: the id the lane waits for, or undefined when the column is free. */
  const lanes: (string | undefined)[] = []
  const lines: string[] = []
  // Columns whose lane stopped on the line above: a new lane there would read as its continuation.
  let stopped = new Set<number>()
  for (const rev of revisions) {
    const arriving: number[] = []
    lanes.forEach((want, c) => {
      if (want === rev.id) arriving.push(c)
    })
    const free = (exclude: ReadonlySet<number>): number => {
      let c = 0
      while (lanes[c] !== undefined || exclude.has(c)) c++
      return c
    }
    const own = arriving.length ? arriving[0]! : free(stopped)
    const closing = arriving.slice(1)
    for (const c of arriving) lanes[c] = undefined
    const parents = rev.downRevisions.filter((p) => inList.has(p))
    const opening: number[] = []
    stopped = new Set(closing)
    if (!parents.length) stopped.add(own)
    else {
      lanes[own] = parents[0]
      const busy = new Set([own, ...closing])
      for (const p of parents.slice(1)) {
        const c = free(busy)
        lanes[c] = p
        busy.add(c)
        opening.push(c)
      }
    }
    lines.push(renderRow(lanes, own, closing, opening) + '  ' + describe(rev, options))
    while (lanes.length && lanes[lanes.length - 1] === undefined) lanes.pop()
  }
  return lines
}

/** The graph part of one line: marks on lanes, dashes joining them to the node. */
function renderRow(
  lanes: readonly (string | undefined)[],
  own: number,
  closing: readonly number[],
  opening: readonly number[],
): string {
  const width = Math.max(lanes.length, own + 1, ...closing.map((c) => c + 1))
  const cells: string[] = []
  for (let c = 0; c < width; c++) cells.push(lanes[c] === undefined ? ' ' : '|')
  const marks = [own, ...closing, ...opening]
  const lo = Math.min(...marks)
  const hi = Math.max(...marks)
  const out: string[] = []
  for (let c = 0; c < width; c++) {
    let cell = cells[c]!
    if (c === own) cell = '*'
    else if (closing.includes(c)) cell = "'"
    else if (opening.includes(c)) cell = '.'
    else if (c > lo && c < hi && cell === ' ') cell = '-'
    out.push(cell)
    if (c < width - 1) out.push(c >= lo && c < hi ? '-' : ' ')
  }
  return out.join('')
}

/** The text after the drawing: id, labels, markers, message, dependencies. */
function describe(rev: Revision, options: DrawOptions): string {
  const parts = [rev.id]
  if (rev.branchLabels.length) parts.push(`(${rev.branchLabels.join(', ')})`)
  if (rev.isHead) parts.push(rev.isEffectiveHead ? '(effective head)' : '(head)')
  if (options.current?.has(rev.id)) parts.push('(current)')
  if (rev.isBase) parts.push('(base)')
  if (rev.isBranchPoint) parts.push('(branchpoint)')
  if (rev.isMergePoint) parts.push('(mergepoint)')
  let text = parts.join(' ')
  if (rev.message) text += `, ${rev.message}`
  if (rev.dependsOn.length) text += `  [depends on ${rev.dependsOn.join(', ')}]`
  return text
}

/** Characters Mermaid and DOT take inside a quoted label. */
const quoted = (text: string): string => text.replace(/["\\]/g, (c) => (c === '"' ? "'" : '/'))

/** Node ids: revision ids may hold characters (dots) a Mermaid id may not. */
const nodeId = (id: string): string => `r_${id.replace(/[^A-Za-z0-9_]/g, '_')}`

const nodeLabel = (rev: Revision): string => {
  const labels = rev.branchLabels.length ? ` (${rev.branchLabels.join(', ')})` : ''
  return quoted(`${rev.id}${labels}${rev.message ? `: ${rev.message}` : ''}`)
}

/**
 * A Mermaid flowchart, oldest at the top: solid arrows for down revisions,
 * dotted arrows labelled `depends on` for dependencies, heads in bold.
 */
export function mermaidGraph(revisions: readonly Revision[]): string {
  const names = namesOf(revisions)
  const oldestFirst = [...revisions].reverse()
  const lines = ['flowchart BT']
  for (const rev of oldestFirst) lines.push(`  ${nodeId(rev.id)}["${nodeLabel(rev)}"]`)
  for (const rev of oldestFirst) {
    for (const p of rev.downRevisions)
      if (names.get(p) === p) lines.push(`  ${nodeId(rev.id)} --> ${nodeId(p)}`)
    for (const d of dependencyIds(rev, names))
      lines.push(`  ${nodeId(rev.id)} -. depends on .-> ${nodeId(d)}`)
  }
  const heads = oldestFirst.filter((r) => r.isHead).map((r) => nodeId(r.id))
  if (heads.length) {
    lines.push('  classDef head stroke-width:3px')
    lines.push(`  class ${heads.join(',')} head`)
  }
  return lines.join('\n') + '\n'
}

/**
 * A Graphviz DOT digraph, oldest at the bottom: solid edges for down
 * revisions, dashed edges labelled `depends on` for dependencies.
 */
export function dotGraph(revisions: readonly Revision[]): string {
  const names = namesOf(revisions)
  const oldestFirst = [...revisions].reverse()
  const lines = ['digraph revisions {', '  rankdir=BT;', '  node [shape=box];']
  for (const rev of oldestFirst) {
    const style = rev.isHead ? ', style=bold' : ''
    lines.push(`  "${quoted(rev.id)}" [label="${nodeLabel(rev)}"${style}];`)
  }
  for (const rev of oldestFirst) {
    for (const p of rev.downRevisions)
      if (names.get(p) === p) lines.push(`  "${quoted(rev.id)}" -> "${quoted(p)}";`)
    for (const d of dependencyIds(rev, names))
      lines.push(`  "${quoted(rev.id)}" -> "${quoted(d)}" [style=dashed, label="depends on"];`)
  }
  lines.push('}')
  return lines.join('\n') + '\n'
}

/** Dependencies of `rev` that are in the list, as revision ids (a label names the revision declaring it). */
function dependencyIds(rev: Revision, names: ReadonlyMap<string, string>): string[] {
  const out: string[] = []
  for (const dep of rev.dependsOn) {
    const target = names.get(dep)
    if (target !== undefined && !out.includes(target)) out.push(target)
  }
  return out
}

/** Ids and declared labels of the listed revisions, to their revision ids. */
function namesOf(revisions: readonly Revision[]): Map<string, string> {
  const names = new Map<string, string>()
  for (const r of revisions) {
    names.set(r.id, r.id)
    for (const l of r.declaredLabels) names.set(l, r.id)
  }
  return names
}
