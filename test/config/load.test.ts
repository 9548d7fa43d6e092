import assert from 'node:assert/strict'
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
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadConfig, findConfigFile } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const CACHE = ['node_modules', '.cache', 'retort']

let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'retort-config-'))
})

afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

function write(path: string, content: string): string {
  const file = join(root, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, content)
  return file
}

/** Give the temp project a node_modules folder (where the TypeScript cache goes). */
function withNodeModules(): void {
  mkdirSync(join(root, 'node_modules'), { recursive: true })
}

function cacheFiles(): string[] {
  const dir = join(root, ...CACHE)
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.mjs')) : []
}

async function loadFails(
  message: RegExp,
  options: { configPath?: string } = {},
): Promise<ConfigError> {
  let caught: unknown
  try {
    await loadConfig({ cwd: root, env: {}, ...options })
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`)
  assert.match(caught.message, message)
  return caught
}

describe('loadConfig: file kinds', () => {
  const body = "{ url: 'sqlite:k.db', scriptLocation: 'db', truncateSlugLength: 12 }"

  for (const [name, content] of [
    [
      'retort.config.ts',
      `const limit: number = 12\nexport default { url: 'sqlite:k.db', scriptLocation: 'db', truncateSlugLength: limit } satisfies Record<string, unknown>\n`,
    ],
    ['retort.config.mts', `export default ${body} as const\n`],
    ['retort.config.mjs', `export default ${body}\n`],
    ['retort.config.js', `export default ${body}\n`],
    [
      'retort.config.json',
      '{ "url": "sqlite:k.db", "scriptLocation": "db", "truncateSlugLength": 12 }',
    ],
  ] as const) {
    it(`loads ${name}`, async () => {
      withNodeModules()
      if (name.endsWith('.js')) write('package.json', '{ "type": "module" }')
      write(name, content)
      const config = await loadConfig({ cwd: root, env: {} })
      assert.equal(config.configPath, join(root, name))
      assert.equal(config.rootDir, root)
      assert.equal(config.url, 'sqlite:k.db')
      assert.equal(config.urlSource, 'config')
      assert.equal(config.scriptLocation, join(root, 'db'))
      assert.equal(config.truncateSlugLength, 12)
    })
  }

  it('loads a TypeScript config through tsx when the project has no node_modules', async () => {
    write('retort.config.ts', "const url: string = 'sqlite:plain.db'\nexport default { url }\n")
    const config = await loadConfig({ cwd: root, env: {} })
    assert.equal(config.url, 'sqlite:plain.db')
    assert.equal(existsSync(join(root, 'node_modules')), false)
  })

  it('loads a TypeScript config that imports a relative TypeScript file', async () => {
    withNodeModules()
    write('db-settings.ts', "export const table: string = 'alembic_version'\n")
    write(
      'retort.config.ts',
      "import { table } from './db-settings.ts'\nexport default { versionTable: table }\n",
    )
    const config = await loadConfig({ cwd: root, env: {} })
    assert.equal(config.versionTable, 'alembic_version')
  })

  it('looks files up in order: .ts before .mts, .js, .mjs, .json', async () => {
    write('retort.config.json', '{ "url": "sqlite:json.db" }')
    write('retort.config.mjs', "export default { url: 'sqlite:mjs.db' }\n")
    assert.equal(findConfigFile(root), join(root, 'retort.config.mjs'))
    write('retort.config.ts', "export default { url: 'sqlite:ts.db' }\n")
    assert.equal(findConfigFile(root), join(root, 'retort.config.ts'))
  })

  it('uses defaults with rootDir = cwd when there is no config file', async () => {
    const config = await loadConfig({ cwd: root, env: {} })
    assert.equal(config.configPath, undefined)
    assert.equal(config.rootDir, root)
    assert.equal(config.url, 'sqlite:./retort.db')
    assert.deepEqual(config.versionLocations, [join(root, 'migrations', 'versions')])
  })

  it('loads the -c file, taking folders from its own folder', async () => {
    write('conf/custom.json', '{ "scriptLocation": "m" }')
    const config = await loadConfig({ cwd: root, configPath: 'conf/custom.json', env: {} })
    assert.equal(config.configPath, join(root, 'conf', 'custom.json'))
    assert.equal(config.rootDir, join(root, 'conf'))
    assert.equal(config.scriptLocation, join(root, 'conf', 'm'))
  })

  it('fails for a -c file that does not exist', async () => {
    await loadFails(/^Config file nope\.ts not found$/, { configPath: 'nope.ts' })
  })

  it('unwraps the default of a TypeScript config compiled as CommonJS', async () => {
    write('package.json', '{ "type": "commonjs" }')
    write('retort.config.ts', "export default { versionTable: 'cjs_version' }\n")
    assert.equal((await loadConfig({ cwd: root, env: {} })).versionTable, 'cjs_version')
  })
})

describe('loadConfig: URL precedence', () => {
  it('takes --url over RETORT_DATABASE_URL over the file', async () => {
    write('retort.config.json', '{ "url": "sqlite:file.db" }')
    const env = { RETORT_DATABASE_URL: 'sqlite:env.db' }
    assert.equal(
      (await loadConfig({ cwd: root, env, url: 'sqlite:flag.db' })).url,
      'sqlite:flag.db',
    )
    assert.equal((await loadConfig({ cwd: root, env })).url, 'sqlite:env.db')
    assert.equal((await loadConfig({ cwd: root, env: {} })).url, 'sqlite:file.db')
  })

  it('applies the overrides without a config file too', async () => {
    assert.equal(
      (await loadConfig({ cwd: root, env: { RETORT_DATABASE_URL: 'sqlite:e.db' } })).url,
      'sqlite:e.db',
    )
  })
})

describe('loadConfig: errors name the file', () => {
  it('names the key and the file for a bad value', async () => {
    write('retort.config.mjs', 'export default { truncateSlugLength: -3 }\n')
    const error = await loadFails(
      /^retort\.config\.mjs: 'truncateSlugLength' must be a positive integer \(found -3\)$/,
    )
    assert.equal(error.path, 'retort.config.mjs')
  })

  it('names the key and the file for a wrong type in a TypeScript config', async () => {
    withNodeModules()
    write('retort.config.ts', "export default { versionLocations: 'x' }\n")
    await loadFails(
      /^retort\.config\.ts: 'versionLocations' must be a non-empty array of folder names \(found 'x'\)$/,
    )
  })

  it('names an unknown key and the -c file as given', async () => {
    write('cfg/r.json', '{ "versionTabel": "t" }')
    await loadFails(/^cfg\/r\.json: unknown key 'versionTabel'; did you mean 'versionTable'\?/, {
      configPath: 'cfg/r.json',
    })
  })

  it('reports a config that throws, with the cause attached', async () => {
    write('retort.config.mjs', "throw new Error('no settings here')\n")
    const error = await loadFails(
      /^retort\.config\.mjs: the config file could not be loaded: no settings here$/,
    )
    assert.ok(error.cause instanceof Error)
    assert.equal((error.cause as Error).message, 'no settings here')
  })

  it('reports a TypeScript syntax error with its line', async () => {
    withNodeModules()
    write('retort.config.ts', "export default {\n  url: 'sqlite:a.db',,\n}\n")
    const error = await loadFails(
      /^retort\.config\.ts: the config file could not be loaded: line 2:/,
    )
    assert.ok(error.cause)
  })

  it('reports a TypeScript syntax error with its line when loading through tsx', async () => {
    write('retort.config.ts', "export default {\n  url: 'sqlite:a.db',,\n}\n")
    await loadFails(
      /^retort\.config\.ts: the config file could not be loaded: line 2:21: Expected identifier/,
    )
  })

  it('reports a JavaScript syntax error', async () => {
    write('retort.config.mjs', 'export default {\n  url: ,\n}\n')
    await loadFails(
      /^retort\.config\.mjs: the config file could not be loaded: line 2:7: Unexpected token ','$/,
    )
  })

  it('reports invalid JSON', async () => {
    write('retort.config.json', '{ "url": }')
    await loadFails(/^retort\.config\.json: the config file could not be loaded: /)
  })

  it('reports a module without a default export', async () => {
    write('retort.config.mjs', "export const url = 'sqlite:x.db'\n")
    await loadFails(/^retort\.config\.mjs: no default export; write export default defineConfig/)
  })

  it('reports a TypeScript config that throws without trying another loader', async () => {
    withNodeModules()
    write(
      'retort.config.ts',
      "globalThis.retortLoads = (globalThis.retortLoads ?? 0) + 1\nthrow new Error('boom')\nexport default {}\n",
    )
    ;(globalThis as { retortLoads?: number }).retortLoads = 0
    await loadFails(/^retort\.config\.ts: the config file could not be loaded: boom$/)
    assert.equal((globalThis as { retortLoads?: number }).retortLoads, 1)
  })
})

describe('loadConfig: TypeScript compile cache', () => {
  it('compiles into node_modules/.cache/retort on first load and imports the cached file after', async () => {
    withNodeModules()
    write('retort.config.ts', "export default { url: 'sqlite:first.db' as string }\n")
    assert.equal((await loadConfig({ cwd: root, env: {} })).url, 'sqlite:first.db')
    const [cached] = cacheFiles()
    assert.ok(cached, 'a cached compilation exists')

    // Mark the cached module: a second load that compiled again would rewrite it.
    const cachedPath = join(root, ...CACHE, cached)
    writeFileSync(cachedPath, readFileSync(cachedPath, 'utf8') + '\n// marker\n')
    assert.equal((await loadConfig({ cwd: root, env: {} })).url, 'sqlite:first.db')
    assert.deepEqual(cacheFiles(), [cached])
    assert.match(readFileSync(cachedPath, 'utf8'), /\/\/ marker\n$/)
  })

  it('recompiles when the config changes and drops the stale compilation', async () => {
    withNodeModules()
    const file = write('retort.config.ts', "export default { url: 'sqlite:one.db' }\n")
    await loadConfig({ cwd: root, env: {} })
    const [first] = cacheFiles()
    writeFileSync(file, "export default { url: 'sqlite:two.db' }\n")
    assert.equal((await loadConfig({ cwd: root, env: {} })).url, 'sqlite:two.db')
    const after = cacheFiles()
    assert.equal(after.length, 1)
    assert.notEqual(after[0], first)
  })

  it('keeps import.meta naming the config file, not the cache', async () => {
    withNodeModules()
    write(
      'retort.config.ts',
      "export default { scriptLocation: new URL('./from-meta', import.meta.url).pathname, versionTable: import.meta.dirname.length > 0 ? 'ok' : 'no' }\n",
    )
    const config = await loadConfig({ cwd: root, env: {} })
    assert.equal(config.scriptLocation, join(root, 'from-meta'))
    assert.equal(config.versionTable, 'ok')
    assert.equal(cacheFiles().length, 1)
  })

  it('resolves bare imports from the project node_modules', async () => {
    withNodeModules()
    write(
      'node_modules/settings-pkg/package.json',
      '{ "name": "settings-pkg", "type": "module", "exports": "./index.js" }',
    )
    write('node_modules/settings-pkg/index.js', "export const table = 'from_package'\n")
    write(
      'retort.config.ts',
      "import { table } from 'settings-pkg'\nexport default { versionTable: table as string }\n",
    )
    assert.equal((await loadConfig({ cwd: root, env: {} })).versionTable, 'from_package')
    assert.equal(cacheFiles().length, 1)
  })

  it(
    "loads a config importing defineConfig from 'retort-migrate'",
    {
      skip: existsSync(join(REPO, 'dist', 'index.js'))
        ? false
        : 'dist/index.js not built (run npm run build)',
    },
    async () => {
      withNodeModules()
      symlinkSync(REPO, join(root, 'node_modules', 'retort-migrate'), 'dir')
      write(
        'retort.config.ts',
        "import { defineConfig } from 'retort-migrate'\nexport default defineConfig({ versionTable: 'via_package' })\n",
      )
      assert.equal((await loadConfig({ cwd: root, env: {} })).versionTable, 'via_package')
      assert.equal(cacheFiles().length, 1)
    },
  )

  it('loads a config using defineConfig from the source tree by path', async () => {
    withNodeModules()
    const source = join(REPO, 'src', 'config', 'config.ts')
    write(
      'retort.config.ts',
      `import { defineConfig } from ${JSON.stringify(source)}\nexport default defineConfig({ versionTable: 'by_path' })\n`,
    )
    assert.equal((await loadConfig({ cwd: root, env: {} })).versionTable, 'by_path')
  })
})
