/**
 * Part of `npm run build`: bundle the compiled CLI (dist/cli/bin.js) with
 * Kysely and commander into dist/bin/, the `retort` the package installs.
 *
 * Loading Kysely's ~280 ES modules one by one costs about 85 ms on Node 20
 * before a command starts; one bundle (with a chunk per lazily imported part,
 * so a command still loads only what it uses) costs a few. The database
 * drivers, esbuild and tsx stay outside: they are the user's packages or load
 * only when needed. The library entry (dist/index.js) is not bundled.
 * dist/bin/ sits two levels down like dist/cli/, so `../../package.json` and
 * `../../templates` resolve the same from both.
 */
import { build } from 'esbuild'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const outdir = join(root, 'dist/bin')
const BUNDLED = ['kysely', 'commander']

const result = await build({
  entryPoints: { retort: join(root, 'dist/cli/bin.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunk-[hash]',
  external: ['pg', 'mysql2', 'mysql2/*', 'better-sqlite3', 'esbuild', 'tsx', 'tsx/*'],
  logLevel: 'warning',
  metafile: true,
  // commander is CommonJS and requires Node's built-ins; an ES module has no `require` of its own.
  banner: {
    js: "import { createRequire as __retortRequire } from 'node:module'; const require = __retortRequire(import.meta.url);",
  },
})

// Every package the bundle holds must be one we list here, with its licence shipped beside it.
const packages = new Map() // name -> folder
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input)
  if (m) packages.set(m[2], resolve(root, m[1]))
}
const unexpected = [...packages.keys()].filter((p) => !BUNDLED.includes(p))
if (unexpected.length > 0) {
  throw new Error(
    `bundle-cli: ${unexpected.join(', ')} got into the CLI bundle; list it in BUNDLED (with its licence) or make it external`,
  )
}

const notices = BUNDLED.map((name) => {
  const dir = packages.get(name)
  if (dir === undefined)
    throw new Error(`bundle-cli: ${name} is listed in BUNDLED but not in the bundle`)
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  return `${name} ${version}\n\n${readFileSync(join(dir, 'LICENSE'), 'utf8').trim()}\n`
})
writeFileSync(
  join(outdir, 'THIRD_PARTY_LICENSES'),
  `dist/bin/ bundles these packages:\n\n${notices.join('\n---\n\n')}`,
)
