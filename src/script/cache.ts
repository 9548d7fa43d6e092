import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ParsedRevision } from './parse.js'

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

/** Bump when ParsedRevision or the parser's results change. */
const FORMAT = 1

type Entry = [size: number, mtimeMs: number, parsed: ParsedRevision | null]

/**
 * What the static reader found in each revision file, keyed by path and
 * checked against the file's size and modification time, so that graph
 * commands on long histories stat files instead of reading them. A file whose
 * size or time changed is read again; the cache is a speed-up only and is
 * rewritten whole (temp file, rename) when anything changed.
 */
export class ScanCache {
  private readonly entries: Map<string, Entry>
  private readonly seen = new Set<string>()
  private changed = false

  private constructor(
    private readonly file: string,
    entries: Map<string, Entry>,
  ) {
    this.entries = entries
  }

  /** The cache of one project and set of version locations; empty when missing or unreadable. */
  static open(folder: string, key: string): ScanCache {
    const file = join(
      folder,
      `scan-${createHash('sha1').update(key).digest('hex').slice(0, 16)}.json`,
    )
    let entries = new Map<string, Entry>()
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as {
        format: number
        entries: [string, Entry][]
      }
      if (data.format === FORMAT) entries = new Map(data.entries)
    } catch {
      // No cache yet, or a damaged one: start empty.
    }
    return new ScanCache(file, entries)
  }

  /** The cached result for this file, or undefined when it must be read. */
  get(path: string, size: number, mtimeMs: number): ParsedRevision | null | undefined {
    this.seen.add(path)
    const entry = this.entries.get(path)
    return entry && entry[0] === size && entry[1] === mtimeMs ? entry[2] : undefined
  }

  set(path: string, size: number, mtimeMs: number, parsed: ParsedRevision | undefined): void {
    this.seen.add(path)
    this.entries.set(path, [size, mtimeMs, parsed ?? null])
    this.changed = true
  }

  /** Write the cache back when a file was read, added or removed; failures are ignored. */
  save(): void {
    if (!this.changed && this.seen.size === this.entries.size) return
    const entries = [...this.entries].filter(([path]) => this.seen.has(path))
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const temp = `${this.file}.${process.pid}.tmp`
      writeFileSync(temp, JSON.stringify({ format: FORMAT, entries }))
      renameSync(temp, this.file)
    } catch {
      // A read-only project still works, only slower.
    }
  }
}
