import { ResolutionError } from '../errors.js'

/**
 * Refuse identifiers with an empty part before anything is resolved: an
 * empty string (an unset shell variable), or `@` with nothing on one side.
 * Partial-id matching would otherwise take `''` as a prefix of every id and
 * quietly pick the only revision there is.
 *
 * @throws ResolutionError naming the identifier as written
 */
export function checkIdentifier(name: string): void {
  if (name.trim() === '') {
    throw new ResolutionError(
      `empty revision identifier '${name}'; name a revision, e.g. 'heads', 'base' or an id ` +
        `(is a shell variable unset?)`,
      name,
    )
  }
  const at = name.indexOf('@')
  if (at < 0) return
  if (name.slice(0, at).trim() === '') {
    throw new ResolutionError(
      `'${name}': nothing before '@'; write '<branch label or revision>@${name.slice(at + 1)}'` +
        (name.slice(at + 1) === 'head' ? ", or 'head' alone" : ''),
      name,
    )
  }
  if (name.slice(at + 1).trim() === '') {
    throw new ResolutionError(
      `'${name}': nothing after '@'; write e.g. '${name}head' or '${name}base'`,
      name,
    )
  }
}

/**
 * {@link checkIdentifier} for `START:END` ranges (`history -r`, `--sql`):
 * either side may be left out, but not both, and a side given must be valid.
 */
export function checkRange(range: string): void {
  const colon = range.indexOf(':')
  if (colon < 0) return checkIdentifier(range)
  const start = range.slice(0, colon)
  const end = range.slice(colon + 1)
  if (start === '' && end === '') return
  if (start !== '') checkIdentifier(start)
  if (end !== '') checkIdentifier(end)
}
