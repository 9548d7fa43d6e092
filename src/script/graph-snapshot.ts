import {
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import type { Stats } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { historyRange } from '../graph/plans.js'
import { RevisionMap, type DerivedGraph } from '../graph/revision-map.js'
import type { RevisionRecord } from '../graph/revision.js'
import { hash, projectCacheFolder } from './cache.js'
import { isRevisionFileName, scanVersionLocations, type ScanOptions } from './scan.js'

/** What {@link readGraph} gives: the map, and the scan's warnings for the log. */
export interface GraphResult {
  readonly map: RevisionMap
  readonly warnings: readonly string[]
  /** Whether the map came from the snapshot (nothing was scanned or checked again). */
  readonly fromSnapshot: boolean
}

/** Bump when the snapshot's layout changes. */
const FORMAT = 2

/**
 * One location as the snapshot saw it: its real path (null when missing),
 * how its paths are shown, and its revision-named files in load order (names
 * joined by new lines) with their sizes, modification times and change times.
 */
interface SavedLocation {
  readonly real: string | null
  readonly prefix: string
  readonly names: string
  readonly size: number[]
  readonly mtime: number[]
  readonly ctime: number[]
}

/**
 * The first line of the file; the doc comments follow it, separated by NUL
 * characters, and are split only when a command asks for one.
 */
interface Header {
  readonly format: number
  /** Which Retort wrote it: its version and the state of the code that reads and builds graphs. */
  readonly code: string
  readonly locations: SavedLocation[]
  /** Revision ids in load order, joined by new lines. */
  readonly ids: string
  /** Per revision: its location (index) and its file (index in that location's names). */
  readonly location: number[]
  readonly file: number[]
  /** Declared branch labels and dependsOn of the few revisions that have them: [index, values]. */
  readonly labels: [number, string[]][]
  readonly dependsOn: [number, string[]][]
  readonly derived: DerivedGraph
}

/**
 * The revision graph of the version locations: from a snapshot of the built
 * map when every revision file is as it was when the snapshot was written,
 * else scanned and built (behavior.md a.4) and snapshotted for next time.
 *
 * A snapshot is used only when the locations list exactly the same
 * revision-named files as before (so an added, removed or renamed file is
 * seen) and each one has the same size, modification time and change time
 * (so an edited or replaced one is seen); and only when it was written by
 * this version of Retort with this code. It lives beside the scan cache in
 * `node_modules/.cache/retort/`; without a `node_modules` folder, with
 * recursive version locations or with overlapping ones, the scan is used
 * alone.
 */
export function readGraph(options: ScanOptions): GraphResult {
  const rootDir = resolve(options.rootDir)
  const folder = !options.cache || options.recursive ? undefined : projectCacheFolder(rootDir)
  const locations = options.locations.map((l) => resolve(rootDir, l))
  const file =
    folder && join(folder, `graph-${hash(JSON.stringify([rootDir, locations, FORMAT]))}.txt`)
  const code = file ? codeKey() : ''
  if (file) {
    const map = restore(file, code, locations)
    if (map) return { map, warnings: [], fromSnapshot: true }
  }
  const { records, warnings } = scanVersionLocations(options)
  const map = RevisionMap.build(records)
  if (file && warnings.length === 0) {
    // `history` and `branches` walk the whole history: keep their order too.
    try {
      historyRange(map, undefined)
    } catch {
      // The command reports it, if it needs the order.
    }
    save(file, code, locations, map)
  }
  return { map, warnings, fromSnapshot: false }
}

/** A record of a snapshot: its doc comment is split out of the file when first asked for. */
class SavedRecord implements RevisionRecord {
  constructor(
    readonly revision: string,
    readonly downRevisions: readonly string[],
    readonly branchLabels: readonly string[],
    readonly dependsOn: readonly string[],
    readonly path: string,
    readonly versionLocation: string,
    private readonly index: number,
    private readonly docs: Docs,
  ) {}

  get doc(): string {
    return this.docs.at(this.index)
  }
}

class Docs {
  private list: string[] | undefined
  constructor(private readonly text: string) {}
  at(index: number): string {
    return (this.list ??= this.text.split('\0'))[index] ?? ''
  }
}

const NONE: readonly never[] = Object.freeze([])

/** The map of a snapshot whose files are all unchanged, else undefined. */
function restore(
  file: string,
  code: string,
  locations: readonly string[],
): RevisionMap | undefined {
  let header: Header
  let docs: Docs
  try {
    const text = readFileSync(file, 'utf8')
    const end = text.indexOf('\n')
    header = JSON.parse(text.slice(0, end)) as Header
    docs = new Docs(text.slice(end + 1))
  } catch {
    return undefined
  }
  if (
    header.format !== FORMAT ||
    header.code !== code ||
    header.locations.length !== locations.length ||
    !listLocations(locations, header.locations)
  )
    return undefined
  const names = header.locations.map((l) => l.names.split('\n'))
  // An empty history saves '' as its ids: no revision, not one with an empty id.
  const ids = header.ids === '' ? [] : header.ids.split('\n')
  const labels = new Map(header.labels)
  const dependsOn = new Map(header.dependsOn)
  const downIdx = header.derived.downIdx
  const records = ids.map((id, i) => {
    const k = header.location[i]!
    return new SavedRecord(
      id,
      downIdx[i]!.length ? downIdx[i]!.map((d) => ids[d]!) : NONE,
      labels.get(i) ?? NONE,
      dependsOn.get(i) ?? NONE,
      header.locations[k]!.prefix + names[k]![header.file[i]!]!,
      locations[k]!,
      i,
      docs,
    )
  })
  return RevisionMap.restore(records, header.derived)
}

/**
 * The locations now, compared with `saved` as it goes: undefined at the first
 * difference. With `saved` undefined, the full listing (prefixes left empty).
 */
function listLocations(
  locations: readonly string[],
  saved?: readonly SavedLocation[],
): SavedLocation[] | undefined {
  const out: SavedLocation[] = []
  const reals = new Set<string>()
  for (const [k, location] of locations.entries()) {
    const was = saved?.[k]
    let real: string | null
    try {
      real = realpathSync(location)
    } catch {
      real = null
    }
    if (was && was.real !== real) return undefined
    const now: SavedLocation = { real, prefix: '', names: '', size: [], mtime: [], ctime: [] }
    out.push(now)
    if (real === null) continue
    // Two locations reaching one folder make the scan warn: leave those to the scan.
    if (reals.has(real)) return undefined
    reals.add(real)
    let names: string[]
    try {
      names = readdirSync(location).filter(isRevisionFileName)
    } catch {
      return undefined
    }
    sortNames(names)
    const files: string[] = []
    for (const name of names) {
      // What the scan reads in a folder without recursion: files, and links to files.
      const stats: Stats | undefined = statSync(location + '/' + name, { throwIfNoEntry: false })
      if (!stats?.isFile()) continue
      const at = files.length
      if (
        was &&
        (was.size[at] !== stats.size ||
          was.mtime[at] !== stats.mtimeMs ||
          was.ctime[at] !== stats.ctimeMs - stats.mtimeMs)
      )
        return undefined
      files.push(name)
      now.size.push(stats.size)
      now.mtime.push(stats.mtimeMs)
      now.ctime.push(stats.ctimeMs - stats.mtimeMs)
    }
    ;(now as { names: string }).names = files.join('\n')
    if (was && (files.length !== was.size.length || now.names !== was.names)) return undefined
  }
  return out
}

/** Write the snapshot (temp file, rename); a failure only costs speed next time. */
function save(file: string, code: string, locations: readonly string[], map: RevisionMap): void {
  try {
    const listed = listLocations(locations)
    if (!listed) return
    const byLocation = new Map(locations.map((l, k) => [l, k]))
    const fileIndex = listed.map((l) => new Map(l.names.split('\n').map((name, i) => [name, i])))
    const location: number[] = []
    const fileOf: number[] = []
    const labels: [number, string[]][] = []
    const dependsOn: [number, string[]][] = []
    const docs: string[] = []
    for (const { record: r, index } of map.revisions) {
      const k = byLocation.get(r.versionLocation)
      const slash = r.path.lastIndexOf('/')
      const name = r.path.slice(slash + 1)
      const f = k === undefined ? undefined : fileIndex[k]!.get(name)
      // Anything the compact form cannot say exactly is left to the scan.
      if (k === undefined || f === undefined || r.revision.includes('\n') || r.doc.includes('\0'))
        return
      const place = listed[k]!
      const prefix = r.path.slice(0, slash + 1)
      if (place.prefix !== prefix) {
        if (place.prefix !== '') return
        ;(place as { prefix: string }).prefix = prefix
      }
      location.push(k)
      fileOf.push(f)
      if (r.branchLabels.length) labels.push([index, [...r.branchLabels]])
      if (r.dependsOn.length) dependsOn.push([index, [...r.dependsOn]])
      docs.push(r.doc)
    }
    const header: Header = {
      format: FORMAT,
      code,
      locations: listed,
      ids: map.revisions.map((r) => r.id).join('\n'),
      location,
      file: fileOf,
      labels,
      dependsOn,
      derived: map.derived(),
    }
    mkdirSync(dirname(file), { recursive: true })
    const temp = `${file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(header) + '\n' + docs.join('\0'))
    renameSync(temp, file)
  } catch {
    // A read-only project still works, only slower.
  }
}

/**
 * Retort's version and the size and modification time of each module of the
 * graph and script layers: a snapshot from other code is not used.
 */
function codeKey(): string {
  const parts: string[] = []
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version?: string
    }
    parts.push(String(pkg.version))
  } catch {
    parts.push('?')
  }
  for (const layer of ['../graph/', '../script/']) {
    const dir = fileURLToPath(new URL(layer, import.meta.url))
    try {
      for (const name of readdirSync(dir).sort()) {
        const stats = statSync(join(dir, name))
        parts.push(`${name}:${stats.size}:${stats.mtimeMs}`)
      }
    } catch {
      parts.push(`${layer}?`)
    }
  }
  return hash(parts.join('\0'))
}

/** The scan's order (behavior.md a.4): code points, which the native sort matches without astral characters. */
function sortNames(names: string[]): void {
  names.sort()
  if (names.some((name) => /[\uD800-\uDFFF]/.test(name))) names.sort(compareCodePoints)
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!)
  const y = [...b].map((c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}
