/**
 * The rules for revision ids and branch labels (behavior.md a.1, a.5), in
 * one place for every caller: the graph reader, `revision` and `merge`
 * (`--rev-id`, `--branch-label`). Each check returns what is wrong, or
 * undefined for a valid name; callers add where the name came from.
 */

/** Names with a meaning of their own wherever a revision is named (behavior.md b.3, b.5). */
export const RESERVED_NAMES: readonly string[] = ['head', 'heads', 'base', 'current']

/** Longest revision id: the version table's `version_num` column holds 32 characters (as Alembic's). */
export const MAX_REVISION_ID_LENGTH = 32

/**
 * Identifier syntax (`@ - + :`), then what would make a name unusable on a
 * command line or as part of a file name: whitespace, control characters
 * and path separators.
 */
const ID_FORBIDDEN = /[@\-+:\s/\\\p{Cc}]/gu
/** Labels may contain `-` (Alembic accepts it; real histories use it), not the rest of the syntax. */
const LABEL_FORBIDDEN = /[@+:\s\p{Cc}]/gu
/** `feat-2` would read as "two below feat" (behavior.md b.4). */
const RELATIVE_TAIL = /-\d+$/

function shown(chars: readonly string[]): string {
  // Whitespace and control characters as escapes ('\t'), a space as it is.
  return chars
    .map((c) => `'${c !== ' ' && /[\s\p{Cc}]/u.test(c) ? JSON.stringify(c).slice(1, -1) : c}'`)
    .join(', ')
}

function forbidden(name: string, pattern: RegExp): string[] {
  return [...new Set(name.match(pattern) ?? [])]
}

/**
 * What is wrong with a revision id, or undefined when it is valid.
 * `where` follows the quoted id in the message, e.g. ` (versions/x.ts)`.
 *
 * @example
 * revisionIdProblem('aa-aa') // "Character(s) '-' not allowed in revision identifier 'aa-aa'; ..."
 */
export function revisionIdProblem(id: string, where = ''): string | undefined {
  if (id.length === 0) return `Empty revision identifier${where}; give the revision an id`
  const bad = forbidden(id, ID_FORBIDDEN)
  if (bad.length > 0) {
    return (
      `Character(s) ${shown(bad)} not allowed in revision identifier '${id}'${where}; ` +
      `ids may not contain @ - + : / \\ or whitespace`
    )
  }
  if (RESERVED_NAMES.includes(id)) {
    return (
      `Revision identifier '${id}'${where} is a reserved word (${RESERVED_NAMES.join(', ')}); ` +
      `choose another id`
    )
  }
  if (id.length > MAX_REVISION_ID_LENGTH) {
    return (
      `Revision identifier '${id}'${where} is ${id.length} characters long; the version table holds ` +
      `at most ${MAX_REVISION_ID_LENGTH}: choose a shorter id`
    )
  }
  return undefined
}

/**
 * What is wrong with a branch label, or undefined when it is valid
 * (behavior.md a.5: not empty, no `@ : +` or whitespace, no trailing
 * `-<digits>`, not a reserved word; a `-` elsewhere is fine).
 *
 * @example
 * branchLabelProblem('geonature-samples') // undefined
 * branchLabelProblem('feat-2') // "Branch name 'feat-2' is not allowed: ..."
 */
export function branchLabelProblem(label: string, where = ''): string | undefined {
  const refuse = (why: string): string => `Branch name '${label}'${where} is not allowed: ${why}`
  if (label.length === 0) return refuse('a label may not be empty')
  const bad = forbidden(label, LABEL_FORBIDDEN)
  if (bad.length > 0) {
    return refuse(`it contains ${shown(bad)}; labels may not contain @ : + or whitespace`)
  }
  const tail = RELATIVE_TAIL.exec(label)
  if (tail) {
    return refuse(
      `it ends in '${tail[0]}', which reads as a relative step ('${label}' would mean ` +
        `${tail[0].slice(1)} below '${label.slice(0, tail.index)}'); rename it, e.g. ` +
        `'${label.slice(0, tail.index)}_${tail[0].slice(1)}'`,
    )
  }
  if (RESERVED_NAMES.includes(label)) {
    return refuse(`'${label}' is a reserved word (${RESERVED_NAMES.join(', ')})`)
  }
  return undefined
}
