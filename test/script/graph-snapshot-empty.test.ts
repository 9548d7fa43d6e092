import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { readGraph } from '../../src/script/graph-snapshot.js'

describe('graph snapshot of an empty history', () => {
  it('restores a graph without revisions as empty (no phantom revision)', () => {
    const root = mkdtempSync(join(tmpdir(), 'retort-snapshot-empty-'))
    try {
      mkdirSync(join(root, 'versions'))
      mkdirSync(join(root, 'node_modules'))
      const read = () =>
        readGraph({ locations: ['versions'], recursive: false, rootDir: root, cache: true })
      const built = read()
      assert.equal(built.fromSnapshot, false)
      assert.equal(built.map.revisions.length, 0)
      const restored = read()
      assert.equal(restored.fromSnapshot, true)
      assert.equal(restored.map.revisions.length, 0)
      assert.deepEqual(restored.map.heads, [])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
