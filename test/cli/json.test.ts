import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkJson, errorJson, jsonText, stepJson, usageErrorJson } from '../../src/cli/json.js'
import { GraphError, MigrationError } from '../../src/errors.js'

describe('JSON documents', () => {
  it('errors carry the class as kind and its structured fields', () => {
    assert.deepEqual(errorJson(new GraphError('cycle', ['v/a.ts', 'v/b.ts'])), {
      error: { message: 'cycle', kind: 'GraphError', paths: ['v/a.ts', 'v/b.ts'] },
    })
    assert.deepEqual(errorJson(new MigrationError('boom', 'a1', 'upgrade')), {
      error: { message: 'boom', kind: 'MigrationError', revision: 'a1', direction: 'upgrade' },
    })
    assert.deepEqual(errorJson(new TypeError('x is undefined')), {
      error: { message: 'x is undefined', kind: 'InternalError' },
    })
    assert.deepEqual(usageErrorJson("error: unknown command 'frob'"), {
      error: { message: "unknown command 'frob'", kind: 'UsageError' },
    })
  })

  it('steps show a duration only when they ran, rounded to microseconds', () => {
    const step = {
      verb: 'stamp_revision',
      from: ['a'],
      to: ['b'],
      message: '',
      rowChanges: [],
    } as const
    assert.deepEqual(stepJson(step), {
      verb: 'stamp_revision',
      revision: null,
      from: ['a'],
      to: ['b'],
      message: '',
    })
    assert.equal(stepJson(step, 1.23456789).durationMs, 1.235)
  })

  it('check and verify: ok exactly when there are no problems', () => {
    assert.deepEqual(checkJson([]), { ok: true, problems: [] })
    const problem = { kind: 'multiple-heads', message: 'two heads', revision: 'c1' }
    assert.deepEqual(checkJson([problem]), { ok: false, problems: [problem] })
  })

  it('one document, indented, one trailing newline', () => {
    assert.equal(jsonText({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}\n')
  })
})
