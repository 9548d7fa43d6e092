import assert from 'node:assert/strict'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { scanVersionLocations } from '../../src/script/scan.js'
import { revisionSource } from '../helpers/project.js'

describe('scan cache', () => {
  let root: string
  const cacheDir = (): string => join(root, 'node_modules/.cache/retort')
  const scan = () =>
    scanVersionLocations({ locations: ['versions'], recursive: false, rootDir: root, cache: true })
  const write = (id: string, down: string | null, message = `rev ${id}`): void =>
    writeFileSync(
      join(root, 'versions', `${id}.ts`),
      revisionSource({ revision: id, downRevision: down, message }),
    )

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'retort-cache-'))
    mkdirSync(join(root, 'versions'))
    mkdirSync(join(root, 'node_modules'))
    write('a1', null)
    write('b1', 'a1')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('records what each file declared under node_modules/.cache/retort and reads the same records back', () => {
    const first = scan().records
    const files = readdirSync(cacheDir()).filter((f) => f.startsWith('scan-'))
    assert.equal(files.length, 1)
    const cached = readFileSync(join(cacheDir(), files[0]!), 'utf8')
    assert.match(cached, /"a1"/)
    assert.deepEqual(scan().records, first)
  })

  it('reads a file again when it changed, even with the same size', () => {
    scan()
    const path = join(root, 'versions', 'b1.ts')
    writeFileSync(path, readFileSync(path, 'utf8').replace('rev b1', 'rev B1'))
    const later = new Date(Date.now() + 5000)
    utimesSync(path, later, later)
    const b1 = scan().records.find((r) => r.revision === 'b1')!
    assert.equal(b1.doc.split('\n')[0], 'rev B1')
  })

  it('sees added and removed files', () => {
    scan()
    write('c1', 'b1')
    rmSync(join(root, 'versions', 'a1.ts'))
    assert.deepEqual(
      scan().records.map((r) => r.revision),
      ['b1', 'c1'],
    )
  })

  it('ignores a damaged cache file and rewrites it', () => {
    scan()
    const file = join(
      cacheDir(),
      readdirSync(cacheDir()).find((f) => f.startsWith('scan-'))!,
    )
    writeFileSync(file, '{ not json')
    assert.deepEqual(
      scan().records.map((r) => r.revision),
      ['a1', 'b1'],
    )
    assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')))
  })

  it('does nothing without a node_modules folder above the project', () => {
    rmSync(join(root, 'node_modules'), { recursive: true })
    assert.equal(scan().records.length, 2)
  })
})
