import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { autogenerate } from '../../src/schema/commands.js'
import { diffSchemas } from '../../src/schema/diff.js'
import type { SchemaModel } from '../../src/schema/model.js'
import { fillRevisionBodies, literalDefault, renderChanges } from '../../src/schema/render.js'
import { featuresOf, schemaPairs } from './generators.js'
import { renderDialect } from './helpers.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const TEMPLATE = readFileSync(join(ROOT, 'templates/generic/script.ts.tmpl'), 'utf8')
  .replace('{{ message }}', 'generated')
  .replace('{{ revision }}', 'abc')
  .replace('{{ revises }}', '')
  .replace('{{ createDate }}', '2026-01-01 00:00:00.000000')
  .replace('{{ revisionLiteral }}', "'abc'")
  .replace(/\{\{ \w+ \}\}/g, 'null')

const column = (name: string, type: string, nullable = true) => ({
  name,
  type,
  nullable,
  default: null,
  autoIncrement: false,
  comment: null,
})
const account = (columns: ReturnType<typeof column>[]): SchemaModel => ({
  tables: [
    {
      name: 'account',
      comment: null,
      columns: [column('id', 'integer', false), ...columns],
      primaryKey: { name: null, columns: ['id'] },
      uniques: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
    },
  ],
})

describe('renderChanges', () => {
  it('writes SQLite changes that need a rebuild inside op.batchAlterTable, plain ones outside', () => {
    const before = account([column('name', 'varchar(50)'), column('note', 'text')])
    const after = account([
      column('name', 'text', false),
      column('note', 'text'),
      column('extra', 'integer'),
    ])
    const { upgrade, downgrade } = renderChanges(
      diffSchemas(before, after),
      renderDialect('sqlite'),
    )
    assert.match(
      upgrade,
      /await op\.batchAlterTable\('account', \(batch\) => \{\n {4}batch\.addColumn/,
    )
    assert.match(
      upgrade,
      /batch\.alterColumn\('name', \{ type: 'text', existing: \{ type: 'varchar\(50\)', nullable: true \} \}\)/,
    )
    assert.match(downgrade, /batch\.dropColumn\('extra'\)/)
    const plain = renderChanges(
      diffSchemas(account([]), account([column('extra', 'integer')])),
      renderDialect('sqlite'),
    )
    assert.equal(
      plain.upgrade,
      "  await op.addColumn('account', { name: 'extra', type: 'integer' })",
    )
    const pg = renderChanges(diffSchemas(before, after), renderDialect('postgres'))
    assert.doesNotMatch(pg.upgrade, /batchAlterTable/)
  })

  it('writes a key replaced under a staying AUTO_INCREMENT between auto-increment off and on on MariaDB only', () => {
    const key = (columns: string[]): SchemaModel => {
      const [table] = account([column('c0', 'integer', false)]).tables
      return {
        tables: [
          {
            ...table!,
            columns: table!.columns.map((c) =>
              c.name === 'id' ? { ...c, autoIncrement: true } : c,
            ),
            primaryKey: { name: null, columns },
          },
        ],
      }
    }
    // Each op call's method, and for alterColumn the autoIncrement it sets.
    const calls = (body: string) =>
      body
        .split('await op.')
        .slice(1)
        .map((call) => {
          const method = /^\w+/.exec(call)![0]
          const on = /\{ autoIncrement: (\w+)/.exec(call)?.[1]
          return method === 'alterColumn' ? `${method} ${on}` : method
        })
    const mysql = autogenerate(renderDialect('mysql'), key(['id']), key(['id', 'c0']))
    const order = ['alterColumn false', 'dropConstraint', 'createPrimaryKey', 'alterColumn true']
    assert.deepEqual(calls(mysql.rendered.upgrade), order)
    assert.deepEqual(calls(mysql.rendered.downgrade), order)
    assert.match(mysql.rendered.upgrade, /^ {2}\/\/ 'id' must lead a key/)
    assert.match(
      mysql.rendered.upgrade,
      /createPrimaryKey\('pk_account', 'account', \['id', 'c0'\]\)/,
    )
    const pg = autogenerate(renderDialect('postgres'), key(['id']), key(['id', 'c0']))
    assert.deepEqual(calls(pg.rendered.upgrade), ['dropConstraint', 'createPrimaryKey'])
  })

  it('suggests a rename where a table loses and gains a column of the same type', () => {
    const { upgrade } = renderChanges(
      diffSchemas(account([column('name', 'text')]), account([column('title', 'text')])),
      renderDialect('postgres'),
    )
    assert.match(upgrade, /\/\/ await op\.alterColumn\('account', 'name', \{ newName: 'title' \}\)/)
    assert.match(upgrade, /await op\.dropColumn\('account', 'name'\)/)
  })

  it('logs one Detected line per operation, and No changes detected for none', () => {
    const some = autogenerate(
      renderDialect('mysql'),
      account([]),
      account([column('a', 'text'), column('b', 'text')]),
    )
    assert.deepEqual(some.log, [
      "INFO  [retort.autogenerate] Detected added column 'account.a'",
      "INFO  [retort.autogenerate] Detected added column 'account.b'",
    ])
    assert.deepEqual(autogenerate(renderDialect('mysql'), account([]), account([])).log, [
      'INFO  [retort.autogenerate] No changes detected',
    ])
  })

  it('turns plain literal defaults back into values and keeps expressions as sql', () => {
    assert.equal(literalDefault("'abc'::character varying"), 'abc')
    assert.equal(literalDefault("'it''s'"), "it's")
    assert.equal(literalDefault('-1.5'), -1.5)
    assert.equal(literalDefault('CURRENT_TIMESTAMP'), undefined)
    assert.equal(literalDefault('007'), undefined)
  })

  it('writes revision files that pass tsc --strict and the project lint', () => {
    const dir = mkdtempSync(join(ROOT, 'test/schema/tmp-generated-'))
    try {
      const files: string[] = []
      const pairs = schemaPairs(6, featuresOf('postgres'), 7)
      for (const dialect of ['sqlite', 'postgres', 'mysql'] as const) {
        pairs.forEach(([before, after], k) => {
          const { rendered } = autogenerate(renderDialect(dialect), before, after)
          const path = join(dir, `${dialect}_${k}.ts`)
          writeFileSync(path, fillRevisionBodies(TEMPLATE, rendered))
          files.push(path)
        })
        const path = join(dir, `${dialect}_empty.ts`)
        writeFileSync(
          path,
          fillRevisionBodies(
            TEMPLATE,
            autogenerate(renderDialect(dialect), before0, before0).rendered,
          ),
        )
        files.push(path)
      }
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../../tsconfig.json',
          compilerOptions: { paths: { 'retort-migrate': ['../../../src/index.ts'] } },
          include: ['*.ts'],
        }),
      )
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir, '--noEmit'],
        {
          cwd: ROOT,
          stdio: 'pipe',
        },
      )
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', ...files],
        { cwd: ROOT, stdio: 'pipe' },
      )
    } catch (error) {
      const e = error as { stdout?: Buffer; stderr?: Buffer }
      assert.fail(`${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}` || String(error))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

const before0: SchemaModel = account([])
