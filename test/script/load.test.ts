import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import { ScriptError } from '../../src/errors.js'
import { loadMigration, loadMigrations } from '../../src/script/load.js'

const repoModules = fileURLToPath(new URL('../../node_modules', import.meta.url))

// A temp project: ESM package, the repository's node_modules linked in (so
// that revision files can import packages), revision files in versions/.
let project: string
let versions: string
beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'retort-load-'))
  versions = join(project, 'versions')
  mkdirSync(versions)
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n')
  symlinkSync(repoModules, join(project, 'node_modules'))
})
afterEach(() => rmSync(project, { recursive: true, force: true }))

function write(name: string, source: string): string {
  const path = join(versions, name)
  writeFileSync(path, source)
  return path
}

const HEADER = `import type { MigrationContext } from 'retort-migrate'\nexport const revision = 'aaaa'\n`

describe('loadMigrations', () => {
  it('loads a TypeScript module with type-only imports: exports, functions, live bindings', async () => {
    const path = write(
      'aaaa_x.ts',
      HEADER +
        `export let count: number = 0\n` +
        `export function bump(): void { count++ }\n` +
        `export async function upgrade(ctx: MigrationContext): Promise<string> { return typeof ctx }\n`,
    )
    const mod = (await loadMigration(path)) as any
    assert.equal(mod.revision, 'aaaa')
    assert.equal(await mod.upgrade({}), 'object')
    mod.bump()
    assert.equal(mod.count, 1)
  })

  it('loads .js and .mjs modules', async () => {
    const js = write(
      'aaaa_x.js',
      `export const revision = 'aaaa'\nexport function upgrade() { return 'js' }\n`,
    )
    const mjs = write(
      'bbbb_x.mjs',
      `export const revision = 'bbbb'\nexport default 1\nexport function upgrade() { return 'mjs' }\n`,
    )
    const [a, b] = (await loadMigrations([js, mjs])) as any[]
    assert.equal(a.upgrade(), 'js')
    assert.equal(b.upgrade(), 'mjs')
    assert.equal(b.default, 1)
  })

  it('evaluates modules as ESM would: strict mode, no top-level this, no exports or module', async () => {
    const path = write(
      'aaaa_x.ts',
      HEADER +
        `export const self = this\n` +
        `export const commonjs: string = typeof exports + ' ' + typeof module\n` +
        `export function leak() { undeclared = 1 }\ndeclare let undeclared: number\n`,
    )
    const mod = (await loadMigration(path)) as any
    assert.equal(mod.self, undefined)
    assert.equal(mod.commonjs, 'undefined undefined')
    assert.throws(() => mod.leak(), ReferenceError)
    // Without `this`, the module takes the batched path: the same holds there.
    const batched = write(
      'bbbb_x.ts',
      HEADER +
        `export const commonjs: string = typeof exports + ' ' + typeof module + ' ' + typeof require\n`,
    )
    const other = write('cccc_x.ts', HEADER + `export const other = 1\n`)
    const [b] = (await loadMigrations([batched, other])) as any[]
    assert.equal(b.commonjs, 'undefined undefined undefined')
  })

  it('imports natively what needs ESM: package imports (same instance), import.meta, top-level await, export default', async () => {
    const paths = [
      write('a_pkg.ts', HEADER + `import { sql } from 'kysely'\nexport const sqlRef = sql\n`),
      write('b_meta.ts', HEADER + `export const url: string = import.meta.url\n`),
      write('c_tla.ts', HEADER + `export const value: number = await Promise.resolve(42)\n`),
      write(
        'd_default.ts',
        HEADER + `export default function upgrade(): string { return 'default' }\n`,
      ),
      write('e_plain.ts', HEADER + `export const plain: string = 'plain'\n`),
    ]
    const [pkg, meta, tla, def, plain] = (await loadMigrations(paths)) as any[]
    assert.equal(pkg.sqlRef, sql)
    assert.equal(meta.url, pathToFileURL(paths[1]!).href)
    assert.equal(tla.value, 42)
    assert.equal(def.default(), 'default')
    assert.equal(plain.plain, 'plain')
  })

  it('imports a TypeScript module natively in a package without "type": "module"', async () => {
    writeFileSync(join(project, 'package.json'), '{}\n')
    const path = write(
      'a_pkg.ts',
      HEADER + `import { sql } from 'kysely'\nexport const sqlRef = sql\n`,
    )
    const mod = (await loadMigration(path)) as any
    assert.equal(mod.revision, 'aaaa')
    assert.equal(typeof mod.sqlRef, 'function')
  })

  it('names the revision file in stack traces of its functions', async () => {
    const path = write(
      'aaaa_x.ts',
      HEADER + `export function upgrade(): never { throw new Error('boom') }\n`,
    )
    const mod = (await loadMigration(path)) as any
    assert.throws(
      () => mod.upgrade(),
      (e: Error) => e.stack!.includes(path),
    )
  })

  it('fails with a ScriptError naming the file for a syntax error or a throwing module, keeping the others', async () => {
    const good = write('a_good.ts', HEADER + `export const ok = true\n`)
    const broken = write('b_broken.ts', HEADER + `export const = 1\n`)
    const throwing = write('c_throwing.ts', HEADER + `throw new Error('module failed')\n`)
    await assert.rejects(
      loadMigrations([good, broken]),
      (e) => e instanceof ScriptError && e.path === broken,
    )
    await assert.rejects(
      loadMigrations([good, throwing]),
      (e) => e instanceof ScriptError && e.path === throwing && /module failed/.test(e.message),
    )
    assert.equal(((await loadMigration(good)) as any).ok, true)
  })

  it('caches transpiled code under node_modules/.cache/retort of the nearest project', async () => {
    // A project of its own (not the linked node_modules shared with other runs).
    const own = join(project, 'own')
    mkdirSync(join(own, 'node_modules'), { recursive: true })
    mkdirSync(join(own, 'versions'))
    const path = join(own, 'versions', 'aaaa_x.ts')
    writeFileSync(path, HEADER + `export const marker = 'cached-marker'\n`)
    const other = join(own, 'versions', 'bbbb_x.ts')
    writeFileSync(other, HEADER + `export const other = 1\n`)
    await loadMigrations([path, other])
    const cacheFile = join(own, 'node_modules', '.cache', 'retort', 'transpiled-v1.json')
    assert.ok(existsSync(cacheFile))
    assert.ok(readFileSync(cacheFile, 'utf8').includes('cached-marker'))
    assert.equal(((await loadMigration(path)) as any).marker, 'cached-marker')
  })

  it('neither reads nor writes a temp cache folder that other users can write to', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'retort-tmp-'))
    const saved = process.env.TMPDIR
    try {
      process.env.TMPDIR = temp
      const shared = join(temp, `retort-cache-${process.getuid!()}`)
      mkdirSync(shared)
      chmodSync(shared, 0o777)
      // Files outside any project (no node_modules above them) are cached in the temp folder.
      const loose = mkdtempSync(join(temp, 'loose-'))
      const a = join(loose, 'a_x.ts')
      const b = join(loose, 'b_x.ts')
      writeFileSync(a, HEADER + `export const a: number = 1\n`)
      writeFileSync(b, HEADER + `export const b: number = 2\n`)
      const [ma, mb] = (await loadMigrations([a, b])) as any[]
      assert.deepEqual([ma.a, mb.b], [1, 2])
      assert.ok(!existsSync(join(shared, 'transpiled-v1.json')))
    } finally {
      if (saved === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = saved
      rmSync(temp, { recursive: true, force: true })
    }
  })

  it('gives the same module when a file is loaded twice, like an import', async () => {
    const path = write('aaaa_x.ts', HEADER + `export const made = {}\n`)
    const [first] = await loadMigrations([path])
    assert.equal(await loadMigration(path), first)
  })

  it('loads many modules in order', async () => {
    const paths = Array.from({ length: 300 }, (_, i) =>
      write(`r${i}_x.ts`, `export const revision: string = 'r${i}'\n`),
    )
    const modules = await loadMigrations(paths)
    assert.deepEqual(
      modules.map((m) => m.revision),
      paths.map((_, i) => `r${i}`),
    )
  })
})
