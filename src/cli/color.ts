/**
 * Colour on a terminal, never in a pipe: the decision (NO_COLOR, FORCE_COLOR,
 * isTTY) and the painting of revision ids and markers in output that is
 * already formatted, so that piped output stays byte for byte what the
 * formatters return.
 */

/** Whether a stream gets colour: NO_COLOR wins, then FORCE_COLOR (`0` or `false` turn it off), then isTTY. */
export function useColor(
  isTTY: boolean,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  return isTTY && env.TERM !== 'dumb'
}

const sgr =
  (open: string, close: string) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`

/** The styles Retort uses; each is the identity when colour is off. */
export interface Painter {
  readonly enabled: boolean
  readonly id: (text: string) => string
  readonly head: (text: string) => string
  readonly current: (text: string) => string
  readonly failed: (text: string) => string
  readonly dim: (text: string) => string
  readonly warn: (text: string) => string
}

const plain = (text: string): string => text

export function painter(enabled: boolean): Painter {
  if (!enabled) {
    return {
      enabled,
      id: plain,
      head: plain,
      current: plain,
      failed: plain,
      dim: plain,
      warn: plain,
    }
  }
  return {
    enabled,
    id: sgr('33', '39'),
    head: sgr('1;32', '22;39'),
    current: sgr('1;36', '22;39'),
    failed: sgr('1;31', '22;39'),
    dim: sgr('2', '22'),
    warn: sgr('33', '39'),
  }
}

/** Keys of the `show` block whose values name revisions. */
const BLOCK_KEYS = /^(Rev|Parent|Merges|Also depends on|Branches into|Branch names|Path): /

/**
 * Paint formatted output (history, heads, branches, current, show, status,
 * the graph): known revision ids, `(head)`, `(effective head)` and
 * `(current)`. Messages and docs are left as written.
 */
export function paintRevisionText(text: string, ids: ReadonlySet<string>, paint: Painter): string {
  if (!paint.enabled) return text
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('    ') || line.startsWith('Path: ')) return line
      let end = line.length
      if (!BLOCK_KEYS.test(line)) {
        const arrow = line.indexOf(' -> ')
        const comma = line.indexOf(', ', arrow < 0 ? 0 : arrow + 4)
        if (comma >= 0) end = comma
      }
      const head = line
        .slice(0, end)
        .replace(/[A-Za-z0-9_]+/g, (word) => (ids.has(word) ? paint.id(word) : word))
        .replace(/\((effective head|head)\)/g, (m) => paint.head(m))
        .replace(/\(current\)/g, (m) => paint.current(m))
      return head + line.slice(end)
    })
    .join('\n')
}
