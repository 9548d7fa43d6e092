import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseEnv } from 'node:util'
import { ConfigError } from '../errors.js'
import { hash, projectCacheFolder } from '../script/cache.js'
import { resolveConfig, showPath, validateConfig } from './config.js'
import type { ResolvedConfig } from './config.js'

/** Config file names looked up in each folder, first found wins. */
export const CONFIG_FILE_NAMES = [
  'retort.config.ts',
  'retort.config.mts',
  'retort.config.js',
  'retort.config.mjs',
  'retort.config.json',
] as const

/** What {@link loadConfig} needs. */
export interface LoadConfigOptions {
  /** Working directory: where the config file is looked up, and `-c` is taken from. */
  readonly cwd: string
  /** `-c/--config`: the config file to use instead of looking one up. */
  readonly configPath?: string
  /** `--url`: overrides the environment and the file. */
  readonly url?: string
  /**
   * For `RETORT_DATABASE_URL` and `DATABASE_URL`; default `process.env`.
   * Variables from a `.env` file are added to it (never replacing one already set).
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** `--env-file`: the file to load instead of the `.env` beside the config. */
  readonly envFile?: string | undefined
}

/**
 * Find, load, check and resolve the configuration. The config is looked up
 * in `cwd` and its parents, up to the first folder holding `package.json`
 * or `.git`. Without a config file (and no `-c`), the defaults apply with
 * `rootDir` = `cwd` and no `configPath`, so that `init` and
 * `list-templates` work in an empty folder (the API refuses the rest).
 *
 * Before the config is read, the `.env` beside it (or `envFile`) is loaded
 * into `env`, without replacing variables already set, so that a config
 * reading `process.env.DATABASE_URL` sees it.
 *
 * TypeScript configs are compiled once with esbuild and cached as `.mjs`
 * under the project's `node_modules/.cache/retort/` (keyed by path, mtime,
 * size and content), so later runs only import a plain module; without a
 * `node_modules` folder, or for a config that imports relative files, tsx
 * loads it instead.
 *
 * @example
 * const config = await loadConfig({ cwd: process.cwd(), url: process.env.DATABASE_URL })
 * @throws ConfigError for a missing `-c` file, a file that fails to load, or a bad setting
 */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  const cwd = resolve(options.cwd)
  const env = options.env ?? process.env
  let configPath: string | undefined
  if (options.configPath !== undefined) {
    configPath = resolve(cwd, options.configPath)
    if (!existsSync(configPath)) {
      throw new ConfigError(`Config file ${options.configPath} not found`, options.configPath)
    }
  } else {
    configPath = discoverConfigFile(cwd)
  }
  const envFileKeys = loadEnvFile(
    env,
    cwd,
    options.envFile,
    configPath === undefined ? undefined : dirname(configPath),
  )
  if (configPath === undefined)
    return resolveConfig({}, { rootDir: cwd, url: options.url, env, envFileKeys })
  const shown = showPath(configPath, cwd)
  const value = await readConfigFile(configPath, shown)
  const config = validateConfig(value, shown)
  return resolveConfig(config, {
    rootDir: dirname(configPath),
    configPath,
    url: options.url,
    env,
    envFileKeys,
  })
}

/**
 * The config file for a command run in `cwd`: the first of
 * {@link CONFIG_FILE_NAMES} in `cwd`, else in its parents, stopping at the
 * first folder that holds `package.json` or `.git` (the project root).
 */
export function discoverConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const found = findConfigFile(dir)
    if (found !== undefined) return found
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return undefined
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * Load `envFile` (relative to `cwd`, must exist) or the `.env` in
 * `configDir` (when present) into `env`, keeping variables already set.
 * Returns the variables it set, with the file as shown.
 */
function loadEnvFile(
  env: NodeJS.ProcessEnv,
  cwd: string,
  envFile: string | undefined,
  configDir: string | undefined,
): Map<string, string> {
  const set = new Map<string, string>()
  let path: string
  if (envFile !== undefined) {
    path = resolve(cwd, envFile)
    if (!existsSync(path)) {
      throw new ConfigError(
        `env file ${envFile} not found (from --env-file); check the path, it is taken from the working folder`,
        envFile,
      )
    }
  } else {
    if (configDir === undefined) return set
    path = join(configDir, '.env')
    if (!existsSync(path)) return set
  }
  const shown = showPath(path, cwd)
  let values: Record<string, string>
  try {
    values = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>
  } catch (error) {
    throw new ConfigError(
      `${shown}: the env file could not be read: ${(error as Error).message}`,
      shown,
    )
  }
  for (const [key, value] of Object.entries(values)) {
    if (env[key] !== undefined) continue
    env[key] = value
    set.set(key, shown)
  }
  return set
}

/** The first of {@link CONFIG_FILE_NAMES} that exists in `cwd`. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name)
    if (existsSync(path)) return path
  }
  return undefined
}

/**
 * The value a config file exports: `default` of a module, or the parsed JSON.
 * @param shownPath the file as named in messages
 */
export async function readConfigFile(path: string, shownPath = path): Promise<unknown> {
  const ext = extname(path).toLowerCase()
  if (ext === '.json') {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
      return JSON.parse(text) as unknown
    } catch (error) {
      throw loadError(shownPath, error)
    }
  }
  let module: Record<string, unknown>
  if (ext === '.ts' || ext === '.mts' || ext === '.cts')
    module = await importTypeScript(path, shownPath)
  else if (ext === '.js' || ext === '.mjs' || ext === '.cjs')
    module = await importModule(path, shownPath)
  else {
    throw new ConfigError(
      `${shownPath}: unsupported config file type '${ext}'; use .ts, .mts, .js, .mjs or .json`,
      shownPath,
    )
  }
  if (!('default' in module)) {
    throw new ConfigError(
      `${shownPath}: no default export; write export default defineConfig({ ... })`,
      shownPath,
    )
  }
  const value = module.default
  // A config compiled as CommonJS (a .ts file in a package without "type": "module")
  // arrives as { default: <config> }; `default` is never a config key, so unwrap it.
  if (typeof value === 'object' && value !== null && 'default' in value) {
    return (value as { default: unknown }).default
  }
  return value
}

async function importModule(path: string, shownPath: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (error) {
    if (error instanceof SyntaxError)
      throw loadError(shownPath, error, await syntaxErrorLocation(path))
    throw loadError(shownPath, error)
  }
}

/**
 * Node's SyntaxError from import() carries no line number in any public
 * field; ask esbuild to parse the file and say where (error path only).
 */
async function syntaxErrorLocation(path: string): Promise<string | undefined> {
  try {
    const { transform } = await import('esbuild')
    await transform(readFileSync(path, 'utf8'), { loader: 'js', format: 'esm', sourcefile: path })
  } catch (error) {
    const first = (error as EsbuildFailure).errors?.[0]
    if (first?.location) return `line ${first.location.line}:${first.location.column}`
  }
  return undefined
}

interface EsbuildFailure {
  errors?: { text: string; location?: { line: number; column: number } | null }[]
}

/** Bump when the cached output changes shape (esbuild options, defines). */
const CACHE_FORMAT = '1'

/** Errors of the cached import that mean "cannot run from the cache folder", not "the config failed". */
const RESOLUTION_ERRORS = new Set([
  'ERR_MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_DIR_IMPORT',
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_PACKAGE_PATH_NOT_EXPORTED',
  'ERR_INVALID_MODULE_SPECIFIER',
])

/**
 * Import a TypeScript config: from the compile cache when possible (a few
 * milliseconds), else through tsx (a few hundred).
 */
async function importTypeScript(path: string, shownPath: string): Promise<Record<string, unknown>> {
  let source: string
  let stats: { mtimeMs: number; size: number }
  try {
    source = readFileSync(path, 'utf8')
    stats = statSync(path)
  } catch (error) {
    throw loadError(shownPath, error)
  }
  const cacheDir = projectCacheFolder(dirname(path))
  // A relative import would resolve from the cache folder instead of the config's.
  if (cacheDir !== undefined && !RELATIVE_IMPORT.test(source)) {
    const pathKey = hash(path)
    const contentKey = hash(`${CACHE_FORMAT}\0${stats.mtimeMs}\0${stats.size}\0${source}`)
    const cached = join(cacheDir, `config-${pathKey}-${contentKey}.mjs`)
    if (!existsSync(cached))
      await compileToCache(path, shownPath, source, cacheDir, cached, pathKey)
    try {
      return (await import(pathToFileURL(cached).href)) as Record<string, unknown>
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === undefined || !RESOLUTION_ERRORS.has(code)) throw loadError(shownPath, error)
      // Fall through: tsx resolves everything from the config's own folder.
    }
  }
  try {
    const { tsImport } = await import('tsx/esm/api')
    return (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>
  } catch (error) {
    throw loadError(shownPath, error)
  }
}

/** `from './x'`, `import('./x')`, `import './x'`, `require('../x')`. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"`]\.{1,2}[/'"`]/

async function compileToCache(
  path: string,
  shownPath: string,
  source: string,
  cacheDir: string,
  cached: string,
  pathKey: string,
): Promise<void> {
  const { transform } = await import('esbuild')
  const fileUrl = pathToFileURL(path).href
  let code: string
  try {
    const result = await transform(source, {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcefile: path,
      // The compiled file runs from the cache folder: keep import.meta naming the config.
      define: {
        'import.meta.url': JSON.stringify(fileUrl),
        'import.meta.filename': JSON.stringify(path),
        'import.meta.dirname': JSON.stringify(dirname(path)),
      },
    })
    code = result.code
  } catch (error) {
    throw loadError(shownPath, error)
  }
  try {
    mkdirSync(cacheDir, { recursive: true })
    // Older compilations of this config are stale now.
    for (const name of readdirSync(cacheDir)) {
      if (name.startsWith(`config-${pathKey}-`) && join(cacheDir, name) !== cached) {
        rmSync(join(cacheDir, name), { force: true })
      }
    }
    const temp = `${cached}.${process.pid}.tmp`
    writeFileSync(temp, `// Compiled by Retort from ${path}\n${code}`)
    renameSync(temp, cached)
  } catch {
    // An unwritable cache only costs speed: the caller then imports through tsx.
  }
}

function loadError(shownPath: string, error: unknown, location?: string): ConfigError {
  const at = location !== undefined ? `${location}: ` : ''
  const failure = new ConfigError(
    `${shownPath}: the config file could not be loaded: ${at}${describeFailure(error)}`,
    shownPath,
  )
  ;(failure as { cause?: unknown }).cause = error
  return failure
}

/** One line saying why loading failed, with the line number when the error has one. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // esbuild (direct or through tsx) lists its messages with their locations.
  const first = (error as EsbuildFailure).errors?.[0]
  if (first !== undefined) {
    const at = first.location ? `line ${first.location.line}:${first.location.column}: ` : ''
    return `${at}${first.text}`
  }
  // tsx passes esbuild's failure on as text: `<file>:2:21: ERROR: Expected ...`.
  const located = /:(\d+):(\d+): ERROR: (.*)/.exec(error.message)
  if (located) return `line ${located[1]}:${located[2]}: ${located[3]}`
  return error.message.split('\n').find((line) => line.trim() !== '') ?? error.name
}
