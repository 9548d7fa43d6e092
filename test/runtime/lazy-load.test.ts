import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

// A child process records every module it resolves (through a loader hook)
// while importing the package's entry module (the API), then prints the list.
// The API's database access is the one lazy boundary: the runtime, Kysely and
// the database clients load only when a database or script is used.
const recording = (body: string): string => `
import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const seen = []
const { port1, port2 } = new MessageChannel()
port1.on('message', (url) => seen.push(url))
port1.unref()
const hook = 'export async function initialize({ port }) { globalThis.port = port }' +
  ' export async function resolve(specifier, context, next) { const r = await next(specifier, context); globalThis.port.postMessage(r.url); return r }'
register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] })
${body}
await new Promise((resolve) => setTimeout(resolve, 100))
console.log(JSON.stringify(seen))
`

function modulesLoadedBy(body: string): string[] {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', recording(body)],
    { cwd: root, encoding: 'utf8' },
  )
  assert.equal(result.status, 0, result.stderr)
  return JSON.parse(result.stdout) as string[]
}

const child = recording(`await import('./src/index.ts')`)

describe('the package entry module', () => {
  it('loads neither Kysely, a database client nor the CLI until a database or script is used', () => {
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
      urls.some((u) => u.endsWith('/src/api/retort.ts')),
      'the hook saw the imports',
    )
    const heavy = urls.filter((u) =>
      /\/node_modules\/(kysely|pg|mysql2|better-sqlite3|esbuild|commander)\//.test(u),
    )
    assert.deepEqual(heavy, [])
  })

  it('writes a PostgreSQL --sql script loading nothing of SQLite and no database client', () => {
    const urls = modulesLoadedBy(`
      const { renderScript } = await import('./src/runtime/offline.ts')
      const { parseDatabaseUrl } = await import('./src/config/database-url.ts')
      const options = {
        url: parseDatabaseUrl('postgres://u@localhost/db', '/'),
        versionTable: 'v', transactionPerMigration: false, args: {}, log: () => {},
      }
      await renderScript(options, [], { createVersionTable: true })
    `)
    assert.ok(urls.some((u) => u.endsWith('/src/dialects/postgres/index.ts')))
    assert.deepEqual(
      urls.filter((u) =>
        /\/src\/dialects\/sqlite\/|\/node_modules\/(pg|mysql2|better-sqlite3)\//.test(u),
      ),
      [],
    )
  })
})
