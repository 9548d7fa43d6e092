/**
 * One revision as read from its file, before the graph is built: plain data,
 * identifiers exactly as written (`downRevisions` empty for a base).
 */
export interface RevisionRecord {
  readonly revision: string
  readonly downRevisions: readonly string[]
  readonly branchLabels: readonly string[]
  readonly dependsOn: readonly string[]
  /** The whole doc comment, trimmed. */
  readonly doc: string
  /** Path of the file, as shown by `show` (relative to the project when possible). */
  readonly path: string
  /** The version location (folder) the file was found in. */
  readonly versionLocation: string
}

/** The message printed in one-line formats: the doc's first paragraph. */
export function messageOf(doc: string): string {
  const blank = /\n[ \t]*\n/.exec(doc)
  return blank ? doc.slice(0, blank.index) : doc
}
