import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ScriptError } from '../../src/errors.js'
import { parseRevisionSource } from '../../src/script/parse.js'
import type { ParsedRevision } from '../../src/script/parse.js'

const PATH = 'migrations/versions/x.ts'

function parse(source: string): ParsedRevision | undefined {
  return parseRevisionSource(source, PATH)
}

function parsed(source: string): ParsedRevision {
  const result = parse(source)
  assert.ok(result, 'expected a revision')
  return result
}

/** Assert that parsing fails with a ScriptError whose message matches, naming the file. */
function rejects(source: string, message: RegExp): void {
  assert.throws(
    () => parse(source),
    (error: unknown) => {
      assert.ok(error instanceof ScriptError, `expected a ScriptError, got ${String(error)}`)
      assert.equal(error.path, PATH)
      assert.match(error.message, message)
      return true
    },
  )
}

const base = (rest = ''): string =>
  `export const revision = 'aaaa'\nexport const downRevision = null\n${rest}`

describe('parseRevisionSource: accepted literals', () => {
  it('reads single-quoted, double-quoted and backtick strings', () => {
    const r = parsed(
      "export const revision = 'a1'\n" +
        'export const downRevision = "b2"\n' +
        'export const branchLabels = `lab`\n' +
        "export const dependsOn = 'd4'\n",
    )
    assert.deepEqual(r.revision, 'a1')
    assert.deepEqual(r.downRevisions, ['b2'])
    assert.deepEqual(r.branchLabels, ['lab'])
    assert.deepEqual(r.dependsOn, ['d4'])
  })

  it('reads null as an empty list and leaves missing branchLabels and dependsOn empty', () => {
    const r = parsed("export const revision = 'a1'\nexport const downRevision = null\n")
    assert.deepEqual(r.downRevisions, [])
    assert.deepEqual(r.branchLabels, [])
    assert.deepEqual(r.dependsOn, [])
  })

  it('gives one entry for a single string and for a one-element array alike', () => {
    const single = parsed("export const revision = 'a'\nexport const downRevision = 'p'\n")
    const array = parsed("export const revision = 'a'\nexport const downRevision = ['p']\n")
    assert.deepEqual(single.downRevisions, ['p'])
    assert.deepEqual(array.downRevisions, ['p'])
  })

  it('keeps the order of a merge point parents', () => {
    const r = parsed("export const revision = 'm'\nexport const downRevision = ['z', 'a', 'k']\n")
    assert.deepEqual(r.downRevisions, ['z', 'a', 'k'])
  })

  it('reads multi-line arrays with comments and a trailing comma', () => {
    const r = parsed(
      "export const revision = 'm'\n" +
        'export const downRevision = [\n' +
        '  // the first parent\n  \'p1\', /* inline */\n  "p2",\n' +
        '  /* block\n     comment */\n  `p3`,\n]\n',
    )
    assert.deepEqual(r.downRevisions, ['p1', 'p2', 'p3'])
  })

  it('reads an empty array as no entries', () => {
    assert.deepEqual(parsed(base('export const branchLabels = []\n')).branchLabels, [])
  })

  it('accepts type annotations, including generics, object and arrow types', () => {
    const r = parsed(
      "export const revision: string = 'a'\n" +
        'export const downRevision: string | readonly string[] | null = null\n' +
        "export let branchLabels: Array<string> | ReadonlyArray<{ k: string }> | (() => string) = ['x']\n" +
        "export const dependsOn: Record<string, () => void> | readonly string[] = ['d']\n",
    )
    assert.deepEqual(r.branchLabels, ['x'])
    assert.deepEqual(r.dependsOn, ['d'])
  })

  it('accepts a type annotation written over several lines', () => {
    const r = parsed(
      "export const revision = 'a'\nexport const downRevision:\n  | string\n  | null\n  = 'p'\n",
    )
    assert.deepEqual(r.downRevisions, ['p'])
  })

  it('accepts as const, satisfies and semicolons', () => {
    const r = parsed(
      "export const revision = 'a' as const;\n" +
        "export const downRevision = ['p', 'q'] as const satisfies readonly string[];\n" +
        "export const branchLabels = 'l' satisfies string\n" +
        'export const dependsOn = null;',
    )
    assert.deepEqual(r.downRevisions, ['p', 'q'])
    assert.deepEqual(r.branchLabels, ['l'])
  })

  it('accepts let and a trailing line comment', () => {
    const r = parsed(
      "export let revision = 'a' // the id\nexport let downRevision = null // base\n",
    )
    assert.equal(r.revision, 'a')
  })

  it('decodes escapes in strings', () => {
    const r = parsed("export const revision = 'a\\u0062c'\nexport const downRevision = null\n")
    assert.equal(r.revision, 'abc')
  })

  it('reads Windows line endings', () => {
    const r = parsed(
      "/**\r\n * msg\r\n *\r\n * more\r\n */\r\nexport const revision = 'a'\r\nexport const downRevision = null\r\n",
    )
    assert.equal(r.revision, 'a')
    assert.equal(r.doc, 'msg\n\nmore')
  })

  it('reads a whole Retort revision file as generated', () => {
    const r = parsed(`/**
 * add shopping cart table
 *
 * Revision ID: 27c6a30d7c24
 * Revises: 1975ea83b712
 * Create Date: 2014-11-20 13:03:11.436407
 */
import type { MigrationContext } from 'retort-migrate'

export const revision = '27c6a30d7c24'
export const downRevision: string | readonly string[] | null = '1975ea83b712'
export const branchLabels: string | readonly string[] | null = ['shoppingcart']
export const dependsOn: string | readonly string[] | null = null

export async function upgrade({ op }: MigrationContext): Promise<void> {
  await op.addColumn('cart', { name: 'note', type: 'text', nullable: true })
}

export async function downgrade({ op }: MigrationContext): Promise<void> {
  await op.dropColumn('cart', 'note')
}
`)
    assert.deepEqual(r, {
      revision: '27c6a30d7c24',
      downRevisions: ['1975ea83b712'],
      branchLabels: ['shoppingcart'],
      dependsOn: [],
      doc:
        'add shopping cart table\n\nRevision ID: 27c6a30d7c24\nRevises: 1975ea83b712\n' +
        'Create Date: 2014-11-20 13:03:11.436407',
    })
  })
})

describe('parseRevisionSource: what is not code', () => {
  it('ignores export statements inside comments', () => {
    const r = parsed(
      "// export const revision = 'no1'\n" +
        "/* export const revision = 'no2'\n   export const downRevision = 'x' */\n" +
        base(),
    )
    assert.equal(r.revision, 'aaaa')
    assert.deepEqual(r.downRevisions, [])
  })

  it('ignores export statements inside strings and template literals', () => {
    const r = parsed(
      base(
        "const a = 'export const revision = \\'no\\''\n" +
          'const b = "export const downRevision = \'no\'"\n' +
          "const c = `export const revision = 'no' ${'`'} ${`nested export const revision = 'no'`}`\n" +
          "const d = `line one\nexport const dependsOn = 'no'\n`\n",
      ),
    )
    assert.equal(r.revision, 'aaaa')
    assert.deepEqual(r.dependsOn, [])
  })

  it('ignores quotes inside regular expressions', () => {
    const r = parsed(base('const re = /\'"`/g\nconst half = 10 / 2 / 1\nconst back = /[/\'"]/\n'))
    assert.equal(r.revision, 'aaaa')
  })

  it('ignores exports nested in a namespace block', () => {
    const r = parsed(base("namespace Inner {\n  export const revision = 'inner'\n}\n"))
    assert.equal(r.revision, 'aaaa')
  })

  it('passes over other exports: functions, classes, types, other constants', () => {
    const r = parsed(
      base(
        'export async function upgrade() {}\nexport function* gen() {}\nexport class Revision {}\n' +
          'export type revisionType = string\nexport interface X { revision: string }\n' +
          "export const revisionCount = 3\nexport default {}\nexport { helper } from './h.js'\n",
      ),
    )
    assert.equal(r.revision, 'aaaa')
  })
})

describe('parseRevisionSource: the doc comment', () => {
  it('keeps the whole doc, prefixes removed, with inner trailing spaces', () => {
    const r = parsed(
      '/**\n * first line\n * second line of the first paragraph\n *\n * Revision ID: a\n * Revises: \n' +
        ' * Create Date: 2020-01-01 00:00:00.000000\n */\n' +
        base(),
    )
    assert.equal(
      r.doc,
      'first line\nsecond line of the first paragraph\n\nRevision ID: a\nRevises: \n' +
        'Create Date: 2020-01-01 00:00:00.000000',
    )
  })

  it('trims the doc at both ends', () => {
    assert.equal(parsed('/**\n *\n *   padded  \n *\n */\n' + base()).doc, 'padded')
  })

  it('keeps extra indentation after the prefix and lines without one', () => {
    assert.equal(
      parsed('/*\n title\n *   indented\n   bare line\n*/\n' + base()).doc,
      'title\n  indented\n   bare line',
    )
  })

  it('reads a one-line doc comment', () => {
    assert.equal(parsed('/** just this */\n' + base()).doc, 'just this')
  })

  it('takes the doc after a shebang and line comments', () => {
    assert.equal(
      parsed('#!/usr/bin/env node\n// @ts-check\n/** the doc */\n' + base()).doc,
      'the doc',
    )
  })

  it('gives an empty doc when code comes before any block comment', () => {
    assert.equal(parsed("import x from 'y'\n/** not the doc */\n" + base()).doc, '')
  })

  it('gives an empty doc for a file without comments', () => {
    assert.equal(parsed(base()).doc, '')
  })
})

describe('parseRevisionSource: files that are not revisions', () => {
  it('returns undefined for a module exporting none of the four names', () => {
    assert.equal(parse("export function helper() {}\nexport const table = 'account'\n"), undefined)
  })

  it('returns undefined for an empty file', () => {
    assert.equal(parse(''), undefined)
  })

  it('returns undefined when the names appear only in comments and strings', () => {
    assert.equal(
      parse("// export const revision = 'a'\nconst s = 'export const revision = 1'\n"),
      undefined,
    )
  })
})

describe('parseRevisionSource: rejected forms name the file and line', () => {
  it('rejects a function call, naming what it found and how to write it', () => {
    rejects(
      "export const revision = 'a'\n\n\nexport const downRevision = foo()\n",
      /^migrations\/versions\/x\.ts:4: downRevision must be a string, an array of strings or null \(found 'foo\(\)'\); write the revision id literally, e\.g\. export const downRevision = 'ae1027a6acf'$/,
    )
  })

  it('rejects an identifier', () => {
    rejects(
      "const p = 'x'\nexport const revision = 'a'\nexport const downRevision = p\n",
      /x\.ts:3: downRevision .*found 'p'/,
    )
  })

  it('rejects a template with a substitution', () => {
    rejects(
      'export const revision = `a${1}`\nexport const downRevision = null\n',
      /x\.ts:1: revision must be a string \(found '`a\$\{1\}`'\)/,
    )
  })

  it('rejects a number and a non-string revision', () => {
    rejects(
      "export const revision = 'a'\nexport const dependsOn = 42\nexport const downRevision = null\n",
      /x\.ts:2: dependsOn .*found '42'/,
    )
    rejects(
      'export const revision = null\nexport const downRevision = null\n',
      /x\.ts:1: revision must be a string \(found 'null'\)/,
    )
    rejects(
      "export const revision = ['a']\nexport const downRevision = null\n",
      /x\.ts:1: revision must be a string/,
    )
  })

  it('rejects an empty revision id', () => {
    rejects(
      "export const revision = ''\nexport const downRevision = null\n",
      /x\.ts:1: revision must not be empty/,
    )
  })

  it('rejects a literal continued on the next line', () => {
    rejects(
      "export const revision = 'a'\n  + 'b'\nexport const downRevision = null\n",
      /x\.ts:1: revision must be a string \(found ''a''\)/,
    )
    rejects(
      "export const revision = 'a'\nexport const downRevision = 'p'\n  .trim()\n",
      /x\.ts:2: downRevision .*found ''p''/,
    )
  })

  it('rejects an expression built from literals', () => {
    rejects(
      "export const revision = 'a' + 'b'\nexport const downRevision = null\n",
      /x\.ts:1: revision .*found ''a' \+ 'b''/,
    )
  })

  it('rejects a non-string array element, naming its line', () => {
    rejects(
      "export const revision = 'a'\nexport const downRevision = [\n  'p',\n  other,\n]\n",
      /x\.ts:4: downRevision .*found 'other in the array'/,
    )
  })

  it('rejects a declaration without a value', () => {
    rejects(
      'export let revision: string\nexport const downRevision = null\n',
      /x\.ts:1: revision has no value/,
    )
  })

  it('rejects several declarators in one statement', () => {
    rejects(
      "export const revision = 'a', downRevision = null\n",
      /x\.ts:1: declare revision in its own/,
    )
  })

  it('rejects a function or an export list for one of the names', () => {
    rejects("export function revision() { return 'a' }\n", /x\.ts:1: revision must be a constant/)
    rejects(
      "const revision = 'a'\nconst downRevision = null\nexport { revision, downRevision }\n",
      /x\.ts:3: revision must be exported as a literal declaration/,
    )
    rejects("const r = 'a'\nexport { r as revision }\n", /x\.ts:2: revision must be exported/)
  })

  it('rejects an unterminated string, array, comment and template with their line', () => {
    rejects(
      "export const revision = 'a\nexport const downRevision = null\n",
      /x\.ts:1: unterminated string/,
    )
    rejects(
      "export const revision = 'a'\nexport const downRevision = [\n  'p',\n",
      /x\.ts:2: unterminated array in downRevision/,
    )
    rejects(base('/* never closed\n'), /x\.ts:3: unterminated comment/)
    rejects(base('const t = `open\n'), /x\.ts:3: unterminated template string/)
  })

  it('rejects a duplicate export, naming both lines', () => {
    rejects(
      "export const revision = 'a'\nexport const downRevision = null\nexport const revision = 'b'\n",
      /x\.ts:3: revision is exported twice \(first on line 1\)/,
    )
  })

  it('rejects a file with identifier exports but no revision', () => {
    rejects(
      "export const downRevision = 'aaaa'\n",
      /^migrations\/versions\/x\.ts: no 'revision' export/,
    )
  })

  it('rejects a revision without downRevision: null must be explicit for a base', () => {
    rejects(
      "export const revision = 'a'\n",
      /^migrations\/versions\/x\.ts: no 'downRevision' export.*null must be explicit/,
    )
  })
})
