import type { StatusResult } from '../api/status.js'
import { stepText } from '../graph/step.js'

/**
 * The text of `status`: the database, each branch head with where the
 * database stands on it, the steps `upgrade heads` would run, and branches
 * with more than one head.
 *
 * @example
 * Database: sqlite:retort.db
 * Branches:
 *   d1d1 (feature) (head): at c1c1, 1 pending
 *   d2d2 (head): at d2d2, up to date
 * Pending (upgrade heads would run 1 step):
 *   Running upgrade c1c1 -> d1d1, add index
 */
export function formatStatus(status: StatusResult, url: string): string {
  const lines = [`Database: ${url}`]
  if (status.branches.length === 0) lines.push('Branches: none (the history has no revisions)')
  else lines.push('Branches:')
  for (const b of status.branches) {
    const labels = b.head.branchLabels.length ? ` (${b.head.branchLabels.join(', ')})` : ''
    const marker = b.head.isEffectiveHead ? '(effective head)' : '(head)'
    const at = b.current.length ? `at ${b.current.map((r) => r.id).join(', ')}` : 'nothing applied'
    const pending = b.pending === 0 ? 'up to date' : `${b.pending} pending`
    lines.push(`  ${b.head.id}${labels} ${marker}: ${at}, ${pending}`)
  }
  const n = status.pending.length
  if (n === 0) lines.push('Up to date: upgrade heads has nothing to run')
  else {
    lines.push(`Pending (upgrade heads would run ${n} step${n === 1 ? '' : 's'}):`)
    for (const step of status.pending)
      lines.push(`  ${stepText(step)}${step.message ? `, ${step.message}` : ''}`)
  }
  for (const g of status.extraHeads) {
    const where = g.branchLabels.length
      ? `branch '${g.branchLabels.join(', ')}'`
      : 'the unlabelled line'
    lines.push(
      `More heads than branches: ${where} has ${g.heads.length} heads (${g.heads.map((h) => h.id).join(', ')}); ` +
        `merge them with 'retort merge ${g.heads.map((h) => h.id).join(' ')}'`,
    )
  }
  return lines.join('\n') + '\n'
}
