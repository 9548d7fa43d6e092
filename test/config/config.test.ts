import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import {
  checkTimezone,
  defineConfig,
  DEFAULT_VERSION_TABLE,
  resolveConfig,
  validateConfig,
} from '../../src/config/config.js'
import { ConfigError } from '../../src/errors.js'

const FILE = 'retort.config.ts'

function rejects(value: unknown, message: string | RegExp): void {
  assert.throws(
    () => validateConfig(value, FILE),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e))
      assert.equal(e.path, FILE)
      if (typeof message === 'string') assert.equal(e.message, message)
      else assert.match(e.message, message)
      return true
    },
  )
}

describe('defineConfig', () => {
  it('returns its argument unchanged', () => {
    const config = { url: 'sqlite::memory:' }
    assert.equal(defineConfig(config), config)
  })
})

describe('validateConfig', () => {
  it('accepts every documented key with a value of the right type', () => {
    const config = {
      url: 'postgres://localhost/app',
      scriptLocation: 'db',
      versionLocations: ['db/a', 'db/b'],
      recursiveVersionLocations: true,
      versionTable: 'alembic_version',
      versionTableSchema: 'public',
      transactionPerMigration: true,
      fileTemplate: '{year}{month}{day}_{rev}_{slug}',
      truncateSlugLength: 20,
      timezone: 'America/Argentina/Buenos_Aires',
    }
    assert.deepEqual(validateConfig(config, FILE), config)
  })

  it('treats undefined values as absent and null as unset for optional keys', () => {
    assert.deepEqual(
      validateConfig({ url: undefined, timezone: null, versionTableSchema: null }, FILE),
      {},
    )
  })

  it('names the key and the file for a negative truncateSlugLength', () => {
    rejects(
      { truncateSlugLength: -3 },
      "retort.config.ts: 'truncateSlugLength' must be a positive integer (found -3)",
    )
    rejects(
      { truncateSlugLength: 0 },
      /'truncateSlugLength' must be a positive integer \(found 0\)/,
    )
    rejects({ truncateSlugLength: 2.5 }, /'truncateSlugLength' must be a positive integer/)
  })

  it('names the key for a wrong type', () => {
    rejects(
      { versionLocations: 'x' },
      "retort.config.ts: 'versionLocations' must be a non-empty array of folder names (found 'x')",
    )
    rejects({ versionLocations: [] }, /'versionLocations' must be a non-empty array/)
    rejects({ versionLocations: ['a', 3] }, /'versionLocations' .*\(found \["a",3\]\)/)
    rejects({ url: 42 }, "retort.config.ts: 'url' must be a non-empty string (found 42)")
    rejects(
      { recursiveVersionLocations: 'yes' },
      "retort.config.ts: 'recursiveVersionLocations' must be true or false (found 'yes')",
    )
    rejects({ transactionPerMigration: 1 }, /'transactionPerMigration' must be true or false/)
    rejects({ versionTable: '' }, /'versionTable' must be a non-empty string \(found ''\)/)
    rejects({ scriptLocation: null }, /'scriptLocation' must be a non-empty string \(found null\)/)
  })

  it('names an unknown key and suggests the close one', () => {
    rejects(
      { versionLocation: ['a'] },
      /^retort\.config\.ts: unknown key 'versionLocation'; did you mean 'versionLocations'\?/,
    )
    rejects({ banana: 1 }, /^retort\.config\.ts: unknown key 'banana'; known keys: url, /)
  })

  it('refuses unknown file template tokens', () => {
    rejects({ fileTemplate: '{rev}_{epoch}' }, /'fileTemplate' uses unknown token\(s\) \{epoch\}/)
  })

  it('refuses a time zone that is not shaped like an IANA name', () => {
    rejects(
      { timezone: 'Europe Paris' },
      /'timezone' must be an IANA time zone name.*\(found 'Europe Paris'\)/,
    )
    rejects({ timezone: 5 }, /'timezone' must be an IANA time zone name/)
  })

  it('refuses a default export that is not an object', () => {
    rejects(
      () => ({}),
      /^retort\.config\.ts: the default export must be a config object \(found function\)/,
    )
    rejects(['a'], /the default export must be a config object/)
    rejects(undefined, /the default export must be a config object \(found undefined\)/)
  })
})

describe('checkTimezone', () => {
  const resolved = (timezone?: string) =>
    resolveConfig({ timezone }, { rootDir: '/p', configPath: '/p/retort.config.ts' })

  it('accepts a zone Intl knows and no zone at all', () => {
    checkTimezone(resolved('Europe/Paris'))
    checkTimezone(resolved(undefined))
  })

  it('names the key and the file for a zone Intl does not know', () => {
    assert.throws(
      () => checkTimezone(resolved('Mars/Olympus')),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith(
          "retort.config.ts: 'timezone' is not a time zone this Node.js knows (found 'Mars/Olympus')",
        ),
    )
  })
})

describe('resolveConfig', () => {
  const root = '/projects/app'

  it('fills in the defaults', () => {
    assert.deepEqual(resolveConfig({}, { rootDir: root, env: {} }), {
      url: 'sqlite:./retort.db',
      urlSource: 'default',
      scriptLocation: join(root, 'migrations'),
      versionLocations: [join(root, 'migrations', 'versions')],
      recursiveVersionLocations: false,
      versionTable: DEFAULT_VERSION_TABLE,
      versionTableSchema: undefined,
      transactionPerMigration: false,
      fileTemplate: '{rev}_{slug}',
      truncateSlugLength: 40,
      timezone: undefined,
      lockTimeout: 600,
      schema: undefined,
      include: [],
      exclude: [],
      rootDir: root,
    })
    assert.equal(DEFAULT_VERSION_TABLE, 'retort_version')
  })

  it('takes folders relative to rootDir and keeps absolute ones', () => {
    const config = resolveConfig(
      { scriptLocation: 'db', versionLocations: ['db/core', '/shared/versions'] },
      { rootDir: root, configPath: '/projects/app/retort.config.ts' },
    )
    assert.equal(config.scriptLocation, join(root, 'db'))
    assert.deepEqual(config.versionLocations, [join(root, 'db/core'), '/shared/versions'])
    assert.equal(config.configPath, '/projects/app/retort.config.ts')
  })

  it('defaults versionLocations to <scriptLocation>/versions', () => {
    assert.deepEqual(resolveConfig({ scriptLocation: 'db' }, { rootDir: root }).versionLocations, [
      join(root, 'db', 'versions'),
    ])
  })

  it('takes the URL from --url, then RETORT_DATABASE_URL, then the file, then the default', () => {
    const env = { RETORT_DATABASE_URL: 'sqlite:env.db' }
    const file = { url: 'sqlite:file.db' }
    assert.deepEqual(
      [
        resolveConfig(file, { rootDir: root, env, url: 'sqlite:flag.db' }),
        resolveConfig(file, { rootDir: root, env }),
        resolveConfig(file, { rootDir: root, env: {} }),
        resolveConfig({}, { rootDir: root, env: {} }),
      ].map((c) => [c.url, c.urlSource]),
      [
        ['sqlite:flag.db', 'option'],
        ['sqlite:env.db', 'env'],
        ['sqlite:file.db', 'config'],
        ['sqlite:./retort.db', 'default'],
      ],
    )
  })

  it('ignores an empty RETORT_DATABASE_URL', () => {
    assert.equal(
      resolveConfig({ url: 'sqlite:f.db' }, { rootDir: root, env: { RETORT_DATABASE_URL: '' } })
        .url,
      'sqlite:f.db',
    )
  })
})
