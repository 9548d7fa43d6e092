import type { TableFilter } from './model.js'

/** A `*` pattern as a whole-name regular expression (everything else literal). */
function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`)
}

/**
 * Whether a table name passes the `include`/`exclude` filter (schema.md,
 * Alembic's `include_name`): kept when `include` is empty or one of its
 * patterns matches, and no `exclude` pattern matches. `*` matches any run of
 * characters; names compare case-sensitively.
 */
export function matchesFilter(name: string, filter: TableFilter | undefined): boolean {
  if (filter === undefined) return true
  const test = (patterns: readonly string[]) => patterns.some((p) => patternRegExp(p).test(name))
  if (filter.include !== undefined && filter.include.length > 0 && !test(filter.include))
    return false
  return !(filter.exclude !== undefined && test(filter.exclude))
}

/** The patterns of `filter` that match none of `names` (for a warning). */
export function unmatchedPatterns(
  names: readonly string[],
  filter: TableFilter | undefined,
): string[] {
  if (filter === undefined) return []
  return [...(filter.include ?? []), ...(filter.exclude ?? [])].filter(
    (p) => !names.some((n) => patternRegExp(p).test(n)),
  )
}
