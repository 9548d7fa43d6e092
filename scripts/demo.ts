// `npm run demo`: a fresh project in a temporary folder on SQLite, walking
// through the two seed chapters (branch labels, then multiple bases) with the
// built CLI, printing each command and what it prints.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const bin = resolve('dist/bin/retort.js')
const root = mkdtempSync(join(tmpdir(), 'retort-demo-'))
// As after `npm install retort-migrate`: the config that init writes imports the package.
mkdirSync(join(root, 'node_modules'))
symlinkSync(resolve('.'), join(root, 'node_modules', 'retort-migrate'), 'dir')
let failures = 0

function retort(line: string, expectFailure = false): void {
  const args = line.match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''))
  process.stdout.write(`\n$ retort ${line}\n`)
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' })
  process.stdout.write(run.stdout + run.stderr)
  if ((run.status !== 0) !== expectFailure) {
    failures++
    process.stdout.write(`!! unexpected exit status ${run.status}\n`)
  }
}

function say(text: string): void {
  process.stdout.write(`\n# ${text}\n`)
}

try {
  say(`A fresh project in ${root}`)
  retort('init')
  say('Chapter 1: working with branch labels')
  retort('revision -m "create account table" --rev-id 1975ea83b712')
  retort('revision -m "add a column" --rev-id ae1027a6acf')
  retort(
    'revision -m "add shopping cart table" --head 1975ea83b712 --splice --branch-label shoppingcart --rev-id 27c6a30d7c24',
  )
  retort('history')
  retort('show shoppingcart')
  retort('upgrade 1975ea83b712')
  retort('upgrade shoppingcart@head')
  say('Two heads: a new revision must say which one it builds on')
  retort('revision -m "add a shopping cart column"', true)
  retort('revision -m "add a shopping cart column" --head shoppingcart@head --rev-id d747a8a8879')
  retort('history')
  retort('history -r shoppingcart:')
  retort('history -r :shoppingcart@head')
  retort('history -r shoppingcart@base:')
  retort('revision -m "add another account column" --head ae10@head --rev-id 55af2cb1c267')
  retort('heads')
  retort('history')

  say('Chapter 2: working with multiple bases — a second version location, model/networking')
  const configPath = join(root, 'retort.config.ts')
  writeFileSync(
    configPath,
    readFileSync(configPath, 'utf8').replace(
      /scriptLocation: [^\n]*\n/,
      (line) => `${line}  versionLocations: ['model/networking', 'migrations/versions'],\n`,
    ),
  )
  retort(
    'revision -m "create networking branch" --head=base --branch-label=networking --version-path=model/networking --rev-id 3cac04ae8714',
  )
  retort('heads')
  retort('revision -m "add ip number table" --head=networking@head --rev-id 109ec7d132bf')
  retort('revision -m "add DNS table" --head=networking', true)
  retort('revision -m "add DNS table" --head=networking@head --rev-id 29f859a13ea')
  retort('history -r networking@base:')
  retort('history -r :networking@head')
  retort('upgrade networking@head')
  retort('upgrade heads')
  retort('current')
  retort('heads')
  retort('history')
} finally {
  rmSync(root, { recursive: true, force: true })
}
if (failures) {
  process.stdout.write(`\n${failures} command(s) did not end as expected\n`)
  process.exitCode = 1
}
