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
    return { dialect, url, masked, connectionString: `${form.connectScheme}:${rest}` }
  }
  throw new ConfigError(`unsupported database URL '${masked}'; use one of ${ACCEPTED}`)
}

/**
 * The URL with its password replaced by `***` (`postgres://scott:***@host/db`),
 * also in a `password=` query parameter. Safe to print.
 */
export function maskUrl(url: string): string {
  let out = url
  const start = url.indexOf('://')
  if (start >= 0) {
    const authorityEnd = url.slice(start + 3).search(/[/?#]/)
    const end = authorityEnd < 0 ? url.length : start + 3 + authorityEnd
    const authority = url.slice(start + 3, end)
    const at = authority.lastIndexOf('@')
    if (at >= 0) {
      const userInfo = authority.slice(0, at)
      const colon = userInfo.indexOf(':')
      if (colon >= 0) {
        out =
          url.slice(0, start + 3) +
          userInfo.slice(0, colon) +
          ':***' +
          authority.slice(at) +
          url.slice(end)
      }
    }
  }
  return out.replace(/([?&]password=)[^&#]*/gi, '$1***')
}
