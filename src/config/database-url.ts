import { isAbsolute, resolve } from 'node:path'
import { ConfigError } from '../errors.js'
import { dialectOfScheme, URL_SCHEMES, type DialectName } from '../dialects/names.js'

/** A database URL taken apart: which dialect, and how to reach it. */
export interface DatabaseUrl {
  readonly dialect: DialectName
  /** The URL as configured. */
  readonly url: string
  /** The URL with the password hidden, for headers and messages. */
  readonly masked: string
  /** SQLite only: absolute path of the database file, or `:memory:`. */
  readonly sqlitePath?: string
  /** PostgreSQL and MySQL: the URL handed to the driver (scheme normalized). */
  readonly connectionString?: string
}

const ACCEPTED =
  'sqlite:<path>, sqlite::memory:, postgres://…, postgresql://…, mysql://…, mariadb://…'

/**
 * A server URL must read the same to the driver as to the eye: a password
 * (or user name) holding `@ : / # ?` unencoded makes the driver see another
 * host, or nothing. Say so without echoing anything after the scheme, since
 * there is no telling where the password ends.
 */
function checkParseable(url: string, connectionString: string, scheme: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(connectionString)
  } catch {
    parsed = undefined
  }
  const raw = rawPassword(url)
  if (parsed !== undefined && (raw === undefined || parsed.password === raw)) return
  throw new ConfigError(
    `the database URL ${scheme}//… cannot be read: percent-encode special characters in the ` +
      `user name and password ('@' as %40, ':' as %3A, '/' as %2F, '#' as %23, '?' as %3F, '%' as %25)`,
  )
}

/**
 * A MySQL/MariaDB URL must name a database (there is no default one, and
 * every statement would fail late with "No database selected").
 *
 * @throws ConfigError naming the masked URL
 */
export function requireDatabaseName(url: DatabaseUrl): void {
  if (URL_SCHEMES[url.dialect].needsDatabase !== true || url.connectionString === undefined) return
  const path = new URL(url.connectionString).pathname.replace(/^\/+/, '')
  if (path !== '') return
  throw new ConfigError(
    `the database URL ${url.masked} names no database; add one after the host, e.g. ` +
      `${url.masked.replace(/\/?$/, '')}/app`,
  )
}

/**
 * Parse a database URL. `sqlite:<path>` paths are taken relative to
 * `rootDir` (the folder of the config file) unless absolute. The
 * SQLAlchemy forms an Alembic project carries over mean what they mean
 * there: `sqlite:///db.sqlite` is relative, `sqlite:////abs/db.sqlite` absolute. A `+driver` suffix on the scheme, as
 * SQLAlchemy writes it (`postgresql+psycopg2://`), is accepted and ignored.
 */
export function parseDatabaseUrl(url: string, rootDir: string): DatabaseUrl {
  const masked = maskUrl(url)
  const match = /^([a-zA-Z][a-zA-Z0-9.-]*)(?:\+[a-zA-Z0-9_.-]+)?:/.exec(url)
  const scheme = match?.[1]?.toLowerCase()
  const dialect = scheme === undefined ? undefined : dialectOfScheme(scheme)
  const form = dialect === undefined ? undefined : URL_SCHEMES[dialect]
  if (dialect !== undefined && form?.form === 'file') {
    let rest = url.slice(match![0].length)
    if (rest === ':memory:' || rest === '//:memory:' || rest === '' || rest === '//') {
      return { dialect, url, masked, sqlitePath: ':memory:' }
    }
    // `sqlite://` + empty host + `/` + path, as SQLAlchemy reads it: one slash separates.
    if (rest.startsWith('//')) {
      rest = rest.slice(2)
      if (rest.startsWith('/')) rest = rest.slice(1)
    }
    const path = isAbsolute(rest) ? rest : resolve(rootDir, rest)
    return { dialect, url, masked, sqlitePath: path }
  }
  const rest = url.slice(match?.[0].length ?? 0)
  if (dialect !== undefined && form?.form === 'server' && rest.startsWith('//')) {
    const connectionString = `${form.connectScheme}:${rest}`
    checkParseable(url, connectionString, match![0])
    return { dialect, url, masked, connectionString }
  }
  throw new ConfigError(`unsupported database URL '${masked}'; use one of ${ACCEPTED}`)
}

/** The scheme part that every message may show: `postgres://`, `sqlite:`. */
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*:)(\/\/)?/

/** A host (name, IPv4 or [IPv6]) with an optional port, then the end of the authority. */
const HOST_AFTER_AT = /^(?:\[[0-9a-fA-F:.]*\]|[\w.%-]*)(?::\d*)?(?=[/?#]|$)/

/**
 * Where the user info of `scheme://user:password@host/...` ends: the last
 * `@` followed by something shaped like a host. Taking the last one keeps
 * a password holding `@`, `/`, `#`, `?` or `:` hidden even when it was not
 * percent-encoded (a wrong guess masks too much, never too little).
 */
function userInfoEnd(rest: string): number {
  for (let at = rest.lastIndexOf('@'); at >= 0; at = rest.lastIndexOf('@', at - 1)) {
    if (HOST_AFTER_AT.test(rest.slice(at + 1))) return at
  }
  return -1
}

/** The password of a URL as written (not decoded), when it has one. */
export function rawPassword(url: string): string | undefined {
  const scheme = SCHEME.exec(url)
  if (!scheme?.[2]) return undefined
  const rest = url.slice(scheme[0].length)
  const end = userInfoEnd(rest)
  if (end < 0) return undefined
  const colon = rest.indexOf(':')
  return colon >= 0 && colon < end ? rest.slice(colon + 1, end) : undefined
}

/**
 * The URL with its password replaced by `***` (`postgres://scott:***@host/db`),
 * also in a `password=` query parameter. Safe to print, also for a password
 * that was not percent-encoded (`postgres://u:p@ss:w/rd@host/db`).
 */
export function maskUrl(url: string): string {
  let out = url
  const scheme = SCHEME.exec(url)
  if (scheme?.[2]) {
    const rest = url.slice(scheme[0].length)
    const end = userInfoEnd(rest)
    const colon = rest.indexOf(':')
    if (end >= 0 && colon >= 0 && colon < end) {
      out = scheme[0] + rest.slice(0, colon) + ':***' + rest.slice(end)
    }
  }
  return out.replace(/([?&]password=)[^&#]*/gi, '$1***')
}

/**
 * Hide the secrets of the given URLs in any text: every URL-ish word is
 * masked, and each password (as written and percent-decoded) is replaced by
 * `***` wherever a driver may have echoed it. For messages and stack traces.
 */
export function maskSecrets(text: string, urls: readonly (string | undefined)[] = []): string {
  let out = text.replace(/\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s'"`<>]+/g, (word) => maskUrl(word))
  for (const url of urls) {
    if (!url) continue
    for (const secret of passwordsOf(url)) out = out.split(secret).join('***')
  }
  return out
}

/** A URL's password as written and decoded, longest first (nothing for none). */
function passwordsOf(url: string): string[] {
  const raw = rawPassword(url)
  const found = new Set<string>()
  if (raw) {
    found.add(raw)
    try {
      found.add(decodeURIComponent(raw))
    } catch {
      // Not valid percent-encoding: the raw form is the one that can appear.
    }
  }
  const query = /[?&]password=([^&#]*)/i.exec(url)?.[1]
  if (query) found.add(query)
  return [...found].filter((p) => p !== '').sort((a, b) => b.length - a.length)
}
