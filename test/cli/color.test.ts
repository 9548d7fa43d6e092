import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { paintRevisionText, painter, useColor } from '../../src/cli/color.js'
import { formatDuration, TerminalLog } from '../../src/cli/progress.js'

const ESC = '\u001b['
const id = (s: string): string => `${ESC}33m${s}${ESC}39m`
const head = `${ESC}1;32m(head)${ESC}22;39m`

describe('colour decision', () => {
  it('NO_COLOR wins over FORCE_COLOR and a terminal; FORCE_COLOR wins over a pipe', () => {
    assert.equal(useColor(true, {}), true)
    assert.equal(useColor(false, {}), false)
    assert.equal(useColor(true, { NO_COLOR: '1' }), false)
    assert.equal(useColor(true, { NO_COLOR: '1', FORCE_COLOR: '1' }), false)
    // An empty NO_COLOR does not count (no-color.org).
    assert.equal(useColor(true, { NO_COLOR: '' }), true)
    assert.equal(useColor(false, { FORCE_COLOR: '1' }), true)
    assert.equal(useColor(false, { FORCE_COLOR: '' }), true)
    assert.equal(useColor(true, { FORCE_COLOR: '0' }), false)
    assert.equal(useColor(true, { FORCE_COLOR: 'false' }), false)
    assert.equal(useColor(true, { TERM: 'dumb' }), false)
  })
})

describe('painting formatted output', () => {
  const ids = new Set(['aaaa', 'bbbb', 'cccc'])
  const on = painter(true)

  it('is the identity when colour is off', () => {
    const text = 'aaaa -> bbbb (head), mentions cccc\n'
    assert.equal(paintRevisionText(text, ids, painter(false)), text)
  })

  it('paints ids and markers before the message, never inside it', () => {
    assert.equal(
      paintRevisionText('aaaa, cccc -> bbbb (head) (current), mentions cccc (head)\n', ids, on),
      `${id('aaaa')}, ${id('cccc')} -> ${id('bbbb')} ${head} ${ESC}1;36m(current)${ESC}22;39m, mentions cccc (head)\n`,
    )
  })

  it('paints the keys of a show block but not its path or doc', () => {
    const block = 'Rev: bbbb (head)\nMerges: aaaa, cccc\nPath: v/aaaa_x.ts\n\n    about aaaa\n\n'
    assert.equal(
      paintRevisionText(block, ids, on),
      `Rev: ${id('bbbb')} ${head}\nMerges: ${id('aaaa')}, ${id('cccc')}\nPath: v/aaaa_x.ts\n\n    about aaaa\n\n`,
    )
  })
})

describe('terminal step log', () => {
  const step = { verb: 'upgrade', from: [], to: ['a'], message: 'm', rowChanges: [] } as const

  it('writes the duration on the step line, or on its own line when another line came in between', () => {
    let text = ''
    const log = new TerminalLog((t) => (text += t), painter(false))
    log.step({ phase: 'start', step, index: 0, total: 2 })
    log.line('INFO  [retort.migration] Running upgrade  -> a, m')
    log.line('WARNI [retort.migration] careful')
    log.step({ phase: 'end', step, index: 0, total: 2, durationMs: 1500 })
    log.step({ phase: 'start', step, index: 1, total: 2 })
    log.line('INFO  [retort.migration] Running upgrade a -> b, n')
    log.step({ phase: 'end', step, index: 1, total: 2, durationMs: 3.4 })
    assert.equal(
      text,
      'INFO  [retort.migration] Running upgrade  -> a, m\n' +
        'WARNI [retort.migration] careful\n' +
        'INFO  [retort.migration] Running upgrade  -> a done (1.5 s)\n' +
        'INFO  [retort.migration] Running upgrade a -> b, n (3 ms)\n',
    )
  })

  it('numbers the steps of a long run and closes a line left open by a failure', () => {
    let text = ''
    const log = new TerminalLog((t) => (text += t), painter(false))
    log.step({ phase: 'start', step, index: 6, total: 40 })
    log.line('INFO  [retort.migration] Running upgrade f -> g, m')
    log.close()
    assert.equal(text, 'INFO  [retort.migration] [7/40] Running upgrade f -> g, m\n')
  })

  it('paints the ids of the step line, not its message', () => {
    let text = ''
    const log = new TerminalLog((t) => (text += t), painter(true))
    log.step({ phase: 'start', step, index: 0, total: 1 })
    log.line('INFO  [retort.migration] Running upgrade  -> a, a message')
    log.step({ phase: 'end', step, index: 0, total: 1, durationMs: 2 })
    assert.equal(
      text,
      `INFO  [retort.migration] Running upgrade  -> ${id('a')}, a message${ESC}2m (2 ms)${ESC}22m\n`,
    )
  })

  it('formats durations in ms below a second, in seconds above', () => {
    assert.equal(formatDuration(12.4), '12 ms')
    assert.equal(formatDuration(1450), '1.4 s')
  })
})
