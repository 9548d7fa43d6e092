import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Retort } from '../../src/api/retort.js'
import { formatSchema } from '../../src/cli/schema-format.js'
import { queryRows, testDatabases } from '../helpers/databases.js'
import { makeProject } from '../helpers/project.js'

const DDL = [
  'create table account (id integer primary key, email varchar(100) not null unique, credit integer default 0)',
  'create table audit_log (id integer)',
  'create table retort_version (version_num varchar(32) not null)',
  'create index ix_account_credit on account (credit)',
]

describe('retort schema', () => {
  for (const database of testDatabases()) {
    it(
      `prints the live schema as text and as JSON, without the version table, through include/exclude [${database.dialect}]`,
      { skip: database.skip },
      async () => {
        const fresh = await database.fresh()
        const project = makeProject({ url: fresh.url, exclude: ['audit_*'] })
        try {
          for (const statement of DDL) await queryRows(database.dialect, fresh.url, statement)
          const text = await project.run('schema')
          assert.equal(text.code, 0, text.stderr)
          assert.equal(
            text.stdout,
            [
              'TABLE account',
              '  id      integer       NOT NULL',
              '  email   varchar(100)  NOT NULL',
              '  credit  integer       NULL      DEFAULT 0',
              '  PRIMARY KEY (id)',
              '  UNIQUE (email)',
              '  INDEX ix_account_credit (credit)',
              '',
            ].join('\n'),
          )
          const json = await project.run('schema --json')
          assert.equal(json.code, 0, json.stderr)
          const retort = await Retort.open({ cwd: project.root })
          const model = await retort.schema()
          assert.deepEqual(JSON.parse(json.stdout), model)
          assert.deepEqual(
            model.tables.map((t) => t.name),
            ['account'],
          )
        } finally {
          project.remove()
          await fresh.cleanup()
        }
      },
    )
  }

  it('fails with the masked URL when the database cannot be reached', async () => {
    const project = makeProject({ url: 'postgres://someone:secret@127.0.0.1:1/nowhere' })
    try {
      const run = await project.run('schema')
      assert.equal(run.code, 1)
      assert.match(
        run.stderr,
        /^FAILED: could not read the schema of postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/,
      )
      assert.doesNotMatch(run.stderr + run.stdout, /secret/)
    } finally {
      project.remove()
    }
  })
})

describe('revision --autogenerate', () => {
  it('checks the id, parents and label before it reads the database', async () => {
    const project = makeProject({ url: 'postgres://someone@127.0.0.1:1/nowhere' })
    try {
      project.write('schema.ts', 'export default { tables: {} }\n')
      for (const [args, message] of [
        ['--rev-id bad/id', /^FAILED: .*'bad\/id'/],
        ['--head nosuch', /^FAILED: .*nosuch/],
        ['--branch-label base', /^FAILED: .*'base'/],
      ] as const) {
        const run = await project.run(`revision --autogenerate -m x ${args}`)
        assert.equal(run.code, 1, args)
        assert.match(run.stderr, message, args)
        assert.doesNotMatch(run.stderr, /connect|127\.0\.0\.1/, args)
      }
    } finally {
      project.remove()
    }
  })
})

describe('schema text form', () => {
  it('writes one block per table with keys, checks, indexes and comments', () => {
    const text = formatSchema({
      tables: [
        {
          name: 'a',
          comment: 'first',
          columns: [
            {
              name: 'id',
              type: 'bigint',
              nullable: false,
              default: null,
              autoIncrement: true,
              comment: 'key',
            },
          ],
          primaryKey: { name: 'pk_a', columns: ['id'] },
          uniques: [],
          foreignKeys: [
            {
              name: null,
              columns: ['id'],
              referencedTable: 'b',
              referencedColumns: ['id'],
              onDelete: 'cascade',
              onUpdate: 'no action',
            },
          ],
          checks: [{ name: 'ck', expression: 'id > 0' }],
          indexes: [
            {
              name: 'ix',
              columns: [{ column: 'id', descending: true }, { expression: 'lower(x)' }],
              unique: true,
              where: 'id > 5',
            },
          ],
        },
        {
          name: 'b',
          comment: null,
          columns: [
            {
              name: 'id',
              type: 'integer',
              nullable: true,
              default: null,
              autoIncrement: false,
              comment: null,
            },
          ],
          primaryKey: null,
          uniques: [],
          foreignKeys: [],
          checks: [],
          indexes: [],
        },
      ],
    })
    assert.equal(
      text,
      [
        'TABLE a  -- first',
        '  id  bigint  NOT NULL  AUTO INCREMENT  -- key',
        '  PRIMARY KEY pk_a (id)',
        '  FOREIGN KEY (id) REFERENCES b (id) ON DELETE CASCADE',
        '  CHECK ck (id > 0)',
        '  UNIQUE INDEX ix (id DESC, lower(x)) WHERE id > 5',
        '',
        'TABLE b',
        '  id  integer  NULL',
        '',
      ].join('\n'),
    )
    assert.equal(formatSchema({ tables: [] }), 'No tables.\n')
  })
})
