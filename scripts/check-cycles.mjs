// Fails when the modules of src/ import each other in a cycle. Every import
// and re-export counts, static or dynamic (`import('./x.js')`), and type-only
// ones too unless --runtime is given (they vanish from the built JavaScript,
// but a type cycle still ties two layers together). Run by `npm run lint`.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import process from 'node:process'

const root = resolve(import.meta.dirname, '..', 'src')
const runtimeOnly = process.argv.includes('--runtime')

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

const graph = new Map()
for (const file of files(root)) {
  const text = readFileSync(file, 'utf8')
  const edges = new Set()
  for (const m of text.matchAll(IMPORT)) {
    if (runtimeOnly && m[2]) continue
    const spec = m[3] ?? m[4]
    edges.add(resolve(dirname(file), spec).replace(/\.js$/, '.ts'))
  }
  graph.set(
    file,
    [...edges].filter((target) => target !== file),
  )
}

// Tarjan's strongly connected components: any component of more than one module is a cycle.
let index = 0
const stack = []
const info = new Map()
const cycles = []
function visit(v) {
  info.set(v, { index, low: index, onStack: true })
  index++
  stack.push(v)
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue
    if (!info.has(w)) {
      visit(w)
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low)
    } else if (info.get(w).onStack) {
      info.get(v).low = Math.min(info.get(v).low, info.get(w).index)
    }
  }
  if (info.get(v).low === info.get(v).index) {
    const component = []
    let w
    do {
      w = stack.pop()
      info.get(w).onStack = false
      component.push(w)
    } while (w !== v)
    if (component.length > 1) cycles.push(component)
  }
}
for (const v of graph.keys()) if (!info.has(v)) visit(v)

if (cycles.length > 0) {
  for (const c of cycles)
    process.stderr.write(
      `import cycle: ${c
        .map((f) => relative(root, f))
        .sort()
        .join(' <-> ')}` + '\n',
    )
  process.exit(1)
}
process.stdout.write(
  `no import cycle among ${graph.size} modules of src/${runtimeOnly ? ' (runtime imports)' : ''}` +
    '\n',
)
