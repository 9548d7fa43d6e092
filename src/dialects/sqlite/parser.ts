import { RetortError } from '../../errors.js'

/**
 * Just enough of SQLite's grammar to read a CREATE TABLE back from
 * sqlite_master: SQLite's PRAGMAs omit constraint names, CHECK constraints,
 * collations and AUTOINCREMENT, which batch mode must carry over.
 */

/** One lexical token; `value` is an identifier or string without its quotes. */
export interface Token {
  readonly type: 'word' | 'quoted' | 'string' | 'number' | 'blob' | 'punct'
  readonly text: string
  readonly value: string
  readonly start: number
  readonly end: number
}

const PUNCT2 = ['<=', '>=', '<>', '!=', '==', '||', '<<', '>>', '->']

/** Split SQL text into tokens, dropping whitespace and comments. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const push = (
    type: Token['type'],
    start: number,
    end: number,
    value = text.slice(start, end),
  ) => {
    tokens.push({ type, text: text.slice(start, end), value, start, end })
  }
  const quoted = (close: string, type: Token['type']) => {
    const start = i
    let value = ''
    i++
    for (;;) {
      if (i >= text.length)
        throw new RetortError(`unterminated quote in SQL: ${text.slice(start, start + 40)}`)
      const ch = text[i]!
      if (ch === close) {
        if (close !== ']' && text[i + 1] === close) {
          value += close
          i += 2
          continue
        }
        i++
        break
      }
      value += ch
      i++
    }
    push(type, start, i, value)
  }
  while (i < text.length) {
    const ch = text[i]!
    if (/\s/.test(ch)) {
      i++
    } else if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 2
    } else if (ch === "'") {
      quoted("'", 'string')
    } else if (ch === '"') {
      quoted('"', 'quoted')
    } else if (ch === '`') {
      quoted('`', 'quoted')
    } else if (ch === '[') {
      quoted(']', 'quoted')
    } else if ((ch === 'x' || ch === 'X') && text[i + 1] === "'") {
      const start = i
      i++
      quoted("'", 'blob')
      tokens.pop()
      push('blob', start, i)
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(0x[0-9a-f]+|(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?)/i.exec(text.slice(i))!
      push('number', i, i + m[0].length)
      i += m[0].length
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(text.slice(i))!
      push('word', i, i + m[0].length)
      i += m[0].length
    } else {
      const two = text.slice(i, i + 2)
      const len = PUNCT2.includes(two) ? 2 : 1
      push('punct', i, i + len)
      i += len
    }
  }
  return tokens
}

/**
 * Lower-cased names an expression refers to: identifiers that are not
 * function calls. Used to find which constraints and indexes a column feeds.
 */
export function identifiersIn(text: string): Set<string> {
  const tokens = tokenize(text)
  const names = new Set<string>()
  tokens.forEach((t, k) => {
    if ((t.type === 'word' || t.type === 'quoted') && tokens[k + 1]?.text !== '(')
      names.add(t.value.toLowerCase())
  })
  return names
}

export type ParsedAction = 'cascade' | 'set null' | 'set default' | 'restrict' | 'no action'

/** A foreign key as written; `columns` is empty for a column-level REFERENCES. */
export interface ParsedForeignKey {
  readonly name?: string
  readonly columns: readonly string[]
  readonly table: string
  /** Empty when the parent's primary key is meant. */
  readonly referencedColumns: readonly string[]
  readonly onDelete?: ParsedAction
  readonly onUpdate?: ParsedAction
  readonly initiallyDeferred?: boolean
}

export interface ParsedColumn {
  readonly name: string
  /** The declared type as written ('' when there is none). */
  readonly type: string
  readonly notNull: boolean
  /** DEFAULT as written: a literal, a signed number or a parenthesised expression. */
  readonly default?: string
  readonly collate?: string
  readonly primaryKey?: { readonly name?: string; readonly autoIncrement: boolean }
  readonly unique?: { readonly name?: string }
  readonly checks: readonly { readonly name?: string; readonly text: string }[]
  readonly references?: ParsedForeignKey
  readonly generated: boolean
}

export type ParsedConstraint =
  | { readonly kind: 'primaryKey'; readonly name?: string; readonly columns: readonly string[] }
  | { readonly kind: 'unique'; readonly name?: string; readonly columns: readonly string[] }
  | { readonly kind: 'check'; readonly name?: string; readonly text: string }
  | ({ readonly kind: 'foreignKey' } & ParsedForeignKey)

export interface ParsedTable {
  readonly columns: readonly ParsedColumn[]
  readonly constraints: readonly ParsedConstraint[]
  /** Table options after the closing parenthesis (WITHOUT ROWID, STRICT), or ''. */
  readonly options: string
}

const TABLE_CONSTRAINT_START = new Set(['constraint', 'primary', 'unique', 'check', 'foreign'])
const COLUMN_CONSTRAINT_START = new Set([
  'constraint',
  'primary',
  'not',
  'null',
  'unique',
  'check',
  'default',
  'collate',
  'references',
  'generated',
  'as',
])

/** A cursor over the tokens of one definition. */
class Cursor {
  private k = 0
  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}
  get done(): boolean {
    return this.k >= this.tokens.length
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.k + offset]
  }
  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t?.type === 'word' && t.value.toLowerCase() === word
  }
  next(): Token {
    const t = this.tokens[this.k++]
    if (!t) this.fail('unexpected end')
    return t
  }
  back(): void {
    this.k--
  }
  expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(`expected ${word.toUpperCase()}`)
    this.k++
  }
  expectPunct(p: string): void {
    if (this.peek()?.text !== p) this.fail(`expected '${p}'`)
    this.k++
  }
  name(): string {
    const t = this.next()
    if (t.type !== 'word' && t.type !== 'quoted' && t.type !== 'string')
      this.fail('expected a name')
    return t.value
  }
  /** The text of a parenthesised group, without the outer parentheses. */
  group(): string {
    const open = this.peek()
    if (open?.text !== '(') this.fail("expected '('")
    let depth = 0
    for (;;) {
      const t = this.next()
      if (t.text === '(') depth++
      if (t.text === ')' && --depth === 0) return this.text.slice(open.end, t.start).trim()
    }
  }
  /** A parenthesised list of names, each possibly followed by COLLATE x / ASC / DESC. */
  nameList(): string[] {
    this.expectPunct('(')
    const names: string[] = []
    for (;;) {
      names.push(this.name())
      while (!this.done && this.peek()?.text !== ',' && this.peek()?.text !== ')') this.next()
      if (this.next().text === ')') return names
    }
  }
  fail(why: string): never {
    const at = this.peek()
    throw new RetortError(
      `cannot read table definition (${why}) near '${at ? this.text.slice(at.start, at.start + 30) : 'end'}'`,
    )
  }
}

function parseAction(c: Cursor): ParsedAction {
  const word = c.next().value.toLowerCase()
  if (word === 'set') {
    const what = c.next().value.toLowerCase()
    if (what === 'null' || what === 'default') return `set ${what}`
    c.fail('expected SET NULL or SET DEFAULT')
  }
  if (word === 'no') {
    c.expectWord('action')
    return 'no action'
  }
  if (word === 'cascade' || word === 'restrict') return word
  return c.fail('unknown foreign key action')
}

function parseReferences(
  c: Cursor,
  name: string | undefined,
  columns: readonly string[],
): ParsedForeignKey {
  c.expectWord('references')
  const table = c.name()
  const referencedColumns = c.peek()?.text === '(' ? c.nameList() : []
  let onDelete: ParsedAction | undefined
  let onUpdate: ParsedAction | undefined
  let initiallyDeferred = false
  for (;;) {
    if (c.isWord('on')) {
      c.next()
      const which = c.next().value.toLowerCase()
      if (which === 'delete') onDelete = parseAction(c)
      else if (which === 'update') onUpdate = parseAction(c)
      else c.fail('expected ON DELETE or ON UPDATE')
    } else if (c.isWord('match')) {
      // SQLite parses MATCH and ignores it.
      c.next()
      c.next()
    } else if (c.isWord('deferrable') || (c.isWord('not') && c.isWord('deferrable', 1))) {
      const negated = c.isWord('not')
      if (negated) c.next()
      c.next()
      if (c.isWord('initially')) {
        c.next()
        const when = c.next().value.toLowerCase()
        initiallyDeferred = !negated && when === 'deferred'
      }
    } else {
      break
    }
  }
  return {
    ...(name === undefined ? {} : { name }),
    columns,
    table,
    referencedColumns,
    ...(onDelete ? { onDelete } : {}),
    ...(onUpdate ? { onUpdate } : {}),
    ...(initiallyDeferred ? { initiallyDeferred } : {}),
  }
}

function refuseConflictClause(c: Cursor): void {
  if (c.isWord('on') && c.isWord('conflict', 1))
    c.fail('ON CONFLICT clauses are not supported by batch mode')
}

function parseTableConstraint(c: Cursor): ParsedConstraint {
  let name: string | undefined
  if (c.isWord('constraint')) {
    c.next()
    name = c.name()
  }
  const named = name === undefined ? {} : { name }
  const word = c.next().value.toLowerCase()
  let result: ParsedConstraint
  if (word === 'primary') {
    c.expectWord('key')
    result = { kind: 'primaryKey', ...named, columns: c.nameList() }
  } else if (word === 'unique') {
    result = { kind: 'unique', ...named, columns: c.nameList() }
  } else if (word === 'check') {
    result = { kind: 'check', ...named, text: c.group() }
  } else if (word === 'foreign') {
    c.expectWord('key')
    const columns = c.nameList()
    result = { kind: 'foreignKey', ...parseReferences(c, name, columns) }
  } else {
    return c.fail('unknown table constraint')
  }
  refuseConflictClause(c)
  if (!c.done) c.fail('unexpected text after a table constraint')
  return result
}

function parseColumn(c: Cursor, text: string): ParsedColumn {
  const name = c.name()
  let typeStart: number | undefined
  let typeEnd: number | undefined
  while (
    !c.done &&
    !(c.peek()?.type === 'word' && COLUMN_CONSTRAINT_START.has(c.peek()!.value.toLowerCase()))
  ) {
    const t = c.peek()!
    typeStart ??= t.start
    if (t.text === '(') {
      c.group()
      typeEnd = c.peek(-1)!.end
    } else {
      c.next()
      typeEnd = t.end
    }
  }
  const type = typeStart === undefined ? '' : text.slice(typeStart, typeEnd).trim()
  let notNull = false
  let defaultText: string | undefined
  let collate: string | undefined
  let primaryKey: ParsedColumn['primaryKey']
  let unique: ParsedColumn['unique']
  let references: ParsedForeignKey | undefined
  let generated = false
  const checks: { name?: string; text: string }[] = []
  while (!c.done) {
    let cname: string | undefined
    if (c.isWord('constraint')) {
      c.next()
      cname = c.name()
    }
    const named = cname === undefined ? {} : { name: cname }
    const word = c.next().value.toLowerCase()
    if (word === 'primary') {
      c.expectWord('key')
      if (c.isWord('asc') || c.isWord('desc')) c.next()
      refuseConflictClause(c)
      const autoIncrement = c.isWord('autoincrement')
      if (autoIncrement) c.next()
      primaryKey = { ...named, autoIncrement }
    } else if (word === 'not') {
      c.expectWord('null')
      refuseConflictClause(c)
      notNull = true
    } else if (word === 'null') {
      refuseConflictClause(c)
    } else if (word === 'unique') {
      refuseConflictClause(c)
      unique = named
    } else if (word === 'check') {
      checks.push({ ...named, text: c.group() })
    } else if (word === 'default') {
      const first = c.peek()
      if (!first) c.fail('expected a default value')
      if (first.text === '(') {
        c.group()
        defaultText = text.slice(first.start, c.peek(-1)!.end)
      } else if (first.text === '-' || first.text === '+') {
        c.next()
        defaultText = text.slice(first.start, c.next().end)
      } else {
        defaultText = c.next().text
      }
    } else if (word === 'collate') {
      collate = c.next().text
    } else if (word === 'references') {
      c.back()
      references = parseReferences(c, cname, [name])
    } else if (word === 'generated' || word === 'as') {
      generated = true
      while (!c.done) c.next()
    } else {
      c.fail('unknown column constraint')
    }
  }
  return {
    name,
    type,
    notNull,
    ...(defaultText === undefined ? {} : { default: defaultText }),
    ...(collate === undefined ? {} : { collate }),
    ...(primaryKey ? { primaryKey } : {}),
    ...(unique ? { unique } : {}),
    checks,
    ...(references ? { references } : {}),
    generated,
  }
}

/** Read a CREATE TABLE statement as stored in sqlite_master. */
export function parseCreateTable(text: string): ParsedTable {
  const tokens = tokenize(text)
  const open = tokens.findIndex((t) => t.text === '(')
  if (open < 0) throw new RetortError(`cannot read table definition: ${text.slice(0, 60)}`)
  const items: Token[][] = [[]]
  let depth = 0
  let close = -1
  for (let k = open + 1; k < tokens.length; k++) {
    const t = tokens[k]!
    if (t.text === '(') depth++
    if (t.text === ')') {
      if (depth === 0) {
        close = k
        break
      }
      depth--
    }
    if (t.text === ',' && depth === 0) items.push([])
    else items[items.length - 1]!.push(t)
  }
  if (close < 0) throw new RetortError(`cannot read table definition: ${text.slice(0, 60)}`)
  const columns: ParsedColumn[] = []
  const constraints: ParsedConstraint[] = []
  for (const item of items) {
    const c = new Cursor(text, item)
    const first = item[0]
    if (first?.type === 'word' && TABLE_CONSTRAINT_START.has(first.value.toLowerCase())) {
      constraints.push(parseTableConstraint(c))
    } else {
      columns.push(parseColumn(c, text))
    }
  }
  const after = tokens[close + 1]
  return { columns, constraints, options: after ? text.slice(after.start).trim() : '' }
}
