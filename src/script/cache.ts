import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** `node_modules/.cache/retort` of the nearest folder (from `dir` up) that has a `node_modules`. */
export function projectCacheFolder(dir: string): string | undefined {
  for (let current = dir; ;) {
    const modules = join(current, 'node_modules')
    if (existsSync(modules)) return join(modules, '.cache', 'retort')
    const parent = dirname(current)
    if (parent === current) return undefined
    current = parent
  }
}

/**
 * A 64-bit hash (two 32-bit FNV-1a variants) as 16 hex digits: enough to key
 * a cache, and no `node:crypto` to load (~5 ms) on every command.
 */
export function hash(text: string): string {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')
}

/** Bump when ParsedRevision, the parser's results or this layout change. */
const FORMAT = 2

/** What one file declared: [revision, downRevisions, branchLabels, dependsOn, doc], or null for a non-revision. */
export type CachedDeclaration = [string, string[], string[], string[], string] | null

/** One file of a folder: [name, size, mtimeMs, declaration]. */
export type CachedFile = [
  name: string,
  size: number,
  mtimeMs: number,
  declaration: CachedDeclaration,
]

/**
 * What the static reader found in each revision file, per folder in load
 * order, checked against each file's size and modification time, so that
 * graph commands on long histories stat files instead of reading them. A
 * file whose size or time changed is read again; the cache only speeds
 * things up and is rewritten whole (temp file, rename) when anything changed.
 */
export class ScanCache {
  private readonly next = new Map<string, CachedFile[]>()
  private changed = false

  private constructor(
    private readonly file: string,
    private readonly folders: Map<string, CachedFile[]>,
  ) {}

  /** The cache of one project and set of version locations; empty when missing or unreadable. */
  static open(folder: string, key: string): ScanCache {
    const file = join(folder, `scan-${hash(key)}.json`)
    let folders = new Map<string, CachedFile[]>()
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as {
        format: number
        folders: [string, CachedFile[]][]
      }
      if (data.format === FORMAT) folders = new Map(data.folders)
    } catch {
      // No cache yet, or a damaged one: start empty.
    }
    return new ScanCache(file, folders)
  }

  /** The files cached for a folder, in the order they were read. */
  folder(path: string): readonly CachedFile[] {
    return this.folders.get(path) ?? []
  }

  /** What a folder holds now; `changed` when any file had to be read. */
  setFolder(path: string, files: CachedFile[], changed: boolean): void {
    this.next.set(path, files)
    if (changed || files.length !== this.folder(path).length) this.changed = true
  }

  /** Write the cache back when a file was read, added or removed; failures are ignored. */
  save(): void {
    if (!this.changed && this.next.size === this.folders.size) return
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const temp = `${this.file}.${process.pid}.tmp`
      writeFileSync(temp, JSON.stringify({ format: FORMAT, folders: [...this.next] }))
      renameSync(temp, this.file)
    } catch {
      // A read-only project still works, only slower.
    }
  }
}
