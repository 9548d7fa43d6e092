/**
 * The databases Retort speaks, and the URL schemes that name them. This file
 * and the folders beside it are the only places that name a database: add
 * one here and the compiler points at every table that must learn it
 * (registry.ts, URL_SCHEMES below, the test helpers).
 */
export const DIALECT_NAMES = ['sqlite', 'postgres', 'mysql'] as const

/** A database family; MariaDB is `mysql`. */
export type DialectName = (typeof DIALECT_NAMES)[number]

/** How a database URL of one family is written and handed to its client. */
export interface UrlScheme {
  /** Schemes accepted in a URL, lower case (`+driver` suffixes are ignored). */
  readonly schemes: readonly string[]
  /** `file`: the rest of the URL is a file path (SQLite); `server`: `//host/db` handed on as `<connectScheme>://...`. */
  readonly form: 'file' | 'server'
  /** Scheme of the connection string given to the client (server form). */
  readonly connectScheme?: string
  /** Server form: the URL must name a database (the server has no default one). */
  readonly needsDatabase?: boolean
}

/** The URL scheme table, one row per database. */
export const URL_SCHEMES: Readonly<Record<DialectName, UrlScheme>> = {
  sqlite: { schemes: ['sqlite'], form: 'file' },
  postgres: { schemes: ['postgres', 'postgresql'], form: 'server', connectScheme: 'postgres' },
  mysql: {
    schemes: ['mysql', 'mariadb'],
    form: 'server',
    connectScheme: 'mysql',
    needsDatabase: true,
  },
}

/** The database family a URL scheme names, or undefined. */
export function dialectOfScheme(scheme: string): DialectName | undefined {
  return DIALECT_NAMES.find((name) => URL_SCHEMES[name].schemes.includes(scheme))
}

/** Fails to compile when a switch over dialect names (or operation kinds) misses one. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${String(value)}`)
}
