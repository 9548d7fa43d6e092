import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

// A child process records every module it resolves (through a loader hook)
// while importing the runtime's entry modules, then prints the list.
const child = `
import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const seen = []
const { port1, port2 } = new MessageChannel()
port1.on('message', (url) => seen.push(url))
port1.unref()
const hook = 'export async function initialize({ port }) { globalThis.port = port }' +
  ' export async function resolve(specifier, context, next) { const r = await next(specifier, context); globalThis.port.postMessage(r.url); return r }'
register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] })
await import('./src/runtime/session.ts')
await import('./src/runtime/offline.ts')
// The hook thread reports asynchronously: on a loaded machine 100 ms is not always enough.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
for (let i = 0; i < 200 && !seen.some((u) => u.endsWith('/src/runtime/offline.ts')); i++) await sleep(50)
await sleep(100)
console.log(JSON.stringify(seen))
`

describe('runtime entry modules', () => {
  it('load neither Kysely nor a database client until a database or script is used', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', child],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
    assert.equal(result.status, 0, result.stderr)
    const urls = JSON.parse(result.stdout) as string[]
    assert.ok(
      urls.some((u) => u.endsWith('/src/runtime/session.ts')),
      'the hook saw the imports',
    )
    const heavy = urls.filter((u) =>
      /\/node_modules\/(kysely|pg|mysql2|better-sqlite3|esbuild)\//.test(u),
    )
    assert.deepEqual(heavy, [])
  })
})
