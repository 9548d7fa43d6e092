import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { ConfigError } from '../errors.js'
import {
  DEFAULT_FILE_TEMPLATE,
  DEFAULT_TRUNCATE_SLUG_LENGTH,
  FILE_TEMPLATE_TOKENS,
  isValidTimezone,
  unknownFileTemplateTokens,
} from '../script/write.js'

/**
 * What `retort.config.*` exports (all keys optional; interface.md
 * "Configuration"). Relative paths are taken from the folder that holds the
 * config file.
 */
export interface RetortConfig {
  /**
   * Database URL: `sqlite:<path>`, `sqlite::memory:`, `postgres://…`, `mysql://…`.
   * `--url` and `RETORT_DATABASE_URL` override it. Default `sqlite:./retort.db`.
   */
  url?: string | undefined
  /** The migrations folder, which holds `script.ts.tmpl`. Default `migrations`. */
  scriptLocation?: string | undefined
  /** Folders that hold revision files, in load order. Default `[<scriptLocation>/versions]`. */
  versionLocations?: readonly string[] | undefined
  /** Also read revision files in subfolders. Default `false`. */
  recursiveVersionLocations?: boolean | undefined
  /** The table that records applied heads. Default `retort_version`; Alembic's is `alembic_version`. */
  versionTable?: string | undefined
  /** Schema of the version table (PostgreSQL schema, MariaDB database). Default: none. */
  versionTableSchema?: string | undefined
  /** One transaction per revision instead of one for the whole run. Default `false`. */
  transactionPerMigration?: boolean | undefined
  /** New file names; tokens `{rev} {slug} {year} {month} {day} {hour} {minute} {second}`. Default `{rev}_{slug}`. */
  fileTemplate?: string | undefined
  /** Longest slug in a new file name. Default `40`. */
  truncateSlugLength?: number | undefined
  /** IANA time zone for the Create Date of new revisions. Default: local time. */
  timezone?: string | undefined
  /**
   * Seconds to wait for the migration lock another process holds before
   * failing (`--lock-timeout` overrides it). Default `600`.
   */
  lockTimeout?: number | undefined
  /** The declared schema: a defineSchema module, a `.sql` file or a folder of `.sql` files (schema.md). */
  schema?: string | undefined
  /** Table-name patterns (`*` wildcard) that schema comparison looks at. Default: all tables. */
  include?: readonly string[] | undefined
  /** Table-name patterns (`*` wildcard) that schema comparison leaves alone. */
  exclude?: readonly string[] | undefined
}

/**
 * Declare a Retort configuration with type checking; returns it unchanged.
 *
 * @example
 * // retort.config.ts
 * import { defineConfig } from 'retort-migrate'
 *
 * export default defineConfig({
 *   url: 'postgres://app@localhost/app',
 *   scriptLocation: 'migrations',
 *   versionLocations: ['migrations/versions', 'plugins/billing/versions'],
 * })
 */
export function defineConfig(config: RetortConfig): RetortConfig {
  return config
}

/** The default name of the version table. */
export const DEFAULT_VERSION_TABLE = 'retort_version'

/** The database URL used when nothing sets one. */
export const DEFAULT_URL = 'sqlite:./retort.db'

/** The default migrations folder. */
export const DEFAULT_SCRIPT_LOCATION = 'migrations'

/** The environment variable that overrides the configured URL. */
export const DATABASE_URL_ENV = 'RETORT_DATABASE_URL'

/** The conventional variable (Heroku, Render, ...) used when the config sets no URL. */
export const FALLBACK_URL_ENV = 'DATABASE_URL'

/** Where the database URL came from. */
export type UrlSource = 'option' | 'env' | 'config' | 'default'

/** The configuration with every key filled in and folders made absolute. */
export interface ResolvedConfig {
  /** The URL as written (after `--url` / `RETORT_DATABASE_URL`); `sqlite:` paths are relative to `rootDir`. */
  readonly url: string
  readonly urlSource: UrlSource
  /** The environment variable the URL came from (also when the config read it), if any. */
  readonly urlVariable?: string
  /** The `.env` file (as shown) that set {@link urlVariable}, if one did. */
  readonly urlEnvFile?: string
  /** Absolute. */
  readonly scriptLocation: string
  /** Absolute, in configured order. */
  readonly versionLocations: readonly string[]
  readonly recursiveVersionLocations: boolean
  readonly versionTable: string
  readonly versionTableSchema: string | undefined
  readonly transactionPerMigration: boolean
  readonly fileTemplate: string
  readonly truncateSlugLength: number
  readonly timezone: string | undefined
  /** Seconds to wait for another process's migration lock. */
  readonly lockTimeout: number
  /** Absolute path of the declared schema, when set. */
  readonly schema: string | undefined
  /** `include` / `exclude` patterns (empty when not set). */
  readonly include: readonly string[]
  readonly exclude: readonly string[]
  /** Absolute path of the config file, when there is one. */
  readonly configPath?: string | undefined
  /** The folder of the config file, or the working directory without one. */
  readonly rootDir: string
}

type Check = (value: unknown) => string | undefined

/** `UTC`, `Europe/Paris`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`, `EST5EDT`. */
const TIMEZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/
const TIMEZONE_PROBLEM = "must be an IANA time zone name, e.g. 'UTC' or 'Europe/Paris'"

const nonEmptyString: Check = (v) =>
  typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string'

const patternList: Check = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0)
    ? undefined
    : "must be an array of table-name patterns ('*' matches any characters)"

const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false')

/** Each key and what its value must look like (a message when it does not). */
const CHECKS: Record<keyof RetortConfig, Check> = {
  url: nonEmptyString,
  scriptLocation: nonEmptyString,
  versionLocations: (v) =>
    Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0)
      ? undefined
      : 'must be a non-empty array of folder names',
  recursiveVersionLocations: boolean,
  versionTable: nonEmptyString,
  versionTableSchema: nonEmptyString,
  transactionPerMigration: boolean,
  fileTemplate: (v) => {
    if (typeof v !== 'string' || v.length === 0) return 'must be a non-empty string'
    const unknown = unknownFileTemplateTokens(v)
    if (unknown.length === 0) return undefined
    return (
      `uses unknown token(s) ${unknown.map((t) => `{${t}}`).join(', ')}; ` +
      `known: ${FILE_TEMPLATE_TOKENS.map((t) => `{${t}}`).join(' ')}`
    )
  },
  truncateSlugLength: (v) =>
    typeof v === 'number' && Number.isInteger(v) && v > 0
      ? undefined
      : 'must be a positive integer',
  // Only the shape here: asking Intl costs ~40 ms of ICU start-up on every command.
  // checkTimezone() asks Intl, for the commands that use the zone.
  timezone: (v) => (typeof v === 'string' && TIMEZONE_SHAPE.test(v) ? undefined : TIMEZONE_PROBLEM),
  lockTimeout: (v) => lockTimeoutProblem(v),
  schema: nonEmptyString,
  include: patternList,
  exclude: patternList,
}

/** Default of `lockTimeout`, in seconds. */
export const DEFAULT_LOCK_TIMEOUT = 600

/** What is wrong with a lock timeout (config key or `--lock-timeout`), or undefined. */
export function lockTimeoutProblem(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 31_536_000
    ? undefined
    : 'must be a number of seconds (0 or more, e.g. 30)'
}

/** Keys that may also be `null`, meaning "not set". */
const NULLABLE: ReadonlySet<string> = new Set(['versionTableSchema', 'timezone'])

/**
 * Check a loaded config value: a plain object with known keys of the right
 * types. `undefined` values count as absent.
 *
 * @param shownPath the config file as named in messages
 * @throws ConfigError naming the file and the key
 */
export function validateConfig(value: unknown, shownPath: string): RetortConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      `${shownPath}: the default export must be a config object (found ${describe(value)}); ` +
        `write export default defineConfig({ ... })`,
      shownPath,
    )
  }
  const config: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const check = (CHECKS as Record<string, Check | undefined>)[key]
    if (check === undefined) {
      const close = closestKey(key)
      throw new ConfigError(
        `${shownPath}: unknown key '${key}'` +
          (close ? `; did you mean '${close}'?` : '') +
          `; known keys: ${Object.keys(CHECKS).join(', ')}`,
        shownPath,
      )
    }
    if (v === undefined || (v === null && NULLABLE.has(key))) continue
    const problem = check(v)
    if (problem !== undefined) {
      throw new ConfigError(`${shownPath}: '${key}' ${problem} (found ${describe(v)})`, shownPath)
    }
    config[key] = v
  }
  return config as RetortConfig
}

/**
 * Check that the configured `timezone` is one this Node.js knows. Loading
 * checks only its shape (asking `Intl` is slow to start), so commands that
 * use the zone (`revision`, `merge`) call this first.
 *
 * @param cwd the folder the config path is shown relative to
 * @throws ConfigError naming the key and the config file
 */
export function checkTimezone(config: ResolvedConfig, cwd: string = config.rootDir): void {
  if (config.timezone === undefined || isValidTimezone(config.timezone)) return
  const shown = config.configPath !== undefined ? showPath(config.configPath, cwd) : 'config'
  throw new ConfigError(
    `${shown}: 'timezone' is not a time zone this Node.js knows (found '${config.timezone}'); ` +
      `use an IANA name, e.g. 'UTC' or 'Europe/Paris'`,
    shown,
  )
}

/** What {@link resolveConfig} needs besides the config. */
export interface ResolveConfigOptions {
  /** Folder relative paths are taken from. */
  readonly rootDir: string
  readonly configPath?: string | undefined
  /** `--url`. */
  readonly url?: string | undefined
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** Variables set from a `.env` file (name -> the file as shown), to say where the URL came from. */
  readonly envFileKeys?: ReadonlyMap<string, string> | undefined
}

/**
 * Fill in defaults, make folders absolute and apply the URL overrides:
 * `--url` > `RETORT_DATABASE_URL` > the file > `DATABASE_URL` > `sqlite:./retort.db`.
 */
export function resolveConfig(config: RetortConfig, options: ResolveConfigOptions): ResolvedConfig {
  const rootDir = resolve(options.rootDir)
  const scriptLocation = resolve(rootDir, config.scriptLocation ?? DEFAULT_SCRIPT_LOCATION)
  const versionLocations = config.versionLocations
    ? config.versionLocations.map((location) => resolve(rootDir, location))
    : [join(scriptLocation, 'versions')]
  const envUrl = options.env?.[DATABASE_URL_ENV]
  const fallbackUrl = options.env?.[FALLBACK_URL_ENV]
  let url: string
  let urlSource: UrlSource
  let urlVariable: string | undefined
  if (options.url !== undefined && options.url !== '') [url, urlSource] = [options.url, 'option']
  else if (envUrl !== undefined && envUrl !== '')
    [url, urlSource, urlVariable] = [envUrl, 'env', DATABASE_URL_ENV]
  else if (config.url !== undefined) {
    ;[url, urlSource] = [config.url, 'config']
    // A config written by `init` reads process.env.DATABASE_URL itself.
    if (fallbackUrl !== undefined && fallbackUrl === config.url) urlVariable = FALLBACK_URL_ENV
  } else if (fallbackUrl !== undefined && fallbackUrl !== '')
    [url, urlSource, urlVariable] = [fallbackUrl, 'env', FALLBACK_URL_ENV]
  else [url, urlSource] = [DEFAULT_URL, 'default']
  const urlEnvFile = urlVariable !== undefined ? options.envFileKeys?.get(urlVariable) : undefined
  return {
    url,
    urlSource,
    ...(urlVariable !== undefined ? { urlVariable } : {}),
    ...(urlEnvFile !== undefined ? { urlEnvFile } : {}),
    scriptLocation,
    versionLocations,
    recursiveVersionLocations: config.recursiveVersionLocations ?? false,
    versionTable: config.versionTable ?? DEFAULT_VERSION_TABLE,
    versionTableSchema: config.versionTableSchema,
    transactionPerMigration: config.transactionPerMigration ?? false,
    fileTemplate: config.fileTemplate ?? DEFAULT_FILE_TEMPLATE,
    truncateSlugLength: config.truncateSlugLength ?? DEFAULT_TRUNCATE_SLUG_LENGTH,
    timezone: config.timezone,
    lockTimeout: config.lockTimeout ?? DEFAULT_LOCK_TIMEOUT,
    schema: config.schema === undefined ? undefined : resolve(rootDir, config.schema),
    include: config.include ?? [],
    exclude: config.exclude ?? [],
    ...(options.configPath !== undefined ? { configPath: resolve(options.configPath) } : {}),
    rootDir,
  }
}

/**
 * Where the database URL came from, for the log: `--url`, `DATABASE_URL`,
 * `DATABASE_URL in .env`, `retort.config.ts`, ...
 *
 * @param cwd the folder the config path is shown relative to
 */
export function describeUrlSource(config: ResolvedConfig, cwd: string = config.rootDir): string {
  const variable =
    config.urlVariable === undefined
      ? undefined
      : config.urlVariable + (config.urlEnvFile !== undefined ? ` in ${config.urlEnvFile}` : '')
  const file = config.configPath !== undefined ? showPath(config.configPath, cwd) : 'the config'
  switch (config.urlSource) {
    case 'option':
      return '--url'
    case 'env':
      return variable ?? 'the environment'
    case 'config':
      return variable !== undefined ? `${variable}, read by ${file}` : file
    case 'default':
      return `the default: no url in ${file}, no ${FALLBACK_URL_ENV}`
  }
}

/** A path as named in messages: relative to `cwd` with forward slashes when inside it. */
export function showPath(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  const shown = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
  return sep === '/' ? shown : shown.split(sep).join('/')
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (value === undefined || typeof value === 'function') return String(typeof value)
  if (typeof value === 'bigint') return `${value}n`
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 60 ? text.slice(0, 57) + '...' : text
}

/** The known key nearest to a misspelt one (edit distance at most 3), if any. */
function closestKey(key: string): string | undefined {
  let best: string | undefined
  let bestDistance = 4
  for (const candidate of Object.keys(CHECKS)) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
    }
    previous = row
  }
  return previous[b.length] ?? 0
}
