/** The two sides of a `start:end` range, as written (either may be empty). */
export interface RevisionRange {
  readonly start: string
  readonly end: string
}

/**
 * Take `start:end` apart at its first colon; undefined when there is none.
 * The one range parser: `history -r`, `upgrade/downgrade --sql` and
 * `stamp --sql` all read their ranges here.
 */
export function splitRange(text: string): RevisionRange | undefined {
  const colon = text.indexOf(':')
  if (colon < 0) return undefined
  return { start: text.slice(0, colon), end: text.slice(colon + 1) }
}
