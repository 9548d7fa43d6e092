import type { ScriptSyntax } from './introspect.js'

/** One statement of a SQL file and the line it starts on (1-based). */
export interface ScriptStatement {
  readonly sql: string
  readonly line: number
}

/**
 * Split SQL text into statements at top-level `;`, skipping what is inside
 * strings, quoted identifiers and comments. Statements that hold only
 * comments are dropped. `line` is where each statement's first token is.
 */
export function splitStatements(text: string, syntax: ScriptSyntax): ScriptStatement[] {
  const out: ScriptStatement[] = []
  let start = -1
  let i = 0
  const flush = (end: number) => {
    if (start >= 0) {
      const body = text.slice(start, end).trim()
      if (body !== '') out.push({ sql: body, line: lineAt(text, start) })
    }
    start = -1
  }
  while (i < text.length) {
    const ch = text[i]!
    const next = text[i + 1]
    if (/\s/.test(ch)) {
      i++
      continue
    }
    if (ch === '-' && next === '-') {
      i = endOfLine(text, i)
      continue
    }
    if (ch === '#' && syntax.hashComments) {
      i = endOfLine(text, i)
      continue
    }
    if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 2
      continue
    }
    if (ch === ';') {
      flush(i)
      i++
      continue
    }
    if (start < 0) start = i
    if (ch === "'" || ch === '"' || ch === '`') {
      i = endOfQuote(text, i, ch, syntax.backslashEscapes && ch !== '`')
      continue
    }
    if (ch === '$' && syntax.dollarQuotes) {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))
      if (tag) {
        const end = text.indexOf(tag[0], i + tag[0].length)
        i = end < 0 ? text.length : end + tag[0].length
        continue
      }
    }
    i++
  }
  flush(text.length)
  return out
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  for (let k = 0; k < offset && k < text.length; k++) if (text[k] === '\n') line++
  return line
}

function endOfLine(text: string, i: number): number {
  const end = text.indexOf('\n', i)
  return end < 0 ? text.length : end + 1
}

function endOfQuote(text: string, i: number, quote: string, backslash: boolean): number {
  let k = i + 1
  while (k < text.length) {
    const ch = text[k]!
    if (backslash && ch === '\\') k += 2
    else if (ch === quote && text[k + 1] === quote) k += 2
    else if (ch === quote) return k + 1
    else k++
  }
  return k
}
