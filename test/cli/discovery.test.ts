import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { main } from '../../src/cli/main.js'
import { revisionSource } from '../helpers/project.js'

/**
 * Config discovery (the working folder and its parents, up to the project
 * root), DATABASE_URL and .env, and what -q silences (issue 8, items 1, 2, 4).
 */

const REPO = resolve(import.meta.dirname, '../..')

let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'retort-discovery-'))
  // The walk up stops at the first folder holding package.json: never leave the temp folder.
  writeFileSync(join(root, 'package.json'), '{ "private": true }\n')
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

function write(path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), content)
}

function addRevision(id: string, down: string | null, folder = 'migrations/versions'): void {
  write(
    `${folder}/${id}_rev.ts`,
    revisionSource({ revision: id, downRevision: down, message: `rev ${id}` }),
  )
}

async function run(
  command: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(command, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: options.cwd ?? root,
    env: { ...options.env },
  })
  return { code, stdout, stderr }
}

describe('config discovery', () => {
  it('fails every graph and database command without a config, creating nothing', async () => {
    for (const command of [
      ['upgrade', 'heads'],
      ['downgrade', 'base'],
      ['stamp', 'heads'],
      ['heads'],
      ['history'],
      ['current'],
      ['branches'],
      ['show', 'heads'],
      ['ensure-version'],
      ['revision', '-m', 'x'],
      ['merge', 'heads'],
      ['upgrade', '--sql', 'heads'],
    ]) {
      const result = await run(command)
      assert.equal(result.code, 1, `${command.join(' ')}: ${result.stderr}`)
      assert.equal(
        result.stderr,
        `FAILED: no retort.config.* in ${root} or its parents; run 'retort init' or pass -c FILE\n`,
        command.join(' '),
      )
      assert.equal(result.stdout, '')
      assert.deepEqual(readdirSync(root), ['package.json'], `${command.join(' ')} created nothing`)
    }
  })

  it('still runs init, list-templates, --help and --version without a config', async () => {
    assert.equal((await run(['--version'])).code, 0)
    assert.equal((await run(['--help'])).code, 0)
    assert.equal((await run(['list-templates'])).code, 0)
    const init = await run(['init'])
    assert.equal(init.code, 0, init.stderr)
    assert.ok(existsSync(join(root, 'retort.config.ts')))
  })

  it('finds the config in a parent folder and takes paths from the config folder', async () => {
    write('retort.config.json', JSON.stringify({ url: 'sqlite:db.sqlite' }))
    addRevision('a1', null)
    mkdirSync(join(root, 'src/deep'), { recursive: true })
    const cwd = join(root, 'src/deep')
    assert.equal((await run(['heads'], { cwd })).stdout, 'a1 (head)\n')
    const up = await run(['upgrade', 'heads'], { cwd })
    assert.equal(up.code, 0, up.stderr)
    assert.ok(existsSync(join(root, 'db.sqlite')))
    assert.deepEqual(readdirSync(cwd), [])
  })

  it('stops at the first folder holding package.json or .git', async () => {
    write('retort.config.json', JSON.stringify({ url: 'sqlite:db.sqlite' }))
    addRevision('a1', null)
    write('packages/app/package.json', '{}')
    mkdirSync(join(root, 'packages/app/src'), { recursive: true })
    const inPackage = await run(['heads'], { cwd: join(root, 'packages/app/src') })
    assert.equal(inPackage.code, 1)
    assert.match(
      inPackage.stderr,
      /^FAILED: no retort\.config\.\* in .*packages\/app\/src or its parents/,
    )
    mkdirSync(join(root, 'repo/.git'), { recursive: true })
    const inRepo = await run(['heads'], { cwd: join(root, 'repo') })
    assert.equal(inRepo.code, 1)
    assert.match(inRepo.stderr, /^FAILED: no retort\.config\.\*/)
  })
})

describe('DATABASE_URL and .env', () => {
  beforeEach(() => addRevision('a1', null))

  const firstLog = (stderr: string): string => stderr.split('\n')[0] ?? ''

  it('uses DATABASE_URL when the config sets no url, and says so', async () => {
    write('retort.config.json', '{}')
    const up = await run(['upgrade', 'heads'], { env: { DATABASE_URL: 'sqlite:from-env.db' } })
    assert.equal(up.code, 0, up.stderr)
    assert.equal(
      firstLog(up.stderr),
      'INFO  [retort.migration] Database: sqlite:from-env.db (from DATABASE_URL)',
    )
    assert.ok(existsSync(join(root, 'from-env.db')))
    assert.ok(!existsSync(join(root, 'retort.db')))
  })

  it('loads .env beside the config without overriding variables already set', async () => {
    write('retort.config.json', '{}')
    write('.env', '# deploy settings\nDATABASE_URL="sqlite:dotenv.db"\n')
    const up = await run(['upgrade', 'heads'])
    assert.equal(up.code, 0, up.stderr)
    assert.equal(
      firstLog(up.stderr),
      'INFO  [retort.migration] Database: sqlite:dotenv.db (from DATABASE_URL in .env)',
    )
    assert.ok(existsSync(join(root, 'dotenv.db')))
    const set = await run(['current', '-v'], { env: { DATABASE_URL: 'sqlite:set.db' } })
    assert.equal(set.code, 0, set.stderr)
    assert.equal(
      firstLog(set.stderr),
      'INFO  [retort.migration] Database: sqlite:set.db (from DATABASE_URL)',
    )
    assert.equal(set.stdout, 'Current revision(s) for sqlite:set.db:\n')
  })

  it('--env-file names another file; a missing one fails naming it', async () => {
    write('retort.config.json', '{}')
    write('.env', 'DATABASE_URL=sqlite:dotenv.db\n')
    write('deploy/prod.env', 'RETORT_DATABASE_URL=sqlite:prod.db\n')
    const up = await run(['--env-file', 'deploy/prod.env', 'upgrade', 'heads'])
    assert.equal(up.code, 0, up.stderr)
    assert.equal(
      firstLog(up.stderr),
      'INFO  [retort.migration] Database: sqlite:prod.db (from RETORT_DATABASE_URL in deploy/prod.env)',
    )
    assert.ok(!existsSync(join(root, 'dotenv.db')))
    const missing = await run(['--env-file', 'nope.env', 'heads'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /^FAILED: .*nope\.env.* not found/)
  })

  it('names the source of the URL: --url, RETORT_DATABASE_URL, the config file', async () => {
    write('retort.config.json', JSON.stringify({ url: 'sqlite:conf.db' }))
    const logOf = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
      firstLog((await run(args, { env })).stderr)
    assert.equal(
      await logOf(['stamp', 'heads']),
      'INFO  [retort.migration] Database: sqlite:conf.db (from retort.config.json)',
    )
    assert.equal(
      await logOf(['downgrade', 'base'], { RETORT_DATABASE_URL: 'sqlite:conf.db' }),
      'INFO  [retort.migration] Database: sqlite:conf.db (from RETORT_DATABASE_URL)',
    )
    assert.equal(
      await logOf(['--url', 'sqlite:conf.db', 'upgrade', 'heads']),
      'INFO  [retort.migration] Database: sqlite:conf.db (from --url)',
    )
  })

  it('init writes a config whose url reads DATABASE_URL, with the SQLite file as fallback', () => {
    const bin = join(REPO, 'dist/bin/retort.js')
    assert.ok(existsSync(bin), 'dist/bin/retort.js exists (npm test builds first)')
    rmSync(join(root, 'migrations'), { recursive: true, force: true })
    mkdirSync(join(root, 'node_modules'))
    symlinkSync(REPO, join(root, 'node_modules/retort-migrate'), 'dir')
    const cli = (env: NodeJS.ProcessEnv, ...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
      })
    assert.equal(cli({}, 'init').status, 0)
    assert.match(readFileSync(join(root, 'retort.config.ts'), 'utf8'), /process\.env\.DATABASE_URL/)
    addRevision('a1', null)
    const withEnv = cli({ DATABASE_URL: 'sqlite:./deploy.db' }, 'upgrade', 'heads')
    assert.equal(withEnv.status, 0, withEnv.stderr)
    assert.match(
      withEnv.stderr,
      /^INFO {2}\[retort\.migration\] Database: sqlite:\.\/deploy\.db \(from DATABASE_URL/,
    )
    assert.ok(existsSync(join(root, 'deploy.db')))
    assert.ok(!existsSync(join(root, 'retort.db')))
    const fallback = cli({}, 'upgrade', 'heads')
    assert.equal(fallback.status, 0, fallback.stderr)
    assert.ok(existsSync(join(root, 'retort.db')))
  })
})

describe('-q', () => {
  it('silences the log, not the results', async () => {
    write('retort.config.json', JSON.stringify({ url: 'sqlite:db.sqlite' }))
    addRevision('a1', null)
    const up = await run(['-q', 'upgrade', 'heads'])
    assert.equal(up.code, 0)
    assert.equal(up.stderr, '')
    assert.equal((await run(['-q', 'current'])).stdout, 'a1 (head)\n')
    assert.equal((await run(['heads', '-q'])).stdout, 'a1 (head)\n')
    assert.equal((await run(['-q', 'history'])).stdout, '<base> -> a1 (head), rev a1\n')
    const sql = await run(['-q', 'upgrade', '--sql', 'base:heads'])
    assert.match(sql.stdout, /-- Running upgrade {2}-> a1/)
    assert.equal(sql.stderr, '')
  })
})
