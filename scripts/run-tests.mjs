// Runs the test files with node's test runner (TypeScript through tsx).
// --unit: everything but test/runtime, test/ops, test/schema (database suites); --db: only those.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import process from 'node:process'

const mode = process.argv.includes('--unit') ? 'unit' : process.argv.includes('--db') ? 'db' : 'all'
const dbFolders = ['test/runtime', 'test/ops', 'test/schema']
const files = []
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p)
    else if (name.endsWith('.test.ts')) files.push(p)
  }
}
walk('test')
const picked = files.filter((f) => {
  const isDb = dbFolders.some((d) => f.startsWith(d))
  return mode === 'all' || (mode === 'db' ? isDb : !isDb)
})
const extra = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...(extra.length ? extra : picked)],
  { stdio: 'inherit' },
)
process.exit(result.status ?? 1)
