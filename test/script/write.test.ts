import assert from 'node:assert/strict'
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigError, ScriptError } from '../../src/errors.js'
import { parseRevisionSource } from '../../src/script/parse.js'
import {
  formatCreateDate,
  renderRevision,
  revisionFileName,
  slugify,
  writeFileAtomic,
} from '../../src/script/write.js'

const TEMPLATE = readFileSync(
  fileURLToPath(new URL('../../templates/generic/script.ts.tmpl', import.meta.url)),
  'utf8',
)

describe('slugify', () => {
  it('joins the word-character runs with underscores, lower-cased', () => {
    assert.equal(slugify('Add shopping-cart table!', 40), 'add_shopping_cart_table')
    assert.equal(slugify('  spaces   and\ttabs ', 40), 'spaces_and_tabs')
    assert.equal(slugify('keep_under_scores 42', 40), 'keep_under_scores_42')
  })

  it('keeps non-ASCII letters, as Python word characters do', () => {
    assert.equal(slugify('Ajouter la colonne été', 40), 'ajouter_la_colonne_été')
  })

  it('cuts a long slug at the limit, back to the last underscore, and appends one', () => {
    assert.equal(
      slugify('Hello world a very long message that goes past the limit', 40),
      'hello_world_a_very_long_message_that_',
    )
  })

  it('leaves a slug exactly at the limit alone', () => {
    assert.equal(slugify('abcd efgh', 9), 'abcd_efgh')
    assert.equal(slugify('abcd efghi', 9), 'abcd_')
  })

  it('keeps the cut word when there is no underscore before the limit', () => {
    assert.equal(slugify('a'.repeat(50), 40), 'a'.repeat(40) + '_')
  })

  it('gives an empty slug for no message or no word characters', () => {
    assert.equal(slugify('', 40), '')
    assert.equal(slugify(undefined, 40), '')
    assert.equal(slugify('!!! ---', 40), '')
  })
})

describe('revisionFileName', () => {
  const date = new Date(2024, 0, 2, 3, 4, 5, 678)

  it('defaults to {rev}_{slug} plus the extension', () => {
    assert.equal(
      revisionFileName({ rev: 'ae1027a6acf', slug: 'add_account', date, extension: '.ts' }),
      'ae1027a6acf_add_account.ts',
    )
  })

  it('gives rev_.ts for an empty slug, as Alembic does', () => {
    assert.equal(revisionFileName({ rev: 'w2', slug: '', date, extension: 'ts' }), 'w2_.ts')
  })

  it('fills the date tokens zero-padded, in local time', () => {
    const name = revisionFileName({
      rev: 'r1',
      slug: 's',
      fileTemplate: '{year}_{month}_{day}_{hour}{minute}{second}-{rev}_{slug}',
      date,
      extension: '.mts',
    })
    assert.equal(name, '2024_01_02_030405-r1_s.mts')
  })

  it('fills the date tokens in the configured zone', () => {
    const utc = new Date(Date.UTC(2024, 0, 2, 23, 30, 0))
    const name = revisionFileName({
      rev: 'r',
      slug: 's',
      fileTemplate: '{year}{month}{day}{hour}{minute}_{rev}',
      date: utc,
      timezone: 'Asia/Tokyo',
      extension: '.ts',
    })
    assert.equal(name, '202401030830_r.ts')
  })

  it('refuses an unknown token', () => {
    assert.throws(
      () =>
        revisionFileName({
          rev: 'r',
          slug: 's',
          fileTemplate: '{rev}_{epoch}',
          date,
          extension: '.ts',
        }),
      (e: unknown) => e instanceof ScriptError && /unknown token\(s\) \{epoch\}/.test(e.message),
    )
  })
})

describe('formatCreateDate', () => {
  it('prints local time with microseconds', () => {
    const date = new Date(2014, 10, 20, 13, 3, 11, 436)
    assert.equal(formatCreateDate(date), '2014-11-20 13:03:11.436000')
  })

  it('prints the zone time and its offset when a zone is given', () => {
    const date = new Date(Date.UTC(2020, 0, 1, 0, 0, 0, 5))
    assert.equal(formatCreateDate(date, 'UTC'), '2020-01-01 00:00:00.005000+00:00')
    assert.equal(formatCreateDate(date, 'America/New_York'), '2019-12-31 19:00:00.005000-05:00')
    assert.equal(formatCreateDate(date, 'Asia/Kolkata'), '2020-01-01 05:30:00.005000+05:30')
  })

  it('follows daylight saving time', () => {
    const summer = new Date(Date.UTC(2024, 6, 1, 12, 0, 0))
    assert.equal(formatCreateDate(summer, 'Europe/Paris'), '2024-07-01 14:00:00.000000+02:00')
  })

  it('refuses an unknown zone with a ConfigError naming the key', () => {
    assert.throws(
      () => formatCreateDate(new Date(), 'Mars/Olympus'),
      (e: unknown) => e instanceof ConfigError && /'timezone'.*Mars\/Olympus/.test(e.message),
    )
  })
})

describe('renderRevision', () => {
  const values = {
    message: 'add account table',
    revision: 'ae1027a6acf',
    downRevisions: ['1975ea83b712'],
    branchLabels: [],
    dependsOn: [],
    createDate: '2020-01-01 00:00:00.000000',
  }

  it('writes the doc comment lines: message, blank, Revision ID, Revises, Create Date', () => {
    const text = renderRevision(TEMPLATE, values)
    assert.ok(
      text.startsWith(
        '/**\n * add account table\n *\n * Revision ID: ae1027a6acf\n * Revises: 1975ea83b712\n' +
          ' * Create Date: 2020-01-01 00:00:00.000000\n */\n',
      ),
      text,
    )
  })

  it('renders the lists as TypeScript literals', () => {
    const text = renderRevision(TEMPLATE, {
      ...values,
      downRevisions: ['a', 'b'],
      branchLabels: ['shoppingcart'],
      dependsOn: [],
    })
    assert.match(text, /^export const revision = 'ae1027a6acf'$/m)
    assert.match(
      text,
      /^export const downRevision: string \| readonly string\[\] \| null = \['a', 'b'\]$/m,
    )
    assert.match(
      text,
      /^export const branchLabels: string \| readonly string\[\] \| null = 'shoppingcart'$/m,
    )
    assert.match(text, /^export const dependsOn: string \| readonly string\[\] \| null = null$/m)
  })

  it('imports the MigrationContext type and shows op in a commented sample', () => {
    const text = renderRevision(TEMPLATE, values)
    assert.match(text, /import type \{ MigrationContext \} from 'retort-migrate'/)
    assert.match(text, /^ {2}\/\/ await op\.createTable\('account', \[$/m)
    assert.match(text, /^ {2}\/\/ await op\.dropTable\('account'\)$/m)
    assert.match(text, /^export async function downgrade\(_context: MigrationContext\)/m)
  })

  it('gives a merge revision empty bodies, without the createTable sample', () => {
    const text = renderRevision(TEMPLATE, { ...values, downRevisions: ['a', 'b'] })
    assert.doesNotMatch(text, /createTable|dropTable/)
    assert.match(
      text,
      /^export async function upgrade\(_context: MigrationContext\): Promise<void> \{\n\}$/m,
    )
    assert.match(
      text,
      /^export async function downgrade\(_context: MigrationContext\): Promise<void> \{\n\}$/m,
    )
  })

  it("writes 'empty message' when there is no message", () => {
    const text = renderRevision(TEMPLATE, { ...values, message: '' })
    assert.match(text, /^ \* empty message$/m)
  })

  it('keeps a multi-line message inside the comment', () => {
    const text = renderRevision(TEMPLATE, { ...values, message: 'first\n\nsecond */ tricky' })
    const parsed = parseRevisionSource(text, 'x.ts')
    assert.ok(parsed)
    assert.ok(
      parsed.doc.startsWith('first\n\nsecond *\\/ tricky\n\nRevision ID: ae1027a6acf'),
      parsed.doc,
    )
  })

  it('refuses an unknown placeholder, naming the template', () => {
    assert.throws(
      () => renderRevision('{{ nope }}', values, 'migrations/script.ts.tmpl'),
      (e: unknown) =>
        e instanceof ScriptError &&
        /^migrations\/script\.ts\.tmpl: unknown placeholder '\{\{ nope \}\}'/.test(e.message),
    )
  })

  it('round trip: a generated file reads back to the same identifiers and doc', () => {
    const cases = [
      { ...values, downRevisions: [], branchLabels: [], dependsOn: [] },
      { ...values, downRevisions: ['p'], branchLabels: ['lab'], dependsOn: ['d1', 'lab2'] },
      { ...values, downRevisions: ['p', 'q', 'r'], branchLabels: ['x', 'y'], dependsOn: ['z'] },
      { ...values, revision: "we'ird\\id", downRevisions: [], message: undefined },
    ]
    for (const c of cases) {
      const parsed = parseRevisionSource(renderRevision(TEMPLATE, c), 'x.ts')
      assert.deepEqual(parsed, {
        revision: c.revision,
        downRevisions: c.downRevisions,
        branchLabels: c.branchLabels,
        dependsOn: c.dependsOn,
        doc:
          `${c.message ?? 'empty message'}\n\nRevision ID: ${c.revision}\n` +
          `Revises: ${c.downRevisions.join(', ')}\nCreate Date: ${c.createDate}`,
      })
    }
  })

  it('keeps the trailing space of "Revises: " for a base', () => {
    const parsed = parseRevisionSource(
      renderRevision(TEMPLATE, { ...values, downRevisions: [] }),
      'x.ts',
    )
    assert.match(parsed?.doc ?? '', /\nRevises: \n/)
  })
})

describe('writeFileAtomic', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'retort-write-'))
  })
  afterEach(() => {
    chmodSync(dir, 0o755)
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes the whole content and leaves no temporary file', () => {
    const target = join(dir, 'a.ts')
    writeFileAtomic(target, 'hello\n')
    assert.equal(readFileSync(target, 'utf8'), 'hello\n')
    assert.deepEqual(readdirSync(dir), ['a.ts'])
  })

  it('refuses to overwrite an existing file and leaves it untouched', () => {
    const target = join(dir, 'a.ts')
    writeFileSync(target, 'original')
    assert.throws(
      () => writeFileAtomic(target, 'new'),
      (e: unknown) =>
        e instanceof ScriptError && e.path === target && /already exists/.test(e.message),
    )
    assert.equal(readFileSync(target, 'utf8'), 'original')
    assert.deepEqual(readdirSync(dir), ['a.ts'])
  })

  it(
    'leaves nothing behind when the folder cannot be written',
    { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false },
    () => {
      chmodSync(dir, 0o500)
      assert.throws(() => writeFileAtomic(join(dir, 'a.ts'), 'x'), ScriptError)
      chmodSync(dir, 0o755)
      assert.deepEqual(readdirSync(dir), [])
    },
  )

  it('leaves nothing behind when the folder does not exist', () => {
    assert.throws(() => writeFileAtomic(join(dir, 'missing', 'a.ts'), 'x'), ScriptError)
    assert.deepEqual(readdirSync(dir), [])
  })

  it('removes its temporary file when the final step fails', () => {
    // A dangling link is not seen by the existence check, but takes the name: link() fails
    // after the content was written.
    const target = join(dir, 'a.ts')
    symlinkSync(join(dir, 'nowhere'), target)
    assert.throws(
      () => writeFileAtomic(target, 'x'),
      (e: unknown) => e instanceof ScriptError && /already exists/.test(e.message),
    )
    assert.deepEqual(readdirSync(dir), ['a.ts'])
  })
})
