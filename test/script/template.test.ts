// The generic revision template, filled in, compiles under a strict user tsconfig.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { renderRevision } from '../../src/script/write.js'

const TEMPLATE = readFileSync(
  fileURLToPath(new URL('../../templates/generic/script.ts.tmpl', import.meta.url)),
  'utf8',
)
const INDEX = fileURLToPath(new URL('../../src/index.ts', import.meta.url))

describe('generic revision template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retort-template-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('type-checks under strict, noUnusedParameters and noUnusedLocals, plain and merge', () => {
    const base = {
      message: 'a message',
      branchLabels: [],
      dependsOn: [],
      createDate: '2020-01-01 00:00:00.000000',
    }
    const files = [
      ['a1_plain.ts', renderRevision(TEMPLATE, { ...base, revision: 'a1', downRevisions: [] })],
      ['b2_child.ts', renderRevision(TEMPLATE, { ...base, revision: 'b2', downRevisions: ['a1'] })],
      [
        'c3_merge.ts',
        renderRevision(TEMPLATE, { ...base, revision: 'c3', downRevisions: ['a1', 'b2'] }),
      ],
    ].map(([name, text]) => {
      const path = join(dir, name as string)
      writeFileSync(path, text as string)
      return path
    })
    const program = ts.createProgram(files, {
      strict: true,
      noUnusedParameters: true,
      noUnusedLocals: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      typeRoots: [fileURLToPath(new URL('../../node_modules/@types', import.meta.url))],
      paths: { 'retort-migrate': [INDEX] },
    })
    // Only the revision files' own diagnostics: Retort's sources are checked by `npm run typecheck`.
    const messages = files.flatMap((file) =>
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(file))
        .map((d) => `${file}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`),
    )
    assert.deepEqual(messages, [])
  })
})
