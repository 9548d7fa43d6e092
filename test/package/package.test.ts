// The package as users get it: `npm pack`, installed into a fresh project with
// npm and with pnpm, then the README's quick start, the API from .ts, .mjs and
// .cjs, and a strict `tsc` over a revision file, the config and an API script.
//
// Needs dist/ (`npm test` builds first) and the npm registry. On Node 20 npm
// picks better-sqlite3 12.x, which would compile from source in each fresh
// install (minutes, no prebuilt download here): installs run with
// --ignore-scripts and the binary this repository already built for the
// running Node is copied in (the same version, so the file a build would
// make). On Node 22 and 24 npm picks 13.x, whose binaries are in the package.
import assert from 'node:assert/strict'
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'

const REPO = resolve(import.meta.dirname, '../..')
const TSC = join(REPO, 'node_modules/typescript/bin/tsc')
const TSX = join(REPO, 'node_modules/tsx/dist/cli.mjs')
const NODE_MAJOR = Number(process.versions.node.split('.')[0])
const BUILT_SQLITE = join(REPO, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')

// No colour codes, no update notices; RETORT_DATABASE_URL must not leak in from the caller.
const ENV: Record<string, string | undefined> = {
  ...process.env,
  NO_COLOR: '1',
  npm_config_update_notifier: 'false',
}
delete ENV.RETORT_DATABASE_URL

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function run(command: string, args: readonly string[], cwd: string): Run {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: ENV,
    timeout: 600_000,
  })
  if (result.error) throw result.error
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Run and require exit 0, showing the output when not. */
function ok(command: string, args: readonly string[], cwd: string): string {
  const r = run(command, args, cwd)
  assert.equal(r.code, 0, `${command} ${args.join(' ')} in ${cwd}\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

let work: string
let tarball: string
let pnpm: string

before(() => {
  assert.ok(existsSync(join(REPO, 'dist/index.js')), 'dist/ exists (npm test builds first)')
  work = mkdtempSync(join(tmpdir(), 'retort-package-'))
  // --ignore-scripts: prepack would build again; dist/ is fresh.
  const packed = ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO)
  tarball = join(work, (JSON.parse(packed) as { filename: string }[])[0]!.filename)
  pnpm = findPnpm()
})

after(() => rmSync(work, { recursive: true, force: true }))

/** pnpm from PATH, or installed with npm into a cache folder once. */
function findPnpm(): string {
  if (spawnSync('pnpm', ['--version']).status === 0) return 'pnpm'
  const home = join(tmpdir(), 'retort-test-pnpm')
  const bin = join(home, 'node_modules/.bin/pnpm')
  if (!existsSync(bin)) {
    mkdirSync(home, { recursive: true })
    ok('npm', ['install', '--prefix', home, '--no-audit', '--no-fund', 'pnpm@10'], home)
  }
  return bin
}

describe('the packed tarball', () => {
  it('ships dist, templates, docs, README, LICENSE and package.json, and no sources or tests', () => {
    const listed = ok('tar', ['-tzf', tarball], work).split('\n').filter(Boolean)
    const top = new Set(listed.map((p) => p.split('/').slice(1, 2).join('/')))
    assert.deepEqual(
      [...top].sort(),
      ['LICENSE', 'README.md', 'dist', 'docs', 'package.json', 'templates'].sort(),
    )
    assert.ok(listed.includes('package/docs/operations.md'))
    assert.ok(listed.includes('package/templates/generic/script.ts.tmpl'))
    assert.ok(listed.includes('package/dist/index.d.ts'))
  })

  it('needs no @types/node and does not name the NodeJS namespace in its types', () => {
    const unpacked = join(work, 'unpacked')
    mkdirSync(unpacked)
    ok('tar', ['-xzf', tarball, '-C', unpacked], work)
    const dts = readdirSync(join(unpacked, 'package/dist'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.d.ts'))
      .map((f) => readFileSync(join(unpacked, 'package/dist', f), 'utf8'))
      .join('\n')
    assert.match(dts, /export declare class Retort/)
    assert.doesNotMatch(dts, /\bNodeJS\./)
    assert.doesNotMatch(dts, /reference types="node"/)
  })

  for (const manager of ['npm', 'pnpm'] as const) {
    describe(`installed with ${manager}`, () => {
      let project: string
      let retort: string

      before(() => {
        project = join(work, manager)
        mkdirSync(project)
        writeFileSync(
          join(project, 'package.json'),
          JSON.stringify({
            name: `fresh-${manager}`,
            version: '1.0.0',
            private: true,
            // An ESM project, as the README asks for TypeScript migrations (one Kysely, not its CJS twin).
            type: 'module',
            // pnpm does not pick versions by `engines`: on Node 20 the README's override keeps 12.x.
            ...(manager === 'pnpm' && NODE_MAJOR < 22
              ? { pnpm: { overrides: { 'better-sqlite3': '~12.9.0' } } }
              : {}),
          }),
        )
        // The README's install line for SQLite: the package and the user's own Kysely.
        if (manager === 'npm') {
          ok(
            'npm',
            ['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball, 'kysely@^0.28'],
            project,
          )
        } else {
          ok(
            pnpm,
            ['add', '--ignore-scripts', '--reporter=append-only', tarball, 'kysely@^0.28'],
            project,
          )
        }
        // The better-sqlite3 the package resolves (under pnpm, inside its .pnpm store folder).
        // 13.x carries prebuilt binaries; 12.x (Node 20) gets the one this repository built.
        const fromPackage = createRequire(
          realpathSync(join(project, 'node_modules/retort-migrate/package.json')),
        )
        const sqliteDir = dirname(fromPackage.resolve('better-sqlite3/package.json'))
        const binary = join(sqliteDir, 'build/Release/better_sqlite3.node')
        if (!existsSync(join(sqliteDir, 'prebuilds')) && !existsSync(binary)) {
          const version = (dir: string): string =>
            (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
              .version
          assert.equal(version(sqliteDir), version(join(REPO, 'node_modules/better-sqlite3')))
          mkdirSync(dirname(binary), { recursive: true })
          copyFileSync(BUILT_SQLITE, binary)
        }
        retort = join(project, 'node_modules/.bin/retort')
      })

      it('installs neither pg nor mysql2 (optional peers)', () => {
        const fromPackage = createRequire(
          realpathSync(join(project, 'node_modules/retort-migrate/package.json')),
        )
        for (const name of ['pg', 'mysql2']) {
          assert.throws(() => fromPackage.resolve(name), /Cannot find module/)
        }
      })

      it('runs the quick start: init, revision, upgrade heads, current', () => {
        ok(retort, ['init'], project)
        ok(retort, ['revision', '-m', 'create account table'], project)
        const versions = join(project, 'migrations/versions')
        const first = readdirSync(versions).find((f) => f.endsWith('.ts'))!
        const firstId = first.split('_')[0]!
        // Fill the first revision in as the README does, plus raw SQL through the user's Kysely.
        const path = join(versions, first)
        const text = readFileSync(path, 'utf8')
        const body = text.slice(text.indexOf('// `op` runs'))
        writeFileSync(
          path,
          text
            .replace(body, '')
            .replace(
              "import type { MigrationContext } from 'retort-migrate'",
              "import type { MigrationContext } from 'retort-migrate'\nimport { sql } from 'kysely'",
            ) +
            [
              'export async function upgrade({ op, db }: MigrationContext): Promise<void> {',
              "  await op.createTable('account', [",
              "    { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },",
              "    { name: 'name', type: 'varchar(50)', nullable: false },",
              '  ])',
              "  await sql`INSERT INTO account (name) VALUES (${'first'})`.execute(db)",
              '}',
              '',
              'export async function downgrade({ op }: MigrationContext): Promise<void> {',
              "  await op.dropTable('account')",
              '}',
              '',
            ].join('\n'),
        )
        const second = ok(retort, ['revision', '-m', 'add a column'], project)
        assert.match(
          second,
          /^Generating migrations\/versions\/[0-9a-f]{12}_add_a_column\.ts \.\.\. {2}done\n$/,
        )
        const upgraded = run(retort, ['upgrade', 'heads'], project)
        assert.equal(upgraded.code, 0, upgraded.stderr)
        assert.match(
          upgraded.stderr,
          new RegExp(`Running upgrade  -> ${firstId}, create account table`),
        )
        assert.match(ok(retort, ['current'], project), /^[0-9a-f]{12} \(head\)\n$/)
        assert.ok(existsSync(join(project, 'retort.db')))
      })

      it('a missing driver fails with the npm install line', () => {
        for (const [url, name] of [
          ['postgres://retort@127.0.0.1:9/x', 'pg'],
          ['mysql://retort@127.0.0.1:9/x', 'mysql2'],
        ] as const) {
          const r = run(retort, ['current', '--url', url], project)
          assert.equal(r.code, 1, r.stderr)
          assert.match(
            r.stderr,
            new RegExp(`^FAILED: .*'${name}' is not installed; run: npm install ${name}\\n$`),
          )
        }
      })

      it('the API works from .mjs, from .ts through tsx, and require() from .cjs', () => {
        const script = [
          'const retort = await Retort.open({ cwd: process.cwd(), url: process.env.RETORT_TEST_UNSET_URL })',
          'const current = await retort.current()',
          'console.log(retort.heads().length, current.length, typeof defineConfig)',
        ]
        writeFileSync(
          join(project, 'api.mjs'),
          ["import { Retort, defineConfig } from 'retort-migrate'", ...script].join('\n'),
        )
        writeFileSync(
          join(project, 'api-run.ts'),
          ["import { Retort, defineConfig } from 'retort-migrate'", ...script].join('\n') +
            '\nexport {}\n',
        )
        writeFileSync(
          join(project, 'api.cjs'),
          [
            "const { Retort, defineConfig, RetortError } = require('retort-migrate')",
            'console.log(typeof Retort.open, typeof defineConfig, typeof RetortError)',
          ].join('\n'),
        )
        assert.equal(ok(process.execPath, ['api.mjs'], project), '1 1 function\n')
        assert.equal(ok(process.execPath, [TSX, 'api-run.ts'], project), '1 1 function\n')
        assert.equal(ok(process.execPath, ['api.cjs'], project), 'function function function\n')
      })

      it('tsc --strict (exactOptionalPropertyTypes, noUnused*) passes on revisions, config and an API script, without @types/node', () => {
        writeFileSync(
          join(project, 'api.ts'),
          [
            "import { Retort, defineConfig, type MigrationContext } from 'retort-migrate'",
            'export const config = defineConfig({ url: process.env.DATABASE_URL })',
            'export async function main(): Promise<readonly string[]> {',
            '  const retort = await Retort.open({ url: process.env.X, cwd: process.env.Y })',
            "  await retort.upgrade({ target: 'heads' })",
            '  return retort.heads().map((rev) => rev.id)',
            '}',
            'export type Context = MigrationContext',
            '',
          ].join('\n'),
        )
        // No @types/node here: just the `process.env` that init's config and this script read.
        writeFileSync(
          join(project, 'env.d.ts'),
          'declare var process: { env: Record<string, string | undefined> }\n',
        )
        writeFileSync(
          join(project, 'tsconfig.json'),
          JSON.stringify({
            compilerOptions: {
              strict: true,
              exactOptionalPropertyTypes: true,
              noUnusedLocals: true,
              noUnusedParameters: true,
              noUncheckedIndexedAccess: true,
              module: 'nodenext',
              moduleResolution: 'nodenext',
              target: 'es2022',
              lib: ['es2023'],
              noEmit: true,
            },
            include: ['env.d.ts', 'api.ts', 'retort.config.ts', 'migrations/versions/*.ts'],
          }),
        )
        assert.ok(
          !existsSync(join(project, 'node_modules/@types/node')),
          'no @types/node installed',
        )
        const r = run(process.execPath, [TSC, '-p', 'tsconfig.json'], project)
        assert.equal(r.code, 0, r.stdout + r.stderr)
      })
    })
  }
})
