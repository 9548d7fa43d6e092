import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'

const root = fileURLToPath(new URL('../../', import.meta.url))

// Many databases and statements, opened, used, closed and dropped, with enough
// garbage around them that the collector frees them while the process runs.
const child = `
const Database = require('better-sqlite3')
for (let i = 0; i < 3000; i++) {
  const db = new Database(':memory:')
  db.prepare('SELECT 1').get()
  db.close()
  const garbage = new Array(10000).fill(i)
}
console.log('done', require('better-sqlite3/package.json').version)
`

describe('better-sqlite3 on this Node', () => {
  it('survives the garbage collector freeing closed databases and statements', () => {
    // better-sqlite3 12 built against Node 24.19+ headers aborts here
    // (RemoveEnvironmentCleanupHook assertion); npm installs 13 on Node 22+.
    const result = spawnSync(process.execPath, ['-e', child], { cwd: root, encoding: 'utf8' })
    assert.equal(result.signal, null, result.stderr.slice(0, 400))
    assert.equal(result.status, 0, result.stderr.slice(0, 400))
    assert.match(result.stdout, /^done \d+\.\d+\.\d+\n$/)
  })
})
