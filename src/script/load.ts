import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { compileFunction } from 'node:vm'
import type * as esbuildModule from 'esbuild'
import { ScriptError } from '../errors.js'

/** What Retort reads from a revision module to run it. */
export interface MigrationModule {
  readonly upgrade?: unknown
  readonly downgrade?: unknown
  readonly [name: string]: unknown
}

/** Options of {@link loadMigration} and {@link loadMigrations}. */
export interface LoadOptions {
  /** Folder that relative paths are taken from (default: the working folder); messages show paths as given. */
  readonly baseDir?: string
}

/**
 * Import one revision module to run it (`.js`/`.mjs` natively, `.ts`/`.mts`
 * without a build step). For many modules, {@link loadMigrations} is faster.
 */
export async function loadMigration(
  path: string,
  options: LoadOptions = {},
): Promise<MigrationModule> {
  const [module] = await loadMigrations([path], options)
  return module!
}

/**
 * Import several revision modules, in the order given; much faster than one
 * by one for long histories.
 *
 * Node's ESM loader costs a few hundred microseconds per module, and tsx
 * more, too much for ten thousand revisions. So a module whose code imports
 * nothing at run time (type-only imports are erased) and uses neither
 * `import.meta` nor top-level `await` is compiled by esbuild (many per call)
 * into a function that assigns its exports, cached under
 * `node_modules/.cache/retort/` of the nearest project, and evaluated in
 * strict mode with the file as its name (stack traces point at it). Such a
 * module has nothing through which ESM and this evaluation could differ.
 * Every other module is imported normally (through tsx for `.ts`).
 */
export async function loadMigrations(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<MigrationModule[]> {
  const files = paths.map((p) => {
    const path = resolve(options.baseDir ?? '.', p)
    let source: string
    try {
      source = readFileSync(path, 'utf8')
    } catch (error) {
      throw new ScriptError(`cannot read revision file '${p}': ${messageOf(error)}`, p, {
        cause: error,
      })
    }
    return { path, shown: p, source, key: cacheKey(path, source) }
  })

  const missing = files.filter((f) => !cacheOf(f.path).entries.has(f.key))
  if (missing.length > 0) {
    const compiled = await transpileAll(missing.map((f) => ({ path: f.path, source: f.source })))
    missing.forEach((f, i) => {
      const cache = cacheOf(f.path)
      cache.entries.set(f.key, compiled[i]!)
      cache.dirty = true
    })
    // One write per batch; single loads in a row are written together a moment later.
    if (files.length > 1) saveDirtyCaches()
    else scheduleSave()
  }

  const modules: MigrationModule[] = []
  for (const file of files) {
    const id = `${file.path}\0${file.key}`
    let module = evaluated.get(id)
    if (!module) {
      const code = cacheOf(file.path).entries.get(file.key)
      module = code
        ? evaluate(code, file.path, file.shown)
        : await importNatively(file.path, file.shown)
      // Like the ESM registry: importing a file twice gives the same module.
      evaluated.set(id, module)
    }
    modules.push(module)
  }
  return modules
}

const evaluated = new Map<string, MigrationModule>()

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

// Bump when the transformation below changes, so old cache entries are not reused.
const PIPELINE = 'retort-load-4'

function cacheKey(path: string, source: string): string {
  const loader = /\.m?ts$/.test(path) ? 'ts' : 'js'
  return createHash('sha1').update(`${PIPELINE}\0${loader}\0${source}`).digest('hex')
}

// ---- the cache: one JSON file per project, content hash -> code (or null: import natively)

interface TranspileCache {
  readonly file: string
  readonly entries: Map<string, string | null>
  dirty: boolean
  /** False for a shared temp folder that others could have written: nothing is read from or written to it. */
  readonly trusted: boolean
}

const MAX_CACHE_ENTRIES = 50_000

// Caches stay open for the process: one read of the file, however many loads.
const cachesByDir = new Map<string, TranspileCache>()
const cacheDirByFolder = new Map<string, string>()

function cacheOf(path: string): TranspileCache {
  const folder = dirname(path)
  let dir = cacheDirByFolder.get(folder)
  if (dir === undefined) cacheDirByFolder.set(folder, (dir = cacheDirFor(folder)))
  let cache = cachesByDir.get(dir)
  if (!cache)
    cachesByDir.set(dir, (cache = openCache(dir, dir !== tempCacheDir() || isPrivateFolder(dir))))
  return cache
}

/** Where revision files outside any project are cached: a folder of the user's own under the temp folder. */
function tempCacheDir(): string {
  return join(tmpdir(), `retort-cache-${process.getuid?.() ?? 'user'}`)
}

/**
 * Whether a temp folder is ours alone. Cached code is run, so a folder that
 * another user could have created or written to is not used.
 */
function isPrivateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const stat = lstatSync(dir)
    const ownUid = process.getuid?.()
    return (
      stat.isDirectory() &&
      (ownUid === undefined || stat.uid === ownUid) &&
      (stat.mode & 0o022) === 0
    )
  } catch {
    return false
  }
}

function saveDirtyCaches(): void {
  for (const cache of cachesByDir.values()) {
    if (cache.dirty) saveCache(cache)
    cache.dirty = false
  }
}

let saveTimer: NodeJS.Timeout | undefined

function scheduleSave(): void {
  if (saveTimer) clearTimeout(saveTimer)
  saveTimer = setTimeout(saveDirtyCaches, 100)
  // Never keeps the process alive: a lost write only costs speed next time.
  saveTimer.unref()
}

/** `node_modules/.cache/retort` of the nearest folder (from `dir` up) that has `node_modules`, else a temp folder. */
function cacheDirFor(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules', '.cache', 'retort')
    if (dirname(d) === d) break
  }
  return tempCacheDir()
}

function openCache(dir: string, trusted: boolean): TranspileCache {
  const file = join(dir, 'transpiled-v1.json')
  let entries = new Map<string, string | null>()
  try {
    if (trusted)
      entries = new Map(
        Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | null>),
      )
  } catch {
    // No cache yet, or an unreadable one: start afresh.
  }
  return { file, entries, dirty: false, trusted }
}

function saveCache(cache: TranspileCache): void {
  if (!cache.trusted) return
  // Keep what other processes wrote since we read the file (ours win on equal keys).
  const merged = new Map([...openCache(dirname(cache.file), true).entries, ...cache.entries])
  let entries = [...merged]
  // Entries are in insertion order, the ones read from the file first: drop the oldest.
  if (entries.length > MAX_CACHE_ENTRIES)
    entries = entries.slice(entries.length - MAX_CACHE_ENTRIES)
  try {
    mkdirSync(dirname(cache.file), { recursive: true })
    // Write then rename, so that a concurrent reader sees the old or the new file, never half of one.
    const temp = `${cache.file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(Object.fromEntries(entries)))
    renameSync(temp, cache.file)
  } catch {
    // A read-only project only loses the speed-up.
  }
}

// ---- turning modules into functions

type Esbuild = typeof esbuildModule

/**
 * For each module, code to evaluate (see `evaluate`), or null when the
 * module must be imported natively.
 */
async function transpileAll(
  files: readonly { path: string; source: string }[],
): Promise<(string | null)[]> {
  const esbuild = await import('esbuild')
  const results: (string | null | undefined)[] = files.map(() => undefined)
  // esbuild costs about a millisecond per call, whatever the input size, so
  // self-contained TypeScript modules are transformed in batches (below).
  const batchable = files.flatMap((f, i) => {
    const body = withoutTypeImports(f.source)
    return /\.m?ts$/.test(f.path) && isNamespaceSafe(body) ? [{ index: i, body }] : []
  })
  const batches: (typeof batchable)[] = []
  for (let i = 0; i < batchable.length; i += BATCH_SIZE)
    batches.push(batchable.slice(i, i + BATCH_SIZE))
  await Promise.all(
    batches.map(async (batch) => {
      const codes = await transpileBatch(
        esbuild,
        batch.map((b) => b.body),
      )
      if (codes) batch.forEach((b, i) => (results[b.index] = codes[i]!))
    }),
  )
  await Promise.all(
    files.map(async (file, i) => {
      if (results[i] === undefined) results[i] = await transpileOne(esbuild, file.path, file.source)
    }),
  )
  return results as (string | null)[]
}

const BATCH_SIZE = 256

// `import type ... from '...'` (possibly over several lines): erased by TypeScript anyway.
// (`import type from '...'` imports a default export named `type`: not matched.)
const TYPE_IMPORT = /^[ \t]*import\s+type\s+(?!from\b)[^;'"]*?\bfrom\s*(['"])[^'"\n]*\1[ \t]*;?/gm

function withoutTypeImports(source: string): string {
  return source.replace(TYPE_IMPORT, (text) => text.replace(/[^\n]/g, ''))
}

/**
 * Whether the module can be wrapped in a TypeScript namespace unchanged: no
 * imports left (nor `import.meta`, nor `import()`), and only `export`
 * declarations (a namespace has no `export default`, `export {}`, `export *`).
 * The check is textual and errs on the side of "no".
 */
function isNamespaceSafe(body: string): boolean {
  return !/\bimport\b/.test(body) && !/\bexport\s*(default\b|\{|\*|=)/.test(body)
}

/**
 * Transform many modules in one esbuild call, each wrapped in its own
 * namespace: esbuild turns a namespace into a function that assigns the
 * exports to an object, which is the module's evaluation as ESM would do it
 * (separate scope, strict code, exports assigned where declared). Null when
 * the batch cannot be handled so (top-level await, a syntax error): its
 * modules are then transformed one by one.
 */
async function transpileBatch(
  esbuild: Esbuild,
  bodies: readonly string[],
): Promise<string[] | null> {
  const prefix = `__retort_${createHash('sha1').update(bodies.join('\0')).digest('hex').slice(0, 10)}_`
  const input = bodies.map((body, i) => `namespace ${prefix}${i} {\n${body}\n}\n`).join('')
  let code: string
  try {
    code = (await esbuild.transform(input, { loader: 'ts', target: 'node20', logLevel: 'silent' }))
      .code
  } catch {
    return null
  }
  const codes: string[] = []
  const chunk = new RegExp(
    `^var (${prefix}(\\d+));\\n(\\(\\(\\w+\\) => \\{\\n[\\s\\S]*?\\n\\}\\))\\(\\1 \\|\\| \\(\\1 = \\{\\}\\)\\);$`,
    'gm',
  )
  for (const match of code.matchAll(chunk)) {
    if (Number(match[2]) !== codes.length) return null
    codes.push(`${NAMESPACE_FORM}${match[3]}(${NAMESPACE_TARGET});`)
  }
  // Anything outside the namespaces, or a namespace esbuild left out, means the shapes are not what we expect.
  const rest = code.replace(chunk, '').trim()
  return codes.length === bodies.length && rest === '' ? codes : null
}

/** How a revision module is turned into CommonJS; sourceLine() must transform the same way. */
const cjsTransform = (path: string) =>
  ({
    loader: /\.m?ts$/.test(path) ? 'ts' : 'js',
    format: 'cjs',
    target: 'node20',
    sourcefile: path,
    logLevel: 'silent',
  }) as const

/** esbuild's CommonJS form of one module, or null when it needs a native import. */
async function transpileOne(
  esbuild: Esbuild,
  path: string,
  source: string,
): Promise<string | null> {
  try {
    const result = await esbuild.transform(source, cjsTransform(path))
    // A warning is how esbuild says the CommonJS form differs (import.meta, for one).
    if (result.warnings.length > 0 || /\bimport\s*\(|\bimport\.meta\b/.test(result.code))
      return null
    const code = stripHelpers(result.code)
    // Besides esbuild's own assignment, the module must not mention CommonJS names:
    // ESM code sees none, and here they would exist.
    const exportLine = /^module\.exports = __toCommonJS\((\w+)\);$/m
    if (/\b(exports|module|require)\b/.test(code.replace(exportLine, ''))) return null
    return `${COMMONJS_FORM}${code.replace(exportLine, `${COMMONJS_TARGET}.exports = __toCommonJS($1);`)}`
  } catch {
    // Top-level await, or a syntax error that the native import will report properly.
    return null
  }
}

// Helpers esbuild writes at the top of a CommonJS module that had exports.
// `__export` and `__toCommonJS` are supplied by `evaluate`, once for all
// modules; the others are only used by those two.
const KNOWN_HELPERS = new Set([
  '__defProp',
  '__getOwnPropDesc',
  '__getOwnPropNames',
  '__hasOwnProp',
  '__export',
  '__copyProps',
  '__toCommonJS',
])

/** Drop esbuild's helper preamble when it holds only the known helpers; otherwise keep the code as it is. */
function stripHelpers(code: string): string {
  const lines = code.split('\n')
  const names: string[] = []
  let end = 0
  while (end < lines.length) {
    const line = lines[end]!
    const helper = /^var (__\w+) = /.exec(line)
    if (helper) names.push(helper[1]!)
    else if (!(names.length > 0 && /^[\s})]/.test(line))) break
    end++
  }
  if (names.length === 0 || !names.every((n) => KNOWN_HELPERS.has(n))) return code
  const rest = lines.slice(end).join('\n')
  const stillUsed = names.some((n) => n !== '__export' && n !== '__toCommonJS' && rest.includes(n))
  return stillUsed ? code : rest
}

const helpers = {
  __export(target: object, all: Record<string, () => unknown>): void {
    for (const name in all)
      Object.defineProperty(target, name, { get: all[name], enumerable: true })
  },
  // The exports object with its live getters serves as the module namespace.
  __toCommonJS: (exports: object): object => exports,
}

// Cached code starts with the form it is in, which decides the names it sees.
const NAMESPACE_FORM = 'n'
const COMMONJS_FORM = 'c'
// The only names a module sees besides globals (never `exports`, `module`, `require`, like ESM code).
const NAMESPACE_TARGET = '__retort_exports'
const COMMONJS_TARGET = '__retort_module'

function evaluate(code: string, path: string, shown: string): MigrationModule {
  const body = `"use strict";${code.slice(1)}`
  try {
    if (code.startsWith(NAMESPACE_FORM)) {
      const exports = {} as MigrationModule
      compileFunction(body, [NAMESPACE_TARGET], { filename: path }).call(undefined, exports)
      return exports
    }
    const module = { exports: {} as MigrationModule }
    compileFunction(body, [COMMONJS_TARGET, '__export', '__toCommonJS'], { filename: path }).call(
      undefined,
      module,
      helpers.__export,
      helpers.__toCommonJS,
    )
    return module.exports
  } catch (error) {
    throw new ScriptError(`cannot load revision file '${shown}': ${messageOf(error)}`, shown, {
      cause: error,
    })
  }
}

let tsxRegistered: Promise<void> | undefined

/**
 * Node cannot import TypeScript by itself (before 22.6): register tsx's
 * loader once for the process. Not a namespaced one: that would give the
 * revision modules their own copies of every package they import (Kysely
 * included), where the migration needs the instances Retort uses.
 */
function registerTypescript(): Promise<void> {
  // Both hooks: a `.ts` file in a package without "type": "module" is loaded as CommonJS.
  tsxRegistered ??= Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]).then(
    ([esm, cjs]) => {
      esm.register()
      cjs.register()
    },
  )
  return tsxRegistered
}

/**
 * A `.ts` revision of a package without "type": "module" is compiled to
 * CommonJS, and Node may then find none of its named exports: they all sit
 * on `default` (module.exports). Use those, as an ES module would show them.
 */
function revisionExports(namespace: MigrationModule): MigrationModule {
  const inner = (namespace as { default?: unknown }).default
  const isRevision = (m: object) => 'revision' in m || 'upgrade' in m
  if (!isRevision(namespace) && typeof inner === 'object' && inner !== null && isRevision(inner))
    return inner as MigrationModule
  return namespace
}

async function importNatively(path: string, shown: string): Promise<MigrationModule> {
  const url = pathToFileURL(path).href
  try {
    if (/\.m?ts$/.test(extname(path))) await registerTypescript()
    return revisionExports((await import(url)) as MigrationModule)
  } catch (error) {
    throw new ScriptError(`cannot load revision file '${shown}': ${messageOf(error)}`, shown, {
      cause: error,
    })
  }
}

/**
 * The line of a revision file's source that a stack frame in its evaluated
 * code points at (1-based), for error messages. Modules imported natively
 * (tsx, plain JS) already report source lines. Evaluated ones are mapped
 * through a source map of the file transformed on its own, matching the
 * frame's statement by its text; undefined when that is not conclusive.
 */
export async function sourceLine(path: string, line: number): Promise<number | undefined> {
  let source: string
  try {
    source = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  const code = cacheOf(path).entries.get(cacheKey(path, source))
  if (code === undefined || code === null) return line
  const wanted = (code.split('\n')[line - 1] ?? '').trim()
  if (wanted.length < 3) return undefined
  try {
    const esbuild = await import('esbuild')
    const { SourceMap } = await import('node:module')
    const result = await esbuild.transform(source, { ...cjsTransform(path), sourcemap: 'external' })
    const lines = result.code.split('\n')
    const matches = lines.flatMap((text, i) => (text.trim() === wanted ? [i] : []))
    if (matches.length !== 1) return undefined
    const index = matches[0]!
    const column = lines[index]!.length - lines[index]!.trimStart().length
    const entry = new SourceMap(JSON.parse(result.map) as never).findEntry(index, column) as {
      originalLine?: number
    }
    return entry.originalLine === undefined ? undefined : entry.originalLine + 1
  } catch {
    return undefined
  }
}
