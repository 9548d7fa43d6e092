/**
 * Summarize a V8 `.cpuprofile` (from `npm run bench -- --profile DIR` or
 * `node --cpu-prof`): the functions with the most self time and the most
 * total time. Usage: `node --import tsx bench/profile.ts FILE [TOP]`.
 */
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
  readonly children?: readonly number[]
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
  readonly startTime: number
  readonly endTime: number
}

export interface FunctionCost {
  readonly name: string
  readonly selfMs: number
  readonly totalMs: number
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)'])

/** Self and total time per function (recursive calls counted once), highest self time first. */
export function summarizeProfile(
  profile: CpuProfile,
  cwd = process.cwd(),
): { costs: FunctionCost[]; wallMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, k) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)),
  )

  const nameOf = (n: ProfileNode): string => {
    const f = n.callFrame
    if (SPECIAL.has(f.functionName) || (!f.url && !f.functionName))
      return f.functionName || '(anonymous)'
    const url = f.url.startsWith('file://') ? relative(cwd, new URL(f.url).pathname) : f.url
    return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`
  }
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!
    const name = nameOf(node)
    self.set(name, (self.get(name) ?? 0) + us)
    // Charge the sample to every distinct function on its stack.
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const fn = nameOf(byId.get(cur)!)
      if (seen.has(fn)) continue
      seen.add(fn)
      total.set(fn, (total.get(fn) ?? 0) + us)
    }
  }
  const costs = [...total.keys()].map((name) => ({
    name,
    selfMs: (self.get(name) ?? 0) / 1000,
    totalMs: (total.get(name) ?? 0) / 1000,
  }))
  costs.sort((a, b) => b.selfMs - a.selfMs)
  return { costs, wallMs: (profile.endTime - profile.startTime) / 1000 }
}

function main(): void {
  const [file, topText] = process.argv.slice(2)
  if (!file) {
    console.error('usage: node --import tsx bench/profile.ts FILE.cpuprofile [TOP]')
    process.exitCode = 2
    return
  }
  const top = Number(topText ?? 15)
  const { costs, wallMs } = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)
  console.log(`${file}: ${wallMs.toFixed(0)} ms profiled`)
  console.log('top self time:')
  for (const c of costs.slice(0, top)) {
    console.log(
      `  ${c.selfMs.toFixed(1).padStart(8)} ms self ${c.totalMs.toFixed(1).padStart(8)} ms total  ${c.name}`,
    )
  }
  console.log('top total time (excluding the program root):')
  const named = costs.filter((c) => !SPECIAL.has(c.name) && !c.name.startsWith('(anonymous) node:'))
  for (const c of [...named].sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) {
    console.log(
      `  ${c.totalMs.toFixed(1).padStart(8)} ms total ${c.selfMs.toFixed(1).padStart(8)} ms self  ${c.name}`,
    )
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Piped into `head`: stop quietly when the reader goes away.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
  main()
}
