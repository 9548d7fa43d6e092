import { ScriptError } from '../errors.js'

/** The identifier exports and doc comment of one revision file, read without running it. */
export interface ParsedRevision {
  revision: string
  /** Empty for a base; one entry for an ordinary revision; several for a merge point. */
  downRevisions: string[]
  branchLabels: string[]
  dependsOn: string[]
  /** The leading doc comment without its ` * ` prefixes, trimmed at both ends. */
  doc: string
}

type ExportName = 'revision' | 'downRevision' | 'branchLabels' | 'dependsOn'

const EXPORT_NAMES: ReadonlySet<string> = new Set<ExportName>([
  'revision',
  'downRevision',
  'branchLabels',
  'dependsOn',
])

/** How the error message tells the user to write each export. */
const EXAMPLES: Record<ExportName, string> = {
  revision: "write the revision id literally, e.g. export const revision = 'ae1027a6acf'",
  downRevision: "write the revision id literally, e.g. export const downRevision = 'ae1027a6acf'",
  branchLabels: "write the labels literally, e.g. export const branchLabels = ['shoppingcart']",
  dependsOn:
    "write the revision ids or labels literally, e.g. export const dependsOn = ['ae1027a6acf']",
}

// Character codes used by the scanner.
const TAB = 9
const LF = 10
const VT = 11
const FF = 12
const CR = 13
const SPACE = 32
const BANG = 33
const DQUOTE = 34
const HASH = 35
const DOLLAR = 36
const SQUOTE = 39
const LPAREN = 40
const RPAREN = 41
const STAR = 42
const COMMA = 44
const DOT = 46
const SLASH = 47
const SEMI = 59
const EQUALS = 61
const GT = 62
const LBRACKET = 91
const BACKSLASH = 92
const RBRACKET = 93
const UNDERSCORE = 95
const BACKTICK = 96
const LBRACE = 123
const RBRACE = 125

/** Words that start a statement: a type annotation does not run on into them. */
const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'export',
  'import',
  'const',
  'let',
  'var',
  'function',
  'async',
  'class',
  'interface',
  'type',
  'declare',
  'enum',
  'namespace',
  'module',
  'abstract',
  'if',
  'for',
  'while',
  'return',
])

/** Words after which a `/` starts a regular expression rather than a division. */
const KEYWORDS_BEFORE_EXPRESSION: ReadonlySet<string> = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
  'instanceof',
  'extends',
])

// Sticky/global regexes used to jump over text in native code (the scanner is not re-entrant).
const NEXT_SIGNIFICANT = /["'`/]|export/g
const NEXT_SIGNIFICANT_OR_BRACE = /["'`/{}]|export/g
const SINGLE_QUOTED_BODY = /(?:[^'\\\n\r]|\\(?:\r\n|[\s\S]))*'/y
const DOUBLE_QUOTED_BODY = /(?:[^"\\\n\r]|\\(?:\r\n|[\s\S]))*"/y
const TYPE_STOP = /[=;'"`/{([\n]/g
/**
 * After `export`: `const NAME[: simple type] = 'id' | "id" | null [as const][;]` alone on its
 * line. Groups: name, single-quoted text, double-quoted text. Escapes take the general path.
 */
const SIMPLE_DECLARATION =
  /[ \t]+(?:const|let|var)[ \t]+(revision|downRevision|branchLabels|dependsOn)[ \t]*(?::[^=;'"`/{}()\r\n]*)?=[ \t]*(?:'([^'\\\r\n]*)'|"([^"\\\r\n]*)"|null)[ \t]*(?:as[ \t]+const[ \t]*)?;?[ \t]*(?=\r?\n|$)/y
/** After `export`: a declaration of some other name, or a form that cannot declare one of the four. */
const OTHER_EXPORT =
  /\s+(?:(?:declare\s+)?(?:async\s+)?(?:const|let|var|function\s*\*?|class|enum)\s+(?!(?:revision|downRevision|branchLabels|dependsOn)(?![\w$]))[\w$]|(?:default|type|interface|import)(?![\w$]))/y

function isWhitespace(c: number): boolean {
  return (
    c === SPACE ||
    c === LF ||
    c === CR ||
    c === TAB ||
    c === VT ||
    c === FF ||
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x2028 ||
    c === 0x2029
  )
}

function isIdentifierStart(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    c === UNDERSCORE ||
    c === DOLLAR ||
    (c >= 0x80 && !isWhitespace(c))
  )
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || (c >= 48 && c <= 57)
}

/**
 * Read a revision file's `revision`, `downRevision`, `branchLabels` and
 * `dependsOn` exports and its leading doc comment without executing it
 * (interface.md "A revision file", behavior.md a.1).
 *
 * Returns `undefined` for a module that exports none of the four names (a
 * helper module beside the revisions). Throws a `ScriptError` whose message
 * starts with `path:line:` when an export is not a literal, is duplicated or
 * missing (`revision`, and `downRevision`, which must be `null` for a base),
 * or the file has an unterminated string, comment or array.
 *
 * @param source the file's text
 * @param path the path shown in error messages (relative to the project)
 */
export function parseRevisionSource(source: string, path: string): ParsedRevision | undefined {
  return new RevisionReader(source, path).read()
}

interface FoundExport {
  readonly value: string | string[] | null
  /** Offset of the name, for messages. */
  readonly at: number
}

/** A one-pass scanner over the file that skips comments, strings, templates and regexes. */
class RevisionReader {
  private pos = 0
  private readonly found = new Map<ExportName, FoundExport>()

  constructor(
    private readonly src: string,
    private readonly path: string,
  ) {}

  read(): ParsedRevision | undefined {
    const doc = this.readDoc()
    this.scanTopLevel()
    if (this.found.size === 0) return undefined

    const revision = this.found.get('revision')
    if (revision === undefined) {
      const [name, first] = this.found.entries().next().value as [ExportName, FoundExport]
      throw new ScriptError(
        `${this.path}: no 'revision' export (found '${name}' on line ${this.lineAt(first.at)}); ` +
          `a revision file must declare its id, e.g. export const revision = 'ae1027a6acf'`,
        this.path,
      )
    }
    const downRevision = this.found.get('downRevision')
    if (downRevision === undefined) {
      throw new ScriptError(
        `${this.path}: no 'downRevision' export; write export const downRevision = null ` +
          `for a base revision (null must be explicit for a base)`,
        this.path,
      )
    }
    return {
      revision: revision.value as string,
      downRevisions: toList(downRevision.value),
      branchLabels: toList(this.found.get('branchLabels')?.value ?? null),
      dependsOn: toList(this.found.get('dependsOn')?.value ?? null),
      doc,
    }
  }

  // ---- doc comment -------------------------------------------------------

  /** The first block comment before any code (after a BOM, shebang and line comments). */
  private readDoc(): string {
    const src = this.src
    let i = 0
    if (src.charCodeAt(0) === 0xfeff) i = 1
    if (src.charCodeAt(i) === HASH && src.charCodeAt(i + 1) === BANG) {
      const end = src.indexOf('\n', i)
      i = end < 0 ? src.length : end + 1
    }
    for (;;) {
      while (i < src.length && isWhitespace(src.charCodeAt(i))) i++
      if (src.charCodeAt(i) !== SLASH) break
      const next = src.charCodeAt(i + 1)
      if (next === SLASH) {
        const end = src.indexOf('\n', i)
        i = end < 0 ? src.length : end + 1
      } else if (next === STAR) {
        const end = src.indexOf('*/', i + 2)
        if (end < 0) this.fail(i, 'unterminated comment')
        this.pos = end + 2
        return cleanDoc(src.slice(i + (src.charCodeAt(i + 2) === STAR ? 3 : 2), end))
      } else break
    }
    this.pos = i
    return ''
  }

  // ---- main scan ---------------------------------------------------------

  /**
   * Walk the whole file and handle each `export` at brace depth 0. The regex
   * jumps (in native code) to the next character that can change what
   * follows: a quote, a slash, a brace when needed, or the word `export`.
   */
  private scanTopLevel(): void {
    const src = this.src
    // `export` can only be nested inside `namespace` / `module` blocks; only files that
    // mention either pay for stopping at every brace.
    const next =
      src.includes('namespace') || src.includes('module')
        ? NEXT_SIGNIFICANT_OR_BRACE
        : NEXT_SIGNIFICANT
    next.lastIndex = this.pos
    let depth = 0
    while (next.test(src)) {
      const end = next.lastIndex
      const c = src.charCodeAt(end - 1)
      if (c === 116 /* t: the word export */) {
        const at = end - 6
        if (
          depth === 0 &&
          !isIdentifierPart(src.charCodeAt(end)) &&
          (at === 0 || !isIdentifierPart(src.charCodeAt(at - 1))) &&
          src.charCodeAt(at - 1) !== DOT
        ) {
          next.lastIndex = this.readExport(end)
        }
        continue
      }
      const at = end - 1
      if (c === LBRACE) depth++
      else if (c === RBRACE) depth--
      else if (c === SQUOTE || c === DQUOTE) next.lastIndex = this.skipString(at)
      else if (c === BACKTICK) next.lastIndex = this.skipTemplate(at)
      else {
        const after = src.charCodeAt(end)
        if (after === SLASH || after === STAR) next.lastIndex = this.skipComment(at)
        else if (this.isRegexStart(at)) {
          const regexEnd = this.skipRegex(at)
          if (regexEnd > 0) next.lastIndex = regexEnd
        }
      }
    }
  }

  /** Whether the `/` at `i` starts a regex: it does where an operand is expected. */
  private isRegexStart(i: number): boolean {
    const src = this.src
    let j = i - 1
    while (j >= 0 && isWhitespace(src.charCodeAt(j))) j--
    if (j < 0) return true
    const c = src.charCodeAt(j)
    if (c === RPAREN || c === RBRACKET) return false
    if (!isIdentifierPart(c)) return true
    let k = j
    while (k > 0 && isIdentifierPart(src.charCodeAt(k - 1))) k--
    return KEYWORDS_BEFORE_EXPRESSION.has(src.slice(k, j + 1))
  }

  /** Handle an `export` keyword ending at `i`; returns where the main scan resumes. */
  private readExport(i: number): number {
    const src = this.src
    // Fast paths, matched in native code: the declaration shape Retort generates, and
    // exports of other names. Anything else takes the general path below.
    SIMPLE_DECLARATION.lastIndex = i
    const simple = SIMPLE_DECLARATION.exec(src)
    if (simple !== null) {
      const name = simple[1] as ExportName
      const text = simple[2] ?? simple[3]
      // `revision` must be a non-empty string: anything else takes the general path's error.
      const end = SIMPLE_DECLARATION.lastIndex
      if (
        (name !== 'revision' || (text !== undefined && text.length > 0)) &&
        this.endsStatement(this.skipTrivia(end))
      ) {
        this.record(name, i + simple[0].indexOf(name, 1), text ?? null)
        return end
      }
    }
    OTHER_EXPORT.lastIndex = i
    if (OTHER_EXPORT.test(src)) return OTHER_EXPORT.lastIndex

    i = this.skipTrivia(i)
    let word = this.wordAt(i)
    if (word === 'declare') {
      i = this.skipTrivia(i + word.length)
      word = this.wordAt(i)
    }
    if (word === 'const' || word === 'let' || word === 'var') {
      const nameAt = this.skipTrivia(i + word.length)
      const name = this.wordAt(nameAt)
      if (!EXPORT_NAMES.has(name)) return nameAt + name.length
      return this.readDeclaration(name as ExportName, nameAt, nameAt + name.length)
    }
    if (word === 'async') {
      i = this.skipTrivia(i + word.length)
      word = this.wordAt(i)
    }
    if (word === 'function' || word === 'class' || word === 'enum') {
      let nameAt = this.skipTrivia(i + word.length)
      if (this.src.charCodeAt(nameAt) === STAR) nameAt = this.skipTrivia(nameAt + 1)
      const name = this.wordAt(nameAt)
      if (EXPORT_NAMES.has(name)) {
        this.fail(
          nameAt,
          `${name} must be a constant (found '${word} ${name}'); ` + EXAMPLES[name as ExportName],
        )
      }
      return nameAt + name.length
    }
    if (this.src.charCodeAt(i) === LBRACE) return this.readExportList(i)
    return i
  }

  /** `export { a, b as c }`: the four names must be literal `export const` declarations. */
  private readExportList(open: number): number {
    const src = this.src
    let i = open + 1
    for (;;) {
      i = this.skipTrivia(i)
      if (i >= src.length) return i
      const c = src.charCodeAt(i)
      if (c === RBRACE) return i + 1
      if (c === SQUOTE || c === DQUOTE) {
        const [value, end] = this.readString(i)
        if (EXPORT_NAMES.has(value)) this.failExportList(i, value)
        i = end
        continue
      }
      const word = this.wordAt(i)
      if (word.length === 0) {
        i++
        continue
      }
      // Only the exported name (the last word before `,` or `}`) matters.
      const next = this.skipTrivia(i + word.length)
      const after = src.charCodeAt(next)
      if (EXPORT_NAMES.has(word) && (after === COMMA || after === RBRACE)) {
        this.failExportList(i, word)
      }
      i = i + word.length
    }
  }

  private failExportList(at: number, name: string): never {
    this.fail(
      at,
      `${name} must be exported as a literal declaration (found 'export { ${name} }'); ` +
        EXAMPLES[name as ExportName],
    )
  }

  /** `export const NAME [: Type] = literal [as const | satisfies T] [;]` */
  private readDeclaration(name: ExportName, nameAt: number, i: number): number {
    const src = this.src
    this.checkNotFound(name, nameAt)
    i = this.skipTrivia(i)
    if (src.charCodeAt(i) === 58 /* : */) i = this.skipTypeAnnotation(i + 1)
    if (src.charCodeAt(i) !== EQUALS) {
      this.fail(nameAt, `${name} has no value; ${EXAMPLES[name]}`)
    }
    const valueAt = this.skipTrivia(i + 1)
    const [value, valueEnd] = this.readLiteral(name, valueAt)
    if (name === 'revision') {
      if (typeof value !== 'string') this.failLiteral(name, valueAt)
      if (value.length === 0) this.fail(valueAt, `revision must not be empty; ${EXAMPLES.revision}`)
    }
    const end = this.readStatementEnd(name, valueAt, valueEnd)
    this.record(name, nameAt, value)
    return end
  }

  private checkNotFound(name: ExportName, nameAt: number): void {
    const previous = this.found.get(name)
    if (previous !== undefined) {
      this.fail(nameAt, `${name} is exported twice (first on line ${this.lineAt(previous.at)})`)
    }
  }

  private record(name: ExportName, nameAt: number, value: string | string[] | null): void {
    this.checkNotFound(name, nameAt)
    this.found.set(name, { value, at: nameAt })
  }

  /** A string, a backtick string without `${`, `null`, or an array of strings. */
  private readLiteral(name: ExportName, at: number): [string | string[] | null, number] {
    const src = this.src
    const c = src.charCodeAt(at)
    if (c === SQUOTE || c === DQUOTE || c === BACKTICK) return this.readStringLiteral(name, at)
    if (c === LBRACKET) {
      const items: string[] = []
      let i = at + 1
      for (;;) {
        i = this.skipTrivia(i)
        if (i >= src.length) this.fail(at, `unterminated array in ${name}`)
        const d = src.charCodeAt(i)
        if (d === RBRACKET) return [items, i + 1]
        const [item, itemEnd] = this.readStringLiteral(name, i, true)
        items.push(item)
        i = this.skipTrivia(itemEnd)
        const sep = src.charCodeAt(i)
        if (sep === COMMA) i++
        else if (sep === RBRACKET) return [items, i + 1]
        else if (i >= src.length) this.fail(at, `unterminated array in ${name}`)
        else this.failLiteral(name, i, true)
      }
    }
    if (this.wordAt(at) === 'null') return [null, at + 4]
    this.failLiteral(name, at)
  }

  private readStringLiteral(name: ExportName, at: number, inList = false): [string, number] {
    const c = this.src.charCodeAt(at)
    if (c === SQUOTE || c === DQUOTE) return this.readString(at)
    if (c === BACKTICK) {
      const end = this.skipTemplate(at)
      const raw = this.src.slice(at + 1, end - 1)
      if (raw.includes('${')) this.failLiteral(name, at, inList)
      return [decodeEscapes(raw.replace(/\r\n?/g, '\n')), end]
    }
    this.failLiteral(name, at, inList)
  }

  private failLiteral(name: ExportName, at: number, inList = false): never {
    const expected = name === 'revision' ? 'a string' : 'a string, an array of strings or null'
    const found = this.excerpt(at, inList) + (inList ? ' in the array' : '')
    this.fail(at, `${name} must be ${expected} (found '${found}'); ${EXAMPLES[name]}`)
  }

  /** After the literal: optional `as const` / `satisfies T`, then `;`, a new line or the end. */
  private readStatementEnd(name: ExportName, valueAt: number, i: number): number {
    const src = this.src
    for (;;) {
      const next = this.skipTrivia(i)
      const word = this.wordAt(next)
      if (word !== 'as' && word !== 'satisfies') break
      i = this.skipTypeToStatementEnd(next + word.length)
    }
    const lineEnd = this.skipTrivia(i, true)
    const c = src.charCodeAt(lineEnd)
    if (c === SEMI) return lineEnd + 1
    if (lineEnd >= src.length) return lineEnd
    const next = this.skipTrivia(lineEnd)
    // A line break ends the statement unless the next line continues the expression.
    if (next > lineEnd && this.hasLineBreak(lineEnd, next) && this.endsStatement(next)) {
      return lineEnd
    }
    if (c === COMMA) {
      this.fail(lineEnd, `declare ${name} in its own export const statement (found ',')`)
    }
    this.failLiteral(name, valueAt)
  }

  /**
   * Whether the token at `i` (after a line break) starts a new statement rather than
   * continuing the previous expression (`+ 'b'`, `.concat()`, `[0]`, `(x)` continue it).
   */
  private endsStatement(i: number): boolean {
    if (i >= this.src.length) return true
    const c = this.src.charCodeAt(i)
    return isIdentifierStart(c) || c === RBRACE || c === SEMI || c === 64 /* @ */ || c === HASH
  }

  // ---- skipping ----------------------------------------------------------

  /**
   * Skip whitespace and comments from `i`. With `stopAtLineBreak`, stop at the
   * first line break outside a block comment.
   */
  private skipTrivia(i: number, stopAtLineBreak = false): number {
    const src = this.src
    const n = src.length
    while (i < n) {
      const c = src.charCodeAt(i)
      if (c === LF || c === CR) {
        if (stopAtLineBreak) return i
        i++
      } else if (isWhitespace(c)) i++
      else if (c === SLASH) {
        const next = src.charCodeAt(i + 1)
        if (next === SLASH) {
          const end = src.indexOf('\n', i)
          i = end < 0 ? n : end
        } else if (next === STAR) i = this.skipComment(i)
        else return i
      } else return i
    }
    return i
  }

  private hasLineBreak(from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
      const c = this.src.charCodeAt(i)
      if (c === LF || c === CR) return true
    }
    return false
  }

  /** Skip a `//` or `/* *\/` comment starting at `i`. */
  private skipComment(i: number): number {
    const src = this.src
    if (src.charCodeAt(i + 1) === SLASH) {
      const end = src.indexOf('\n', i + 2)
      return end < 0 ? src.length : end + 1
    }
    const end = src.indexOf('*/', i + 2)
    if (end < 0) this.fail(i, 'unterminated comment')
    return end + 2
  }

  /** Skip a quoted string starting at `i`; a line break before the closing quote is an error. */
  private skipString(i: number): number {
    const body = this.src.charCodeAt(i) === SQUOTE ? SINGLE_QUOTED_BODY : DOUBLE_QUOTED_BODY
    body.lastIndex = i + 1
    if (!body.test(this.src)) this.fail(i, 'unterminated string')
    return body.lastIndex
  }

  private readString(i: number): [string, number] {
    const end = this.skipString(i)
    const raw = this.src.slice(i + 1, end - 1)
    return [raw.includes('\\') ? decodeEscapes(raw) : raw, end]
  }

  /** Skip a template literal starting at `i`, including nested code in `${ }`. */
  private skipTemplate(i: number): number {
    const src = this.src
    const n = src.length
    let j = i + 1
    while (j < n) {
      const c = src.charCodeAt(j)
      if (c === BACKTICK) return j + 1
      if (c === BACKSLASH) {
        j += 2
        continue
      }
      if (c === DOLLAR && src.charCodeAt(j + 1) === LBRACE) {
        j = this.skipBalanced(j + 2, RBRACE)
        continue
      }
      j++
    }
    this.fail(i, 'unterminated template string')
  }

  /**
   * Skip code up to the bracket that closes an already open one (`close`),
   * returning the position after it. Used for `${ }` and type annotations.
   */
  private skipBalanced(i: number, close: number): number {
    const src = this.src
    const n = src.length
    const closers: number[] = [close]
    while (i < n) {
      const c = src.charCodeAt(i)
      if (c === SQUOTE || c === DQUOTE) i = this.skipString(i)
      else if (c === BACKTICK) i = this.skipTemplate(i)
      else if (c === SLASH && (src.charCodeAt(i + 1) === SLASH || src.charCodeAt(i + 1) === STAR)) {
        i = this.skipComment(i)
      } else {
        if (c === LBRACE) closers.push(RBRACE)
        else if (c === LPAREN) closers.push(RPAREN)
        else if (c === LBRACKET) closers.push(RBRACKET)
        else if (c === RBRACE || c === RPAREN || c === RBRACKET) {
          if (closers[closers.length - 1] === c) closers.pop()
          if (closers.length === 0) return i + 1
        }
        i++
      }
    }
    return n
  }

  /** Skip a type after `:` up to the `=` that starts the value (`=>` belongs to the type). */
  private skipTypeAnnotation(i: number): number {
    const src = this.src
    const n = src.length
    while (i < n) {
      TYPE_STOP.lastIndex = i
      if (!TYPE_STOP.test(src)) return n
      i = TYPE_STOP.lastIndex - 1
      const c = src.charCodeAt(i)
      if (c === EQUALS) {
        if (src.charCodeAt(i + 1) === GT) i += 2
        else return i
      } else if (c === SEMI) return i
      else if (c === LF) {
        // A type may go on over several lines, but not into the next statement.
        const next = this.skipTrivia(i)
        if (STATEMENT_KEYWORDS.has(this.wordAt(next))) return i
        i = next
      } else if (c === SQUOTE || c === DQUOTE) i = this.skipString(i)
      else if (c === BACKTICK) i = this.skipTemplate(i)
      else if (c === SLASH) {
        const next = src.charCodeAt(i + 1)
        i = next === SLASH || next === STAR ? this.skipComment(i) : i + 1
      } else if (c === LBRACE) i = this.skipBalanced(i + 1, RBRACE)
      else if (c === LPAREN) i = this.skipBalanced(i + 1, RPAREN)
      else i = this.skipBalanced(i + 1, RBRACKET)
    }
    return i
  }

  /** Skip the type after `as` / `satisfies`: up to `;`, a line break or the end, brackets balanced. */
  private skipTypeToStatementEnd(i: number): number {
    const src = this.src
    const n = src.length
    i = this.skipTrivia(i)
    while (i < n) {
      const c = src.charCodeAt(i)
      if (c === SEMI || c === LF || c === CR) return i
      if (c === SQUOTE || c === DQUOTE) i = this.skipString(i)
      else if (c === BACKTICK) i = this.skipTemplate(i)
      else if (c === SLASH && (src.charCodeAt(i + 1) === SLASH || src.charCodeAt(i + 1) === STAR)) {
        return i
      } else if (c === LBRACE) i = this.skipBalanced(i + 1, RBRACE)
      else if (c === LPAREN) i = this.skipBalanced(i + 1, RPAREN)
      else if (c === LBRACKET) i = this.skipBalanced(i + 1, RBRACKET)
      else i++
    }
    return i
  }

  /** Skip a regex literal at `i`; returns -1 when it is not one (no closing `/` on the line). */
  private skipRegex(i: number): number {
    const src = this.src
    const n = src.length
    let inClass = false
    let j = i + 1
    while (j < n) {
      const c = src.charCodeAt(j)
      if (c === LF || c === CR) return -1
      if (c === BACKSLASH) j += 2
      else if (c === LBRACKET) {
        inClass = true
        j++
      } else if (c === RBRACKET) {
        inClass = false
        j++
      } else if (c === SLASH && !inClass) {
        j++
        while (j < n && isIdentifierPart(src.charCodeAt(j))) j++
        return j
      } else j++
    }
    return -1
  }

  // ---- helpers -----------------------------------------------------------

  private wordAt(i: number): string {
    const src = this.src
    if (!isIdentifierStart(src.charCodeAt(i))) return ''
    let j = i + 1
    while (j < src.length && isIdentifierPart(src.charCodeAt(j))) j++
    return src.slice(i, j)
  }

  /** The source text from `at` to the end of its statement (or list item), shortened, for messages. */
  private excerpt(at: number, inList = false): string {
    const src = this.src
    let end = at
    while (end < src.length) {
      const c = src.charCodeAt(end)
      if (c === SEMI || c === LF || c === CR) break
      if (inList && (c === COMMA || c === RBRACKET)) break
      end++
    }
    let text = src.slice(at, end).trim()
    if (text.length > 60) text = text.slice(0, 57) + '...'
    return text
  }

  private lineAt(offset: number): number {
    let line = 1
    let i = this.src.indexOf('\n')
    while (i >= 0 && i < offset) {
      line++
      i = this.src.indexOf('\n', i + 1)
    }
    return line
  }

  private fail(at: number, message: string): never {
    throw new ScriptError(`${this.path}:${this.lineAt(at)}: ${message}`, this.path)
  }
}

function toList(value: string | string[] | null): string[] {
  if (value === null) return []
  return typeof value === 'string' ? [value] : value
}

/** Strip the comment's ` * ` prefixes; keep inner lines as they are; trim the whole. */
function cleanDoc(body: string): string {
  if (body.includes('\r')) body = body.replace(/\r\n?/g, '\n')
  return body.replace(/^[ \t]*\* ?/gm, '').trim()
}

/** Decode the escape sequences of a JavaScript string literal body. */
function decodeEscapes(raw: string): string {
  return raw.replace(
    /\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\s\S]))/g,
    (_m, braced?: string, u4?: string, x2?: string, other?: string) => {
      const hex = braced ?? u4 ?? x2
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16))
      switch (other) {
        case 'n':
          return '\n'
        case 't':
          return '\t'
        case 'r':
          return '\r'
        case 'b':
          return '\b'
        case 'f':
          return '\f'
        case 'v':
          return '\v'
        case '0':
          return '\0'
        case '\n':
        case '\r':
        case '\r\n':
        case '\u2028':
        case '\u2029':
          return ''
        default:
          return other ?? ''
      }
    },
  )
}
