import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs'
import type { Dirent } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { RevisionRecord } from '../graph/revision.js'
import { ScriptError } from '../errors.js'
import { ScanCache, projectCacheFolder, type CachedDeclaration, type CachedFile } from './cache.js'
import { parseRevisionSource, type ParsedRevision } from './parse.js'

/** What {@link scanVersionLocations} needs. */
export interface ScanOptions {
  /** Version locations in configured order (absolute, or relative to `rootDir`). */
  readonly locations: readonly string[]
  /** Also read subfolders (`recursiveVersionLocations`). */
  readonly recursive: boolean
  /** The project folder: record paths are shown relative to it. */
  readonly rootDir: string
  /**
   * Keep what each file declared in the project's `node_modules/.cache/retort/`,
   * checked by size and modification time, so that unchanged files are not read again.
   */
  readonly cache?: boolean
}

/** The revisions found, in load order, and warnings for the log (one line each). */
export interface ScanResult {
  readonly records: RevisionRecord[]
  readonly warnings: string[]
}

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs']

/**
 * Whether a file name is a revision module: `.ts .mts .js .mjs`, but not a
 * declaration file (`*.d.ts`), an `index.*` barrel, a hidden or editor lock
 * file (`.x`, `.#x`) or an `__init__*` file (behavior.md a.4).
 */
export function isRevisionFileName(name: string): boolean {
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return false
  const ext = name.slice(dot)
  if (!MODULE_EXTENSIONS.includes(ext)) return false
  if (name.startsWith('.') || name.startsWith('__init__')) return false
  if (name.endsWith('.d.ts') || name.endsWith('.d.mts')) return false
  return !name.startsWith('index.')
}

/** Plain code-point order (what Alembic's `sorted()` gives), not UTF-16 unit order. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      // A surrogate starts an astral code point, above every BMP character.
      const xs = x >= 0xd800 && x <= 0xdfff
      const ys = y >= 0xd800 && y <= 0xdfff
      if (xs !== ys) return xs ? 1 : -1
      return x - y
    }
  }
  return a.length - b.length
}

/**
 * Read every revision file under the version locations, in load order
 * (behavior.md a.4): locations in configured order; inside one, file names
 * sorted by code point; with `recursive`, a folder's own files first, then
 * each subfolder in sorted order, depth first. A missing location is empty.
 * A module that exports none of the four identifier names (an empty file, a
 * CommonJS module) is an error, unless its name starts with `_` (a helper).
 * A file reached twice through overlapping locations is read once, with a
 * warning. Files are read and parsed synchronously (see parse.ts): this is
 * the hot path of every graph command.
 *
 * @throws ScriptError for a file whose identifier exports cannot be read, or that is not a revision
 */
export function scanVersionLocations(options: ScanOptions): ScanResult {
  const records: RevisionRecord[] = []
  const warnings: string[] = []
  const rootDir = resolve(options.rootDir)
  // Real path of each folder read -> the location it was read through. A file can only be
  // reached twice through a folder reached twice (overlapping or repeated locations).
  const seenFolders = new Map<string, string>()
  const reader = new FileReader()
  const cacheFolder = options.cache ? projectCacheFolder(rootDir) : undefined
  const cache = cacheFolder
    ? ScanCache.open(cacheFolder, JSON.stringify([rootDir, options.locations, options.recursive]))
    : undefined

  const visit = (versionLocation: string, folder: string, real: string): void => {
    const entries = listFolder(folder)
    if (entries === undefined) return
    const files: string[] = []
    const folders: string[] = []
    for (const entry of entries) {
      const name = entry.name
      if (entry.isFile()) {
        if (isRevisionFileName(name)) files.push(name)
      } else if (entry.isDirectory()) {
        if (options.recursive && !name.startsWith('.') && name !== 'node_modules')
          folders.push(name)
      } else if (entry.isSymbolicLink()) {
        // Follow links to files; linked folders only when recursing.
        const kind = kindOf(join(folder, name))
        if (kind === 'file' && isRevisionFileName(name)) files.push(name)
        else if (kind === 'folder' && options.recursive) folders.push(name)
      }
    }
    sortNames(files)
    // Paths are built by concatenation: path.join/relative per file cost more than the parse.
    const shownFolder = displayPath(rootDir, folder)
    const shownPrefix = shownFolder === '.' ? '' : shownFolder + '/'
    const firstLocation = seenFolders.get(real)
    if (firstLocation === undefined) {
      seenFolders.set(real, versionLocation)
      const cached = cache?.folder(folder) ?? []
      const fresh: CachedFile[] = []
      let changed = false
      let k = 0
      for (const name of files) {
        const path = shownPrefix + name
        const file = folder + sep + name
        let declared: CachedDeclaration
        if (cache) {
          // Cached entries are in the same order as `files`: match them by walking both.
          while (k < cached.length && cached[k]![0] < name) k++
          const stats = statSync(file)
          const hit = cached[k]
          if (hit && hit[0] === name && hit[1] === stats.size && hit[2] === stats.mtimeMs) {
            declared = hit[3]
            fresh.push(hit)
          } else {
            declared = declaration(parseRevisionSource(reader.read(file, path), path))
            fresh.push([name, stats.size, stats.mtimeMs, declared])
            changed = true
          }
        } else {
          declared = declaration(parseRevisionSource(reader.read(file, path), path))
        }
        if (!declared) {
          // `_helpers.ts` is the documented place for shared code; any other module must be a revision.
          if (name.startsWith('_')) continue
          throw notARevision(file, path)
        }
        records.push({
          revision: declared[0],
          downRevisions: declared[1],
          branchLabels: declared[2],
          dependsOn: declared[3],
          doc: declared[4],
          path,
          versionLocation,
        })
      }
      cache?.setFolder(folder, fresh, changed)
    } else {
      for (const name of files) {
        warnings.push(
          `${shownPrefix + name} is reached through more than one version location ` +
            `(${displayPath(rootDir, firstLocation)} and ${displayPath(rootDir, versionLocation)}); ` +
            `reading it once`,
        )
      }
    }
    if (folders.length === 0) return
    sortNames(folders)
    for (const name of folders) {
      const child = folder + sep + name
      visit(versionLocation, child, realOf(child) ?? real + sep + name)
    }
  }

  for (const location of options.locations) {
    const absolute = resolve(rootDir, location)
    const real = realOf(absolute)
    if (real === undefined) continue
    visit(absolute, absolute, real)
  }
  cache?.save()
  return { records, warnings }
}

/** The error for a revision module that declares nothing (error path only: reads the file again). */
function notARevision(file: string, path: string): ScriptError {
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    // Unreadable now: describe it as declaring nothing.
  }
  const what =
    text.trim() === ''
      ? 'the file is empty'
      : 'not a revision: it exports none of revision, downRevision, branchLabels, dependsOn ' +
        '(CommonJS exports are not read)'
  return new ScriptError(
    `${path}: ${what}; a file in a version location must be a revision ` +
      `(export const revision = '...', export const downRevision = ...), ` +
      `or have a name starting with '_' for shared helpers`,
    path,
  )
}

/** The tuple the cache keeps for a parsed file. */
function declaration(parsed: ParsedRevision | undefined): CachedDeclaration {
  return parsed
    ? [parsed.revision, parsed.downRevisions, parsed.branchLabels, parsed.dependsOn, parsed.doc]
    : null
}

/**
 * Sort by code point (behavior.md a.4). The native sort compares UTF-16 units, which
 * differs only for names with astral characters; those few lists are sorted again.
 */
function sortNames(names: string[]): void {
  names.sort()
  if (names.some((name) => SURROGATE.test(name))) names.sort(compareCodePoints)
}

const SURROGATE = /[\uD800-\uDFFF]/

/** `path` relative to the project with forward slashes, or absolute when outside it. */
function displayPath(rootDir: string, path: string): string {
  const rel = relative(rootDir, path)
  if (rel === '') return '.'
  if (rel.startsWith('..') || isAbsolute(rel)) return path.split(sep).join('/')
  return sep === '/' ? rel : rel.split(sep).join('/')
}

function listFolder(path: string): Dirent[] | undefined {
  try {
    return readdirSync(path, { withFileTypes: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
}

function realOf(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

function kindOf(path: string): 'file' | 'folder' | undefined {
  const stats = statSync(path, { throwIfNoEntry: false })
  if (stats === undefined) return undefined
  return stats.isFile() ? 'file' : stats.isDirectory() ? 'folder' : undefined
}

/**
 * Reads small files through one reusable buffer: open, read, close (three
 * system calls, where `readFileSync` makes five and allocates per file).
 */
class FileReader {
  private buffer = Buffer.allocUnsafe(64 * 1024)

  read(file: string, shownPath: string): string {
    let fd: number
    try {
      fd = openSync(file, 'r')
    } catch (error) {
      throw new ScriptError(
        `${shownPath}: cannot read the file (${(error as Error).message})`,
        shownPath,
        {
          cause: error,
        },
      )
    }
    try {
      let length = 0
      for (;;) {
        if (length === this.buffer.length) {
          const bigger = Buffer.allocUnsafe(this.buffer.length * 2)
          this.buffer.copy(bigger, 0, 0, length)
          this.buffer = bigger
        }
        const wanted = this.buffer.length - length
        const count = readSync(fd, this.buffer, length, wanted, null)
        length += count
        // A short read of a regular file means its end: skip the extra read that would say so.
        if (count < wanted) break
      }
      return this.buffer.toString('utf8', 0, length)
    } catch (error) {
      throw new ScriptError(
        `${shownPath}: cannot read the file (${(error as Error).message})`,
        shownPath,
        {
          cause: error,
        },
      )
    } finally {
      closeSync(fd)
    }
  }
}
