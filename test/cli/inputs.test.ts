import assert from 'node:assert/strict'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { makeProject, writeRevision, type Project } from '../helpers/project.js'

/**
 * Empty and mistyped inputs fail naming what is wrong, and touch nothing
 * (issue 8, items 5 and 15): empty identifiers, version locations that do
 * not exist, files in a version location that are not revisions.
 */

let project: Project

beforeEach(() => {
  project = makeProject({ url: 'sqlite:db.sqlite' })
})

afterEach(() => project.remove())

const dbFile = (): string => join(project.root, 'db.sqlite')

describe('empty identifiers', () => {
  it("refuses '', '@', '@head' and 'a1@' with one revision, touching nothing", async () => {
    writeRevision(project.root, { revision: 'a1', downRevision: null, message: 'one' })
    for (const [target, why] of [
      ['', /empty revision identifier/],
      ['  ', /empty revision identifier/],
      ['@', /'@': nothing before '@'/],
      ['@head', /'@head': nothing before '@'/],
      ['a1@', /'a1@': nothing after '@'/],
    ] as const) {
      const up = await project.run(['upgrade', target])
      assert.equal(up.code, 1, `upgrade '${target}': ${up.stderr}`)
      assert.match(up.stderr, /^FAILED: /)
      assert.match(up.stderr, why, `upgrade '${target}'`)
      assert.ok(!existsSync(dbFile()), `upgrade '${target}' created no database`)
    }
    for (const command of [
      ['downgrade', ''],
      ['stamp', ''],
      ['show', ''],
      ['revision', '-m', 'x', '--head', ''],
      ['merge', '@head'],
      ['upgrade', '--sql', ':'],
      ['upgrade', '--sql', 'a1:@head'],
    ]) {
      const result = await project.run(command)
      assert.equal(result.code, 1, `${command.join(' ')}: ${result.stderr}`)
      assert.match(
        result.stderr,
        /^FAILED: .*(empty revision identifier|nothing (before|after) '@')/,
      )
    }
    assert.equal((await project.run('heads')).stdout, 'a1 (head)\n')
  })

  it("names '@head' itself when there are several revisions", async () => {
    writeRevision(project.root, { revision: 'a1', downRevision: null, message: 'one' })
    writeRevision(project.root, { revision: 'b1', downRevision: 'a1', message: 'two' })
    writeRevision(project.root, { revision: 'c1', downRevision: 'b1', message: 'three' })
    const up = await project.run(['upgrade', '@head'])
    assert.equal(up.code, 1)
    assert.match(up.stderr, /^FAILED: '@head': nothing before '@'/)
    assert.doesNotMatch(up.stderr, /ambiguous/)
  })
})

describe('version locations that do not exist', () => {
  it('a scriptLocation typo fails naming the folder, creating no database', async () => {
    const typo = makeProject({ url: 'sqlite:db.sqlite', scriptLocation: 'migratoins' })
    try {
      writeRevision(typo.root, { revision: 'a1', downRevision: null, message: 'one' })
      const up = await typo.run('upgrade heads')
      assert.equal(up.code, 1, up.stderr)
      assert.match(up.stderr, /^FAILED: version location migratoins\/versions does not exist/)
      assert.ok(!existsSync(join(typo.root, 'db.sqlite')))
      for (const command of ['heads', 'history', 'current']) {
        const result = await typo.run(command)
        assert.equal(result.code, 1, command)
        assert.match(result.stderr, /migratoins\/versions does not exist/, command)
      }
    } finally {
      typo.remove()
    }
  })

  it('a missing versions folder fails upgrade; revision still creates a configured one', async () => {
    const up = await project.run('upgrade heads')
    assert.equal(up.code, 1)
    assert.match(up.stderr, /^FAILED: version location migrations\/versions does not exist/)
    assert.ok(!existsSync(dbFile()))
    const made = await project.run('revision -m first --rev-id f1')
    assert.equal(made.code, 0, made.stderr)
    assert.equal((await project.run('heads')).stdout, 'f1 (head)\n')
  })
})

describe('files in a version location that are not revisions', () => {
  beforeEach(() => {
    writeRevision(project.root, { revision: 'a1', downRevision: null, message: 'one' })
  })

  it('an empty file fails graph reading, naming it; nothing is applied', async () => {
    writeFileSync(join(project.root, 'migrations/versions/b1_two.ts'), '')
    const up = await project.run('upgrade heads')
    assert.equal(up.code, 1)
    assert.match(up.stderr, /^FAILED: migrations\/versions\/b1_two\.ts: the file is empty/)
    assert.ok(!existsSync(dbFile()))
    assert.match((await project.run('heads')).stderr, /b1_two\.ts: the file is empty/)
  })

  it('a CommonJS module fails, naming the file and the exports it lacks', async () => {
    writeFileSync(
      join(project.root, 'migrations/versions/b1_two.js'),
      "exports.revision = 'b1'\nexports.downRevision = 'a1'\n",
    )
    const heads = await project.run('heads')
    assert.equal(heads.code, 1)
    assert.match(
      heads.stderr,
      /^FAILED: migrations\/versions\/b1_two\.js: not a revision: it exports none of revision, downRevision, branchLabels, dependsOn/,
    )
  })

  it('passes over index files, declaration files, dot-files and files starting with _', async () => {
    const dir = join(project.root, 'migrations/versions')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, '_helpers.ts'), "export const columns = ['id']\n")
    writeFileSync(join(dir, '_empty.ts'), '')
    writeFileSync(join(dir, 'index.ts'), "export * from './_helpers.js'\n")
    writeFileSync(join(dir, 'types.d.ts'), 'export type X = 1\n')
    writeFileSync(join(dir, '.scratch.ts'), '')
    const heads = await project.run('heads')
    assert.equal(heads.code, 0, heads.stderr)
    assert.equal(heads.stdout, 'a1 (head)\n')
    assert.equal(heads.stderr, '')
  })
})
