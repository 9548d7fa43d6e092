import { closeSync, existsSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { ConfigError, ScriptError } from '../errors.js'

/** The tokens a `fileTemplate` may use. */
export const FILE_TEMPLATE_TOKENS = [
  'rev',
  'slug',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
] as const

/** The default `fileTemplate`. */
export const DEFAULT_FILE_TEMPLATE = '{rev}_{slug}'

/** The default `truncateSlugLength`. */
export const DEFAULT_TRUNCATE_SLUG_LENGTH = 40

/**
 * The file-name slug of a revision message (behavior.md d "revision" rule 7):
 * the runs of word characters joined by `_`, lower-cased. Longer than
 * `truncateSlugLength` characters: cut to the limit, then back to the last
 * `_`, and a `_` appended. No message gives `''`.
 *
 * @example
 * slugify('Hello, world!', 40) // 'hello_world'
 */
export function slugify(message: string | undefined, truncateSlugLength: number): string {
  const words = (message ?? '').match(/[\p{L}\p{N}_]+/gu)
  if (words === null) return ''
  const slug = words.join('_').toLowerCase()
  // Lengths count code points, as Alembic's Python strings do.
  const chars = Array.from(slug)
  if (chars.length <= truncateSlugLength) return slug
  const cut = chars.slice(0, truncateSlugLength).join('')
  const lastUnderscore = cut.lastIndexOf('_')
  return (lastUnderscore < 0 ? cut : cut.slice(0, lastUnderscore)) + '_'
}

/** The year, month, ... of a moment, in local time or in an IANA time zone. */
export interface DateParts {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  readonly millisecond: number
  /** Minutes east of UTC. */
  readonly offsetMinutes: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/**
 * Split a moment into calendar parts, in local time or in `timezone`.
 * @throws ConfigError for an unknown time zone
 */
export function dateParts(date: Date, timezone?: string): DateParts {
  if (timezone === undefined) {
    return {
      year: date.getFullYear(),
      month: date.getMonth() + 1,
      day: date.getDate(),
      hour: date.getHours(),
      minute: date.getMinutes(),
      second: date.getSeconds(),
      millisecond: date.getMilliseconds(),
      offsetMinutes: -date.getTimezoneOffset(),
    }
  }
  let format = formatters.get(timezone)
  if (format === undefined) {
    if (!isValidTimezone(timezone)) {
      throw new ConfigError(
        `'timezone' is not a time zone this Node.js knows (found '${timezone}'); ` +
          `use an IANA name, e.g. 'UTC' or 'Europe/Paris'`,
      )
    }
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timezone, format)
  }
  const parts: Record<string, number> = {}
  for (const part of format.formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const year = parts.year ?? 0
  const month = parts.month ?? 1
  const day = parts.day ?? 1
  const hour = parts.hour ?? 0
  const minute = parts.minute ?? 0
  const second = parts.second ?? 0
  const millisecond = date.getUTCMilliseconds()
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond)
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    millisecond,
    offsetMinutes: Math.round((asUtc - date.getTime()) / 60000),
  }
}

/** Whether `timezone` is an IANA zone name this Node knows. */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0')

/**
 * The `Create Date` of a generated revision (behavior.md d "revision" rule 8):
 * `YYYY-MM-DD HH:MM:SS.ffffff` in local time; with `timezone`, that zone's
 * time followed by its offset, `±HH:MM`, as Python prints an aware datetime
 * (`2024-05-01 14:03:11.436000+02:00`).
 */
export function formatCreateDate(date: Date, timezone?: string): string {
  const p = dateParts(date, timezone)
  const text =
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ` +
    `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${pad(p.millisecond * 1000, 6)}`
  if (timezone === undefined) return text
  const sign = p.offsetMinutes < 0 ? '-' : '+'
  const offset = Math.abs(p.offsetMinutes)
  return `${text}${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`
}

/** What {@link revisionFileName} needs. */
export interface RevisionFileNameOptions {
  readonly rev: string
  readonly slug: string
  /** Tokens `{rev} {slug} {year} {month} {day} {hour} {minute} {second}`; default `{rev}_{slug}`. */
  readonly fileTemplate?: string
  /** The creation moment, for the date tokens. */
  readonly date: Date
  /** Time zone of the date tokens (`timezone` config); local time when absent. */
  readonly timezone?: string
  /** `.ts`, `.mts`, `.js` or `.mjs` (the dot is optional). */
  readonly extension: string
}

/**
 * The file name of a new revision: the file template with its tokens filled
 * in (date parts zero-padded: `{month}` is `01`), plus the extension.
 *
 * @example
 * revisionFileName({ rev: 'ae1027a6acf', slug: 'add_account', date: new Date(), extension: '.ts' })
 * // 'ae1027a6acf_add_account.ts'
 * @throws ScriptError for a token the template does not know
 */
export function revisionFileName(options: RevisionFileNameOptions): string {
  const template = options.fileTemplate ?? DEFAULT_FILE_TEMPLATE
  const unknown = unknownFileTemplateTokens(template)
  if (unknown.length > 0) {
    throw new ScriptError(
      `fileTemplate '${template}' uses unknown token(s) ${unknown.map((t) => `{${t}}`).join(', ')}; ` +
        `known: ${FILE_TEMPLATE_TOKENS.map((t) => `{${t}}`).join(' ')}`,
      template,
    )
  }
  const needsDate = /\{(?:year|month|day|hour|minute|second)\}/.test(template)
  const p = needsDate ? dateParts(options.date, options.timezone) : undefined
  const values: Record<string, string> = {
    rev: options.rev,
    slug: options.slug,
    year: p ? pad(p.year, 4) : '',
    month: p ? pad(p.month) : '',
    day: p ? pad(p.day) : '',
    hour: p ? pad(p.hour) : '',
    minute: p ? pad(p.minute) : '',
    second: p ? pad(p.second) : '',
  }
  const extension = options.extension.startsWith('.') ? options.extension : `.${options.extension}`
  return template.replace(/\{(\w+)\}/g, (_m, token: string) => values[token] ?? '') + extension
}

/** The `{tokens}` of a file template that are not among {@link FILE_TEMPLATE_TOKENS}. */
export function unknownFileTemplateTokens(template: string): string[] {
  const known: readonly string[] = FILE_TEMPLATE_TOKENS
  return [...template.matchAll(/\{(\w*)\}/g)]
    .map((m) => m[1] as string)
    .filter((token) => !known.includes(token))
}

/** What the revision template is filled with. */
export interface RevisionTemplateValues {
  /** The `-m` message; empty or absent gives `empty message` in the doc. */
  readonly message?: string
  readonly revision: string
  /** Parents, in order; empty for a base. */
  readonly downRevisions: readonly string[]
  readonly branchLabels: readonly string[]
  readonly dependsOn: readonly string[]
  /** From {@link formatCreateDate}. */
  readonly createDate: string
}

/**
 * The placeholders a revision template may use, `{{ name }}` (spaces optional):
 *
 * - `message`: the message for the doc comment (`empty message` when none)
 * - `revision`, `revises` (parents comma-joined, empty for a base), `createDate`
 * - `revisionLiteral`, `downRevision`, `branchLabels`, `dependsOn`: TypeScript
 *   literals (`'a'`, `['a', 'b']`, `null`) for the identifier exports
 * - `upgrades`, `downgrades`: the starting body of `upgrade` and `downgrade`,
 *   a commented sample for a new revision and nothing for a merge (which
 *   usually has nothing to do); a placeholder alone on its line that fills
 *   in empty removes the line
 */
export const REVISION_TEMPLATE_PLACEHOLDERS = [
  'message',
  'revision',
  'revises',
  'createDate',
  'revisionLiteral',
  'downRevision',
  'branchLabels',
  'dependsOn',
  'upgrades',
  'downgrades',
] as const

// The commented samples a new (non-merge) revision starts with.
const UPGRADE_SAMPLE = [
  "// await op.createTable('account', [",
  "//   { name: 'id', type: 'integer', primaryKey: true },",
  "//   { name: 'name', type: 'varchar(50)', nullable: false },",
  '// ])',
].join('\n')
const DOWNGRADE_SAMPLE = "// await op.dropTable('account')"

/**
 * Fill a revision template (`script.ts.tmpl`). A multi-line value placed
 * after a comment prefix (` * {{ message }}`) repeats the prefix on each
 * line, so a long message stays inside the doc comment.
 *
 * @param templatePath named in the error for an unknown placeholder
 * @throws ScriptError for a placeholder the template does not know
 */
export function renderRevision(
  templateText: string,
  values: RevisionTemplateValues,
  templatePath = 'script.ts.tmpl',
): string {
  const message = values.message?.trim() ? values.message : 'empty message'
  const isMerge = values.downRevisions.length > 1
  const filled: Record<(typeof REVISION_TEMPLATE_PLACEHOLDERS)[number], string> = {
    // `*/` would end the doc comment early.
    message: message.replaceAll('*/', '*\\/'),
    revision: values.revision,
    revises: values.downRevisions.join(', '),
    createDate: values.createDate,
    revisionLiteral: stringLiteral(values.revision),
    downRevision: listLiteral(values.downRevisions),
    branchLabels: listLiteral(values.branchLabels),
    dependsOn: listLiteral(values.dependsOn),
    upgrades: isMerge ? '' : UPGRADE_SAMPLE,
    downgrades: isMerge ? '' : DOWNGRADE_SAMPLE,
  }
  // An empty body placeholder alone on its line takes its line with it.
  const text = templateText.replace(
    /^[ \t]*\{\{\s*(upgrades|downgrades)\s*\}\}[ \t]*\r?\n/gm,
    (line, name: 'upgrades' | 'downgrades') => (filled[name] === '' ? '' : line),
  )
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string, offset: number) => {
    const value = (filled as Record<string, string | undefined>)[name]
    if (value === undefined) {
      throw new ScriptError(
        `${templatePath}: unknown placeholder '{{ ${name} }}'; ` +
          `known: ${REVISION_TEMPLATE_PLACEHOLDERS.join(', ')}`,
        templatePath,
      )
    }
    if (!value.includes('\n')) return value
    // Repeat a comment prefix (` * `) or indentation on the value's further lines.
    const before = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset)
    const prefix = /^[ \t]*\*?[ \t]*$/.test(before) ? before : ''
    return value
      .split(/\r?\n/)
      .map((line, k) => (k === 0 ? line : line === '' ? prefix.trimEnd() : prefix + line))
      .join('\n')
  })
}

/** `'id'` with quotes and backslashes escaped. */
function stringLiteral(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => '\\' + c).replace(/\n/g, '\\n')}'`
}

/** `null`, `'a'` or `['a', 'b']`. */
function listLiteral(values: readonly string[]): string {
  if (values.length === 0) return 'null'
  if (values.length === 1) return stringLiteral(values[0] as string)
  return `[${values.map(stringLiteral).join(', ')}]`
}

/**
 * Write a new file all at once: the text goes to a temporary name in the same
 * folder, then is linked to `path`, which fails if `path` exists (so a file
 * is never overwritten, even by a concurrent writer; where the file system
 * has no hard links, it is renamed after a check). On any failure the
 * temporary file is removed and nothing is left half written.
 *
 * @throws ScriptError when `path` exists or cannot be written
 */
export function writeFileAtomic(path: string, content: string): void {
  if (existsSync(path)) {
    throw new ScriptError(
      `Cannot write ${path}: the file already exists; nothing was written`,
      path,
    )
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${++tempCounter}.tmp`)
  let fd: number | undefined
  try {
    fd = openSync(temp, 'wx')
    const bytes = Buffer.from(content, 'utf8')
    let written = 0
    while (written < bytes.length) written += writeSync(fd, bytes, written)
    closeSync(fd)
    fd = undefined
    publish(temp, path)
  } catch (error) {
    if (fd !== undefined) closeSync(fd)
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'EEXIST' ? 'the file already exists; nothing was written' : (error as Error).message
    throw new ScriptError(`Cannot write ${path}: ${reason}`, path, { cause: error })
  } finally {
    rmSync(temp, { force: true })
  }
}

let tempCounter = 0

/** Give the finished temporary file its name, never replacing an existing file. */
function publish(temp: string, path: string): void {
  try {
    // link() refuses an existing target, where rename() would replace it.
    linkSync(temp, path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // File systems without hard links: check, then rename (a small race, no half file).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') {
      throw error
    }
    if (existsSync(path)) throw Object.assign(new Error('exists'), { code: 'EEXIST' })
    renameSync(temp, path)
  }
}
