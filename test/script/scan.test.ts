import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { ScriptError } from '../../src/errors.js'
import { isRevisionFileName, scanVersionLocations } from '../../src/script/scan.js'

let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'retort-scan-'))
})

afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

/** Write a revision file `path` (relative to the project) declaring `id` as a base. */
function revision(path: string, id: string, down: string | null = null): void {
  const file = join(root, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(
    file,
    `/**\n * rev ${id}\n */\nexport const revision = '${id}'\n` +
      `export const downRevision = ${down === null ? 'null' : `'${down}'`}\n`,
  )
}

function write(path: string, content: string): void {
  const file = join(root, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, content)
}

function ids(locations: string[], recursive = false): string[] {
  return scanVersionLocations({ locations, recursive, rootDir: root }).records.map(
    (r) => r.revision,
  )
}

describe('scanVersionLocations', () => {
  it('reads files in code-point order of their names within a location', () => {
    revision('v/b_x.ts', 'b')
    revision('v/a_x.ts', 'a')
    revision('v/B_x.ts', 'B')
    revision('v/_x.ts', 'underscore')
    revision('v/a1_x.ts', 'a1')
    // Upper case sorts before lower case, '_' between them; '1' before '_'.
    assert.deepEqual(ids(['v']), ['B', 'underscore', 'a1', 'a', 'b'])
  })

  it('sorts by code point, not UTF-16 unit, when names hold astral characters', () => {
    revision('v/\u{1F600}.ts', 'astral')
    revision('v/\uFFFD.ts', 'bmp')
    assert.deepEqual(ids(['v']), ['bmp', 'astral'])
  })

  it('reads locations in the configured order', () => {
    revision('one/a.ts', 'a')
    revision('two/0.ts', 'zero')
    assert.deepEqual(ids(['one', 'two']), ['a', 'zero'])
    assert.deepEqual(ids(['two', 'one']), ['zero', 'a'])
  })

  it('ignores subfolders without recursion', () => {
    revision('v/a.ts', 'a')
    revision('v/sub/b.ts', 'b')
    assert.deepEqual(ids(['v']), ['a'])
  })

  it('with recursion reads a folder own files first, then subfolders sorted, depth first', () => {
    revision('v/z_top.ts', 'top')
    revision('v/2021/a.ts', 'y2021')
    revision('v/2020/b.ts', 'y2020')
    revision('v/2020/deep/a.ts', 'deep')
    revision('v/2020/a.ts', 'y2020a')
    assert.deepEqual(ids(['v'], true), ['top', 'y2020a', 'y2020', 'deep', 'y2021'])
  })

  it('records the path relative to the project with forward slashes and the location', () => {
    revision('migrations/versions/sub/a_x.ts', 'a')
    const [record] = scanVersionLocations({
      locations: [join(root, 'migrations/versions')],
      recursive: true,
      rootDir: root,
    }).records
    assert.equal(record?.path, 'migrations/versions/sub/a_x.ts')
    assert.equal(record?.versionLocation, join(root, 'migrations/versions'))
    assert.equal(record?.doc, 'rev a')
  })

  it('takes relative locations from rootDir', () => {
    revision('m/v/a.ts', 'a')
    const [record] = scanVersionLocations({
      locations: ['m/v'],
      recursive: false,
      rootDir: root,
    }).records
    assert.equal(record?.versionLocation, join(root, 'm/v'))
  })

  it('reads .ts, .mts, .js and .mjs and skips other names', () => {
    revision('v/a.ts', 'ts')
    revision('v/b.mts', 'mts')
    revision('v/c.js', 'js')
    revision('v/d.mjs', 'mjs')
    revision('v/e.txt', 'txt')
    revision('v/f.py', 'py')
    revision('v/g.d.ts', 'dts')
    revision('v/index.ts', 'index')
    revision('v/__init__.ts', 'init')
    revision('v/.#h.ts', 'lock')
    revision('v/.hidden.ts', 'hidden')
    revision('v/i.tsx', 'tsx')
    assert.deepEqual(ids(['v']), ['ts', 'mts', 'js', 'mjs'])
  })

  it('names revision modules by the same rule as isRevisionFileName', () => {
    assert.equal(isRevisionFileName('ae1027a6acf_add_account.ts'), true)
    assert.equal(isRevisionFileName('x.d.mts'), false)
    assert.equal(isRevisionFileName('__init__.mjs'), false)
    assert.equal(isRevisionFileName('.#x.js'), false)
    assert.equal(isRevisionFileName('ts'), false)
  })

  it('passes over helper modules named _*.ts that export none of the four names', () => {
    revision('v/a.ts', 'a')
    write('v/_helpers.ts', "export function columns() { return ['id'] }\n")
    assert.deepEqual(ids(['v']), ['a'])
  })

  it('refuses any other module that exports none of the four names, naming it', () => {
    revision('v/a.ts', 'a')
    write('v/helpers.ts', "export function columns() { return ['id'] }\n")
    assert.throws(
      () => ids(['v']),
      (e: unknown) =>
        e instanceof ScriptError &&
        e.path === 'v/helpers.ts' &&
        e.message.startsWith('v/helpers.ts: not a revision: it exports none of revision'),
    )
  })

  it('refuses an empty module on every read, with the scan cache on', () => {
    revision('v/a.ts', 'a')
    write('v/b.ts', '')
    mkdirSync(join(root, 'node_modules'))
    for (let k = 0; k < 2; k++) {
      assert.throws(
        () =>
          scanVersionLocations({ locations: ['v'], recursive: false, rootDir: root, cache: true }),
        /^ScriptError: v\/b\.ts: the file is empty/,
      )
    }
  })

  it('treats a missing location as empty', () => {
    revision('v/a.ts', 'a')
    assert.deepEqual(ids(['nowhere', 'v']), ['a'])
  })

  it('reads a file reached through two overlapping locations once, with a warning', () => {
    revision('v/a.ts', 'a')
    revision('v/sub/b.ts', 'b')
    const result = scanVersionLocations({
      locations: ['v', 'v/sub'],
      recursive: true,
      rootDir: root,
    })
    assert.deepEqual(
      result.records.map((r) => [r.revision, r.versionLocation]),
      [
        ['a', join(root, 'v')],
        ['b', join(root, 'v')],
      ],
    )
    assert.equal(result.warnings.length, 1)
    assert.match(
      result.warnings[0] ?? '',
      /^v\/sub\/b\.ts is reached through more than one version location \(v and v\/sub\)/,
    )
  })

  it('reads a location listed twice once', () => {
    revision('v/a.ts', 'a')
    const result = scanVersionLocations({ locations: ['v', 'v'], recursive: false, rootDir: root })
    assert.deepEqual(
      result.records.map((r) => r.revision),
      ['a'],
    )
    assert.equal(result.warnings.length, 1)
  })

  it('detects the overlap through a symbolic link to a location', () => {
    revision('v/a.ts', 'a')
    symlinkSync(join(root, 'v'), join(root, 'alias'))
    const result = scanVersionLocations({
      locations: ['v', 'alias'],
      recursive: false,
      rootDir: root,
    })
    assert.deepEqual(
      result.records.map((r) => r.revision),
      ['a'],
    )
    assert.equal(result.warnings.length, 1)
  })

  it('fails on an unreadable revision with the file path in the message', () => {
    revision('v/a.ts', 'a')
    write('v/b_bad.ts', "export const revision = 'b'\nexport const downRevision = pick()\n")
    assert.throws(
      () => ids(['v']),
      (e: unknown) =>
        e instanceof ScriptError &&
        e.path === 'v/b_bad.ts' &&
        /^v\/b_bad\.ts:2: downRevision/.test(e.message),
    )
  })

  it('fails on a file without a revision id, naming it', () => {
    write('v/bbbb_bad.ts', "export const downRevision = 'aaaa'\n")
    assert.throws(() => ids(['v']), /v\/bbbb_bad\.ts: no 'revision' export/)
  })

  it('reads a file larger than its read buffer whole', () => {
    const padding = '// filler line to make the file big\n'.repeat(4000)
    write('v/big.ts', `${padding}export const revision = 'big'\nexport const downRevision = null\n`)
    assert.deepEqual(ids(['v']), ['big'])
  })
})
