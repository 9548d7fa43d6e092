import { GraphError } from '../errors.js'
import { messageOf, type RevisionRecord } from './revision.js'

/** Characters that are syntax in identifiers and so may not appear in a revision id (behavior.md a.1). */
export const ID_SYNTAX = /[@\-+:]/g
const HAS_ID_SYNTAX = /[@\-+:]/
/** Labels may not contain these either, nor whitespace (behavior.md a.5, Retort rule). */
export const LABEL_SYNTAX = /[@\-+:\s]/

/** A revision inside the graph: the record plus everything derived from its neighbours. */
export interface Revision {
  /** Position in load order. */
  readonly index: number
  readonly id: string
  readonly record: RevisionRecord
  readonly downRevisions: readonly string[]
  /** dependsOn exactly as written in the file (labels stay labels). */
  readonly dependsOn: readonly string[]
  /** Labels declared by this file. */
  readonly declaredLabels: readonly string[]
  /** Labels this revision carries (behavior.md a.5), sorted. */
  readonly branchLabels: readonly string[]
  readonly doc: string
  readonly message: string
  readonly path: string
  /** Revisions naming this one as a down revision, in load order. */
  readonly children: readonly Revision[]
  readonly isBase: boolean
  readonly isHead: boolean
  /** A head that some revision depends on. */
  readonly isEffectiveHead: boolean
  readonly isBranchPoint: boolean
  readonly isMergePoint: boolean
}

/** A revision of the map; `message` and `children` are worked out when first asked for. */
class RevisionNode implements Revision {
  readonly id: string
  readonly downRevisions: readonly string[]
  readonly dependsOn: readonly string[]
  readonly declaredLabels: readonly string[]
  branchLabels: readonly string[] = NONE
  readonly doc: string
  readonly path: string
  readonly isBase: boolean
  readonly isMergePoint: boolean
  isHead = true
  isEffectiveHead = false
  isBranchPoint = false
  private messageText: string | undefined
  private childList: readonly Revision[] | undefined

  constructor(
    readonly index: number,
    readonly record: RevisionRecord,
    private readonly map: RevisionMap,
  ) {
    this.id = record.revision
    this.downRevisions = record.downRevisions
    this.dependsOn = record.dependsOn
    this.declaredLabels = record.branchLabels
    this.doc = record.doc
    this.path = record.path
    this.isBase = record.downRevisions.length === 0
    this.isMergePoint = record.downRevisions.length > 1
  }

  get message(): string {
    return (this.messageText ??= messageOf(this.doc))
  }

  get children(): readonly Revision[] {
    return (this.childList ??= this.map.childIdx[this.index]!.map((c) => this.map.revisions[c]!))
  }
}

const NONE: readonly never[] = Object.freeze([])

/**
 * The revision graph: revisions in load order, indexed by id and label, with
 * the edges behavior.md a.2 and a.3 define. Built once per command from the
 * records of the version locations; validation failures throw GraphError.
 *
 * Edges are kept as integer arrays so that walks over 50,000 revisions stay cheap.
 */
export class RevisionMap {
  readonly revisions: readonly Revision[]
  /** Every head (effective heads included), load order. */
  readonly heads: readonly Revision[]
  /** Heads nothing depends on: the meaning of `heads`. */
  readonly realHeads: readonly Revision[]
  readonly bases: readonly Revision[]

  /** Down revisions as indices. */
  readonly downIdx: readonly (readonly number[])[]
  /** Dependencies resolved to indices, declared order. */
  readonly depIdx: readonly (readonly number[])[]
  /** Effective parents (behavior.md a.3): down revisions, then non-redundant dependencies. */
  readonly effParents: readonly (readonly number[])[]
  /** Reverse of effParents, load order. */
  readonly effChildren: readonly (readonly number[])[]
  /** Children through down revisions only. */
  readonly childIdx: readonly (readonly number[])[]
  /** Longest path from a base over down revisions and dependencies: an ancestor always has a lower one. */
  readonly generation: Int32Array

  private readonly byId = new Map<string, number>()
  /** Every id and every declared label, for lookups and prefixes. */
  private readonly names = new Map<string, number>()
  private sortedNames: string[] | undefined
  private readonly mark: Int32Array
  private epoch = 0

  private constructor(records: readonly RevisionRecord[]) {
    const n = records.length
    const revs = records.map((record, index) => new RevisionNode(index, record, this))
    this.revisions = revs
    this.mark = new Int32Array(n)
    this.generation = new Int32Array(n)

    this.indexIds(revs)
    this.indexLabels(revs)
    const downIdx = revs.map((r) => r.downRevisions.map((d) => this.downRevisionIndex(r, d)))
    const depIdx = revs.map((r) =>
      r.dependsOn.length ? uniq(r.dependsOn.map((d) => this.dependencyIndex(r, d))) : NONE,
    )
    this.downIdx = downIdx
    this.depIdx = depIdx

    const childIdx: number[][] = revs.map(() => [])
    const dependents = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      for (const p of downIdx[i]!) {
        if (p === i)
          throw new GraphError(`Self-loop is detected in revisions (${revs[i]!.id})`, [
            revs[i]!.path,
          ])
        childIdx[p]!.push(i)
      }
      for (const d of depIdx[i]!) {
        if (d === i) {
          throw new GraphError(`Dependency self-loop is detected in revisions (${revs[i]!.id})`, [
            revs[i]!.path,
          ])
        }
        dependents[d]!++
      }
    }
    this.childIdx = childIdx
    this.computeGenerations()

    for (const r of revs) {
      const kids = childIdx[r.index]!.length
      r.isHead = kids === 0
      r.isBranchPoint = kids > 1
      r.isEffectiveHead = r.isHead && dependents[r.index]! > 0
    }
    this.heads = revs.filter((r) => r.isHead)
    this.realHeads = this.heads.filter((r) => !r.isEffectiveHead)
    this.bases = revs.filter((r) => r.isBase)

    this.effParents = this.normalizeDependencies()
    const effChildren: number[][] = revs.map(() => [])
    this.effParents.forEach((ps, i) => ps.forEach((p) => effChildren[p]!.push(i)))
    this.effChildren = effChildren

    this.carryLabels(revs, dependents)
  }

  /** Build and validate the graph; throws GraphError naming the files at fault. */
  static build(records: readonly RevisionRecord[]): RevisionMap {
    return new RevisionMap(records)
  }

  get size(): number {
    return this.revisions.length
  }

  /** The revision with exactly this id, if any. */
  byRevisionId(id: string): Revision | undefined {
    const i = this.byId.get(id)
    return i === undefined ? undefined : this.revisions[i]
  }

  /** Exact id or declared label. */
  byName(name: string): Revision | undefined {
    const i = this.names.get(name)
    return i === undefined ? undefined : this.revisions[i]
  }

  /** Table keys (ids and labels) longer than three characters that start with `prefix` (behavior.md b.2). */
  prefixMatches(prefix: string): string[] {
    const sorted = (this.sortedNames ??= [...this.names.keys()].sort())
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid]! < prefix) lo = mid + 1
      else hi = mid
    }
    const out: string[] = []
    for (let k = lo; k < sorted.length && sorted[k]!.startsWith(prefix); k++) {
      if (sorted[k]!.length > 3) out.push(sorted[k]!)
    }
    return out
  }

  /** Every table key, for "did you mean" hints. */
  allNames(): IterableIterator<string> {
    return this.names.keys()
  }

  /** Whether a label with this name is declared. */
  isLabel(name: string): boolean {
    return this.names.has(name) && !this.byId.has(name)
  }

  /** Ancestor test: is `a` equal to `b` or below it? `withDeps` also follows dependencies. */
  isAncestor(a: number, b: number, withDeps: boolean): boolean {
    if (a === b) return true
    const gen = this.generation
    if (gen[a]! >= gen[b]!) return false
    const epoch = this.nextEpoch()
    const stack = [b]
    this.mark[b] = epoch
    while (stack.length) {
      const x = stack.pop()!
      const parents = withDeps ? this.effOrRawParents(x) : this.downIdx[x]!
      for (const p of parents) {
        if (p === a) return true
        if (this.mark[p] === epoch || gen[p]! <= gen[a]!) continue
        this.mark[p] = epoch
        stack.push(p)
      }
    }
    return false
  }

  private intervals: readonly { low: Int32Array; post: Int32Array }[] | undefined

  /**
   * Reachability intervals over effective parents (GRAIL-style), from two
   * depth-first orders: when c is an ancestor of t, each [low(c), post(c)]
   * lies inside t's. A quick "no" for ancestor tests; "yes" needs a search.
   */
  reachIntervals(): readonly { readonly low: Int32Array; readonly post: Int32Array }[] {
    return (this.intervals ??= [this.intervalsFrom(false), this.intervalsFrom(true)])
  }

  private intervalsFrom(reversed: boolean): { low: Int32Array; post: Int32Array } {
    const n = this.size
    const post = new Int32Array(n).fill(-1)
    const low = new Int32Array(n)
    let counter = 0
    const stack: number[] = []
    const edge: number[] = []
    for (let r = 0; r < n; r++) {
      const root = reversed ? n - 1 - r : r
      if (post[root] !== -1) continue
      stack.push(root)
      edge.push(0)
      post[root] = -2 // on the stack
      while (stack.length) {
        const top = stack.length - 1
        const x = stack[top]!
        const ps = this.effParents[x]!
        const k = edge[top]!
        if (k < ps.length) {
          edge[top] = k + 1
          const p = ps[reversed ? ps.length - 1 - k : k]!
          if (post[p] === -1) {
            post[p] = -2
            stack.push(p)
            edge.push(0)
          }
          continue
        }
        stack.pop()
        edge.pop()
        let l = counter
        for (const p of ps) if (low[p]! < l) l = low[p]!
        low[x] = l
        post[x] = counter++
      }
    }
    return { low, post }
  }

  /** `from` and all their ancestors, as a membership array (1 = member). */
  ancestorSet(from: Iterable<number>, withDeps: boolean): Uint8Array {
    return this.closure(from, (x) => (withDeps ? this.effOrRawParents(x) : this.downIdx[x]!))
  }

  /** `from` and all their descendants, as a membership array. */
  descendantSet(from: Iterable<number>, withDeps: boolean): Uint8Array {
    return this.closure(from, (x) => (withDeps ? this.effChildren[x]! : this.childIdx[x]!))
  }

  private closure(from: Iterable<number>, next: (x: number) => readonly number[]): Uint8Array {
    const set = new Uint8Array(this.size)
    const stack: number[] = []
    for (const f of from) {
      if (!set[f]) {
        set[f] = 1
        stack.push(f)
      }
    }
    while (stack.length) {
      for (const y of next(stack.pop()!)) {
        if (!set[y]) {
          set[y] = 1
          stack.push(y)
        }
      }
    }
    return set
  }

  /** Whether x shares lineage with y: equal, ancestor or descendant over down revisions (behavior.md b.3). */
  sharesLineage(x: number, y: number): boolean {
    return this.isAncestor(x, y, false) || this.isAncestor(y, x, false)
  }

  // During construction effParents is not ready yet; generations and cycle checks use raw edges.
  private effOrRawParents(x: number): readonly number[] {
    return this.effParents ? this.effParents[x]! : [...this.downIdx[x]!, ...this.depIdx[x]!]
  }

  private nextEpoch(): number {
    this.epoch++
    if (this.epoch === 0x7fffffff) {
      this.mark.fill(0)
      this.epoch = 1
    }
    return this.epoch
  }

  private indexIds(revs: readonly Revision[]): void {
    for (const r of revs) {
      const bad = HAS_ID_SYNTAX.test(r.id) ? r.id.match(ID_SYNTAX) : null
      if (bad || r.id.length === 0) {
        const chars = bad ? [...new Set(bad)].map((c) => `'${c}'`).join(', ') : ''
        throw new GraphError(
          r.id.length === 0
            ? `Empty revision identifier in ${r.path}`
            : `Character(s) ${chars} not allowed in revision identifier '${r.id}' (${r.path}); ` +
                `ids may not contain @ - + :`,
          [r.path],
        )
      }
      const seen = this.byId.get(r.id)
      if (seen !== undefined) {
        const first = revs[seen]!
        throw new GraphError(
          `Revision ${r.id} is present more than once: ${first.path} and ${r.path}; give one of them a new id`,
          [first.path, r.path],
        )
      }
      this.byId.set(r.id, r.index)
      this.names.set(r.id, r.index)
    }
  }

  private indexLabels(revs: readonly Revision[]): void {
    for (const r of revs) {
      for (const label of r.declaredLabels) {
        if (label.length === 0 || LABEL_SYNTAX.test(label)) {
          throw new GraphError(
            `Branch name '${label}' in revision ${r.id} (${r.path}) is not allowed: ` +
              `labels must be non-empty and may not contain @ : + - or whitespace`,
            [r.path],
          )
        }
        const owner = this.names.get(label)
        if (owner !== undefined) {
          const other = revs[owner]!
          const what = this.byId.has(label) ? 'as a revision id' : 'as a branch label'
          throw new GraphError(
            `Branch name '${label}' in revision ${r.id} (${r.path}) already used ${what} by revision ` +
              `${other.id} (${other.path}); pick another label`,
            [r.path, other.path],
          )
        }
        this.names.set(label, r.index)
      }
    }
  }

  private downRevisionIndex(r: Revision, name: string): number {
    const i = this.byId.get(name)
    if (i !== undefined) return i
    const label = this.names.get(name)
    const hint =
      label !== undefined
        ? `; '${name}' is a branch label of revision ${this.revisions[label]!.id}: down revisions must be full revision ids`
        : this.fullIdHint(name)
    throw new GraphError(
      `revision ${r.id} (${r.path}) names down revision ${name}, which does not exist${hint}`,
      [r.path],
    )
  }

  private dependencyIndex(r: Revision, name: string): number {
    const i = this.names.get(name)
    if (i !== undefined) return i
    throw new GraphError(
      `revision ${r.id} (${r.path}) depends on '${name}', which is neither a revision id nor a branch label` +
        this.fullIdHint(name),
      [r.path],
    )
  }

  private fullIdHint(name: string): string {
    const ids = [...this.byId.keys()].filter((id) => id.startsWith(name))
    return ids.length === 1 ? `; write the full id '${ids[0]}'` : ''
  }

  /**
   * Generations by Kahn's algorithm over down revisions and dependencies;
   * revisions left over are on a cycle, reported as a path (behavior.md f).
   */
  private computeGenerations(): void {
    const n = this.size
    const pending = new Int32Array(n)
    // Children through down revisions are childIdx; dependents are few, so kept apart.
    const dependents = new Map<number, number[]>()
    for (let i = 0; i < n; i++) {
      pending[i] = this.downIdx[i]!.length + this.depIdx[i]!.length
      for (const d of this.depIdx[i]!) {
        const list = dependents.get(d)
        if (list) list.push(i)
        else dependents.set(d, [i])
      }
    }
    const generation = this.generation
    const order: number[] = []
    for (let i = 0; i < n; i++) if (pending[i] === 0) order.push(i)
    const visit = (x: number, c: number): void => {
      const g = generation[x]! + 1
      if (g > generation[c]!) generation[c] = g
      if (--pending[c]! === 0) order.push(c)
    }
    for (let k = 0; k < order.length; k++) {
      const x = order[k]!
      for (const c of this.childIdx[x]!) visit(x, c)
      const deps = dependents.get(x)
      if (deps) for (const c of deps) visit(x, c)
    }
    if (order.length === n) return
    // A cycle through down revisions alone is a plain cycle; otherwise a dependency is on it.
    const downOnly = this.findCycle((i) => this.downIdx[i]!)
    if (downOnly) this.cycleError('Cycle', downOnly)
    this.cycleError(
      'Dependency cycle',
      this.findCycle((i) => [...this.downIdx[i]!, ...this.depIdx[i]!])!,
    )
  }

  /** One cycle of the graph given by `parents`, as a closed path, or undefined. */
  private findCycle(parents: (i: number) => readonly number[]): number[] | undefined {
    const n = this.size
    const state = new Uint8Array(n) // 0 new, 1 on the stack, 2 done
    const parentAt = new Int32Array(n).fill(-1)
    for (let root = 0; root < n; root++) {
      if (state[root]) continue
      const stack: [number, number][] = [[root, 0]]
      state[root] = 1
      while (stack.length) {
        const top = stack[stack.length - 1]!
        const [x, k] = top
        const ps = parents(x)
        if (k >= ps.length) {
          state[x] = 2
          stack.pop()
          continue
        }
        top[1]++
        const p = ps[k]!
        if (state[p] === 1) {
          const path = [p]
          for (let y = x; y !== p; y = parentAt[y]!) path.push(y)
          path.push(p)
          return path
        }
        if (state[p] === 0) {
          state[p] = 1
          parentAt[p] = x
          stack.push([p, 0])
        }
      }
    }
    return undefined
  }

  private cycleError(kind: string, cycle: readonly number[]): never {
    const revs = this.revisions
    throw new GraphError(
      `${kind} is detected in revisions: ${cycle.map((i) => revs[i]!.id).join(' -> ')} (` +
        `${[...new Set(cycle)].map((i) => revs[i]!.path).join(', ')}); ` +
        `fix the down revisions or dependencies so that the history has no loop`,
      cycle.map((i) => revs[i]!.path),
    )
  }

  /**
   * Effective parents (behavior.md a.3): down revisions in order, then the
   * declared dependencies, less any that an ancestor (through down
   * revisions) already depends on: such a dependency is redundant.
   */
  private normalizeDependencies(): readonly (readonly number[])[] {
    const dependents = new Map<number, number[]>()
    this.depIdx.forEach((deps, i) =>
      deps.forEach((d) => {
        const list = dependents.get(d)
        if (list) list.push(i)
        else dependents.set(d, [i])
      }),
    )
    return this.revisions.map((r) => {
      const down = this.downIdx[r.index]!
      const deps = this.depIdx[r.index]!
      if (deps.length === 0) return down
      const kept = deps.filter(
        (d) =>
          !dependents
            .get(d)!
            .some((other) => other !== r.index && this.isAncestor(other, r.index, false)),
      )
      return uniq([...down, ...kept])
    })
  }

  /** Which revisions carry each declared label (behavior.md a.5, reproducing Alembic's walk). */
  private carryLabels(revs: RevisionNode[], dependents: Int32Array): void {
    const sets: (Set<string> | undefined)[] = new Array(revs.length)
    const add = (i: number, labels: readonly string[]): void => {
      const s = (sets[i] ??= new Set())
      for (const l of labels) s.add(l)
    }
    const stopsWalk = (i: number): boolean =>
      revs[i]!.isMergePoint || this.childIdx[i]!.length + dependents[i]! > 1
    for (const r of revs) {
      if (r.declaredLabels.length === 0) continue
      // 1. r and every descendant, depth first with a stack; remember the last one visited.
      const seen = new Set<number>()
      const stack = [r.index]
      let last = r.index
      while (stack.length) {
        const x = stack.pop()!
        if (seen.has(x)) continue
        seen.add(x)
        for (const c of this.childIdx[x]!) stack.push(c)
        add(x, r.declaredLabels)
        last = x
      }
      // 2. walk down from the last descendant until a branch or merge point.
      let x: number | undefined = last
      while (x !== undefined && !stopsWalk(x)) {
        add(x, r.declaredLabels)
        x = this.downIdx[x]![0]
      }
    }
    sets.forEach((s, i) => {
      if (s) revs[i]!.branchLabels = [...s].sort()
    })
  }
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)]
}
