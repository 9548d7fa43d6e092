import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { maskUrl, parseDatabaseUrl } from '../../src/config/database-url.js'
import { ConfigError } from '../../src/errors.js'

describe('parseDatabaseUrl', () => {
  it('takes sqlite:<path> relative to the config folder', () => {
    assert.equal(parseDatabaseUrl('sqlite:./retort.db', '/proj').sqlitePath, '/proj/retort.db')
    assert.equal(parseDatabaseUrl('sqlite:data/x.db', '/proj').sqlitePath, '/proj/data/x.db')
    assert.equal(parseDatabaseUrl('sqlite:/abs/x.db', '/proj').sqlitePath, '/abs/x.db')
    assert.equal(parseDatabaseUrl('sqlite:./retort.db', '/proj').dialect, 'sqlite')
  })

  it('reads the SQLAlchemy forms as Alembic does: sqlite:///rel relative, sqlite:////abs absolute', () => {
    assert.equal(parseDatabaseUrl('sqlite:///db.sqlite', '/proj').sqlitePath, '/proj/db.sqlite')
    assert.equal(parseDatabaseUrl('sqlite:////abs/x.db', '/proj').sqlitePath, '/abs/x.db')
    assert.equal(parseDatabaseUrl('sqlite://rel.db', '/proj').sqlitePath, '/proj/rel.db')
  })

  it('recognizes an in-memory SQLite database', () => {
    assert.equal(parseDatabaseUrl('sqlite::memory:', '/proj').sqlitePath, ':memory:')
  })

  it('maps postgres/postgresql and mysql/mariadb schemes (with an optional +driver) to their dialects', () => {
    const cases: [string, string, string][] = [
      ['postgres://u@h/db', 'postgres', 'postgres://u@h/db'],
      [
        'postgresql://u:p@h:5433/db?options=-c%20search_path%3Dx',
        'postgres',
        'postgres://u:p@h:5433/db?options=-c%20search_path%3Dx',
      ],
      ['postgresql+psycopg2://u@h/db', 'postgres', 'postgres://u@h/db'],
      ['mysql://root@127.0.0.1:3306/test', 'mysql', 'mysql://root@127.0.0.1:3306/test'],
      ['mariadb://root@h/test', 'mysql', 'mysql://root@h/test'],
      ['mysql+pymysql://root@h/test', 'mysql', 'mysql://root@h/test'],
    ]
    for (const [url, dialect, connectionString] of cases) {
      const parsed = parseDatabaseUrl(url, '/proj')
      assert.equal(parsed.dialect, dialect, url)
      assert.equal(parsed.connectionString, connectionString, url)
      assert.equal(parsed.url, url)
    }
  })

  it('refuses an unknown scheme, listing the accepted ones and hiding the password', () => {
    assert.throws(
      () => parseDatabaseUrl('oracle://scott:tiger@h/db', '/proj'),
      (e) =>
        e instanceof ConfigError &&
        e.message.includes("'oracle://scott:***@h/db'") &&
        !e.message.includes('tiger') &&
        /sqlite:<path>.*postgres:\/\/.*mysql:\/\//.test(e.message),
    )
    assert.throws(() => parseDatabaseUrl('retort.db', '/proj'), ConfigError)
  })
})

describe('maskUrl', () => {
  it('replaces the password with *** and leaves the rest', () => {
    assert.equal(maskUrl('postgres://scott:tiger@host/db'), 'postgres://scott:***@host/db')
    assert.equal(
      maskUrl('mysql://root:p%40ss@127.0.0.1:3306/test'),
      'mysql://root:***@127.0.0.1:3306/test',
    )
    assert.equal(maskUrl('postgres://scott@host/db'), 'postgres://scott@host/db')
    assert.equal(
      maskUrl('postgres://host/db?user=a&password=secret'),
      'postgres://host/db?user=a&password=***',
    )
    assert.equal(maskUrl('sqlite:./retort.db'), 'sqlite:./retort.db')
  })
})
