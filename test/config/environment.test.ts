import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { describeUrlSource, resolveConfig } from '../../src/config/config.js'
import {
  maskSecrets,
  maskUrl,
  parseDatabaseUrl,
  requireDatabaseName,
} from '../../src/config/database-url.js'
import { discoverConfigFile, loadConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'

describe('maskUrl with passwords that were not percent-encoded', () => {
  it('hides the whole password, whatever it holds', () => {
    assert.equal(maskUrl('postgres://u:p@ss:w/rd@127.0.0.1/db'), 'postgres://u:***@127.0.0.1/db')
    assert.equal(
      maskUrl('postgres://u:pa#ss@127.0.0.1:5432/db'),
      'postgres://u:***@127.0.0.1:5432/db',
    )
    assert.equal(maskUrl('mysql://u:pa?ss@h/db?x=1'), 'mysql://u:***@h/db?x=1')
    assert.equal(maskUrl('postgres://u:pw@[::1]:5432/db'), 'postgres://u:***@[::1]:5432/db')
    assert.equal(maskUrl('postgres://u@h/db'), 'postgres://u@h/db')
  })

  it('maskSecrets hides URL-ish words and each password wherever a driver echoed it', () => {
    const url = 'postgres://u:s3cr%23t@h/db'
    assert.equal(
      maskSecrets(`connect postgres://u:s3cr%23t@h/db failed: bad password s3cr#t (s3cr%23t)`, [
        url,
      ]),
      'connect postgres://u:***@h/db failed: bad password *** (***)',
    )
    assert.equal(maskSecrets('no url here', [undefined, 'sqlite:x.db']), 'no url here')
  })
})

describe('parseDatabaseUrl refuses what the driver would read differently', () => {
  for (const url of [
    'postgres://u:p@ss:w/rd@127.0.0.1/db',
    'postgres://u:pa#ss@127.0.0.1/db',
    'mysql://u:pa?ss@127.0.0.1/db',
    'mysql://u:12/ss@127.0.0.1/db',
  ]) {
    it(`${url.slice(0, url.indexOf(':'))}: says to percent-encode without echoing the rest`, () => {
      assert.throws(
        () => parseDatabaseUrl(url, '/proj'),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message.startsWith(
            `the database URL ${url.slice(0, url.indexOf('//') + 2)}… cannot be read: percent-encode`,
          ) &&
          !/u:|@ss|w\/rd|#ss|\?ss|12\/ss|127\.0\.0\.1/.test(e.message),
      )
    })
  }

  it('accepts percent-encoded passwords', () => {
    const parsed = parseDatabaseUrl('postgres://u:p%40ss%3Aw%2Frd@127.0.0.1/db', '/proj')
    assert.equal(parsed.masked, 'postgres://u:***@127.0.0.1/db')
  })

  it('requireDatabaseName refuses a MySQL URL without a database, not a PostgreSQL one', () => {
    assert.throws(
      () => requireDatabaseName(parseDatabaseUrl('mysql://root:pw@127.0.0.1:3306', '/p')),
      /^ConfigError: the database URL mysql:\/\/root:\*\*\*@127\.0\.0\.1:3306 names no database/,
    )
    requireDatabaseName(parseDatabaseUrl('mysql://root@127.0.0.1:3306/app', '/p'))
    requireDatabaseName(parseDatabaseUrl('postgres://postgres@127.0.0.1', '/p'))
  })
})

describe('where the URL comes from', () => {
  const root = '/projects/app'
  const configPath = '/projects/app/retort.config.ts'

  it('DATABASE_URL comes after the config file and before the default', () => {
    const env = { DATABASE_URL: 'sqlite:fallback.db' }
    const fromEnv = resolveConfig({}, { rootDir: root, configPath, env })
    assert.deepEqual([fromEnv.url, fromEnv.urlSource], ['sqlite:fallback.db', 'env'])
    assert.equal(describeUrlSource(fromEnv), 'DATABASE_URL')
    const fromFile = resolveConfig({ url: 'sqlite:file.db' }, { rootDir: root, configPath, env })
    assert.equal(fromFile.url, 'sqlite:file.db')
    assert.equal(describeUrlSource(fromFile), 'retort.config.ts')
    const both = resolveConfig(
      {},
      { rootDir: root, configPath, env: { ...env, RETORT_DATABASE_URL: 'sqlite:r.db' } },
    )
    assert.equal(describeUrlSource(both), 'RETORT_DATABASE_URL')
  })

  it('names DATABASE_URL read by the config, the .env file, --url and the default', () => {
    const env = { DATABASE_URL: 'sqlite:x.db' }
    const envFileKeys = new Map([['DATABASE_URL', '.env']])
    assert.equal(
      describeUrlSource(
        resolveConfig({ url: 'sqlite:x.db' }, { rootDir: root, configPath, env, envFileKeys }),
      ),
      'DATABASE_URL in .env, read by retort.config.ts',
    )
    assert.equal(
      describeUrlSource(resolveConfig({}, { rootDir: root, configPath, url: 'sqlite:y.db' })),
      '--url',
    )
    assert.equal(
      describeUrlSource(resolveConfig({}, { rootDir: root, configPath, env: {} })),
      'the default: no url in retort.config.ts, no DATABASE_URL',
    )
  })
})

describe('loadConfig: discovery and .env', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'retort-env-'))
    write('package.json', '{}')
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  function write(path: string, content: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }

  it('finds the config in the nearest folder up to the project root', () => {
    write('retort.config.json', '{}')
    write('a/b/.keep', '')
    assert.equal(discoverConfigFile(join(root, 'a/b')), join(root, 'retort.config.json'))
    write('a/retort.config.mjs', 'export default {}\n')
    assert.equal(discoverConfigFile(join(root, 'a/b')), join(root, 'a/retort.config.mjs'))
    write('c/d/.git/HEAD', '')
    assert.equal(discoverConfigFile(join(root, 'c/d')), undefined)
  })

  it('loads .env into the environment before the config, keeping variables already set', async () => {
    write('retort.config.json', '{ "versionTable": "v" }')
    write('.env', 'DATABASE_URL=sqlite:dot.db\nOTHER="two words"\nKEPT=from-file\n')
    const env: NodeJS.ProcessEnv = { KEPT: 'from-shell' }
    const config = await loadConfig({ cwd: join(root), env })
    assert.equal(config.url, 'sqlite:dot.db')
    assert.equal(config.urlEnvFile, '.env')
    assert.deepEqual(env, { KEPT: 'from-shell', DATABASE_URL: 'sqlite:dot.db', OTHER: 'two words' })
  })

  it('a config module sees the .env values through the environment it is given', async () => {
    write('retort.config.mjs', 'export default { url: process.env.RETORT_ENV_TEST_URL }\n')
    write('.env', 'RETORT_ENV_TEST_URL=sqlite:seen.db\n')
    try {
      const config = await loadConfig({ cwd: root, env: process.env })
      assert.equal(config.url, 'sqlite:seen.db')
    } finally {
      delete process.env.RETORT_ENV_TEST_URL
    }
  })
})
