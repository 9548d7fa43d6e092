import type { Revision } from './revision-map.js'

/**
 * The revision graph as the public API shows it: revisions and the
 * questions about them, without the integer-index arrays the traversal
 * works on internally.
 */
export interface RevisionGraph {
  /** Every revision, in the order the version locations were read. */
  readonly revisions: readonly Revision[]
  /** Every head, effective heads (only depended on) included. */
  readonly heads: readonly Revision[]
  /** Heads that no other revision depends on. */
  readonly realHeads: readonly Revision[]
  readonly bases: readonly Revision[]
  readonly size: number
  /** The revision with this full id. */
  byRevisionId(id: string): Revision | undefined
  /** The revision a full id or branch label names. */
  byName(name: string): Revision | undefined
}
