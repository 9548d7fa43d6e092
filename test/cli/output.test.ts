import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { main } from '../../src/cli/main.js'
import { testDatabases, type FreshDatabase } from '../helpers/databases.js'
import { makeProject, splitCommand, writeRevision, type Project } from '../helpers/project.js'

/**
 * Output for people and for tools (issue 10): --json, status, colour and
 * progress on a terminal, history --graph, help. The CLI runs in-process;
 * the terminal is the `isTTY` the bin passes.
 */

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

async function run(
  project: Project,
  command: string,
  options: { env?: Record<string, string>; tty?: boolean } = {},
): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await main(splitCommand(command), {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: project.root,
    env: { ...options.env },
    isTTY: { stdout: Boolean(options.tty), stderr: Boolean(options.tty) },
  })
  return { code, stdout, stderr }
}

const ESC = '\u001b['
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

/** a <- b <- c1 (feat), b <- c2: a branch point and two heads. */
function branchedProject(url: string): Project {
  const project = makeProject({ url })
  writeRevision(project.root, { revision: 'aaaa', downRevision: null, message: 'create account' })
  writeRevision(project.root, { revision: 'bbbb', downRevision: 'aaaa', message: 'add column' })
  writeRevision(project.root, {
    revision: 'c1c1',
    downRevision: 'bbbb',
    branchLabels: 'feat',
    message: 'feature table',
  })
  writeRevision(project.root, { revision: 'c2c2', downRevision: 'bbbb', message: 'other table' })
  return project
}

for (const testDb of testDatabases()) {
  describe(`status, upgrade --json on ${testDb.dialect}`, { skip: testDb.skip }, () => {
    let db: FreshDatabase
    let project: Project
    before(async () => {
      db = await testDb.fresh()
      project = branchedProject(db.url)
    })
    after(async () => {
      project.remove()
      await db.cleanup()
    })

    it('status on an empty database: every branch pending, --exit-code exits 3', async () => {
      const status = await run(project, 'status')
      assert.equal(status.code, 0, status.stderr)
      const url = status.stdout.split('\n')[0]!
      assert.match(url, /^Database: /)
      assert.equal(
        status.stdout.split('\n').slice(1).join('\n'),
        [
          'Branches:',
          '  c1c1 (feat) (head): nothing applied, 3 pending',
          '  c2c2 (head): nothing applied, 3 pending',
          'Pending (upgrade heads would run 4 steps):',
          '  Running upgrade  -> aaaa, create account',
          '  Running upgrade aaaa -> bbbb, add column',
          '  Running upgrade bbbb -> c2c2, other table',
          '  Running upgrade bbbb -> c1c1, feature table',
          '',
        ].join('\n'),
      )
      assert.equal((await run(project, 'status --exit-code')).code, 3)
      // A readiness check: no log, the report on stdout, the answer in the exit code.
      assert.deepEqual(await run(project, 'status --exit-code -q'), {
        code: 3,
        stdout: status.stdout,
        stderr: '',
      })
    })

    it('upgrade --json reports each step with its duration, and status follows', async () => {
      const up = await run(project, 'upgrade c2c2 --json')
      assert.equal(up.code, 0, up.stderr)
      const doc = JSON.parse(up.stdout) as {
        command: string
        target: string
        steps: {
          verb: string
          revision: string
          from: string[]
          to: string[]
          durationMs: number
        }[]
        durationMs: number
      }
      assert.equal(doc.command, 'upgrade')
      assert.equal(doc.target, 'c2c2')
      assert.deepEqual(
        doc.steps.map((s) => [s.verb, s.revision, s.from, s.to]),
        [
          ['upgrade', 'aaaa', [], ['aaaa']],
          ['upgrade', 'bbbb', ['aaaa'], ['bbbb']],
          ['upgrade', 'c2c2', ['bbbb'], ['c2c2']],
        ],
      )
      for (const s of doc.steps) assert.ok(typeof s.durationMs === 'number' && s.durationMs >= 0)
      assert.ok(doc.durationMs >= 0)
      // The log still goes to stderr, unchanged.
      assert.match(up.stderr, /INFO {2}\[retort\.migration\] Running upgrade bbbb -> c2c2/)

      const status = await run(project, 'status --json --exit-code')
      assert.equal(status.code, 3)
      const s = JSON.parse(status.stdout) as Record<string, unknown>
      assert.deepEqual(s.rows, ['c2c2'])
      assert.deepEqual(s.current, ['c2c2'])
      assert.deepEqual(s.branches, [
        { head: 'c1c1', branchLabels: ['feat'], current: [], pending: 1 },
        { head: 'c2c2', branchLabels: [], current: ['c2c2'], pending: 0 },
      ])
      assert.deepEqual(s.pending, [
        {
          verb: 'upgrade',
          revision: 'c1c1',
          from: ['bbbb'],
          to: ['c1c1'],
          message: 'feature table',
        },
      ])
      assert.equal(s.isUpToDate, false)
      assert.deepEqual(s.extraHeads, [])
      assert.doesNotMatch(String(s.url), /password/)
    })

    it("upgrade with nothing to do says 'already at heads' on stderr, stdout stays empty", async () => {
      assert.equal((await run(project, 'upgrade heads')).code, 0)
      const again = await run(project, 'upgrade heads')
      assert.equal(again.code, 0)
      assert.equal(again.stdout, '')
      assert.match(
        again.stderr,
        /^INFO {2}\[retort\.migration\] Database: [^\n]*\nalready at heads\n$/,
      )
      assert.equal((await run(project, 'upgrade heads -q')).stderr, '')
      const status = await run(project, 'status --exit-code')
      assert.equal(status.code, 0)
      assert.match(status.stdout, /Up to date: upgrade heads has nothing to run\n$/)
      const doc = JSON.parse((await run(project, 'upgrade heads --json')).stdout) as {
        steps: unknown[]
      }
      assert.deepEqual(doc.steps, [])
    })

    it('downgrade and stamp --json report their steps; current --json the applied heads', async () => {
      const down = JSON.parse((await run(project, 'downgrade feat@-1 --json')).stdout) as {
        command: string
        steps: { verb: string; from: string[]; to: string[] }[]
      }
      assert.equal(down.command, 'downgrade')
      assert.deepEqual(
        down.steps.map((s) => [s.verb, s.from, s.to]),
        [['downgrade', ['c1c1'], ['bbbb']]],
      )
      const stamp = JSON.parse((await run(project, 'stamp heads --json')).stdout) as {
        command: string
        steps: { verb: string; revision: string | null }[]
      }
      assert.equal(stamp.command, 'stamp')
      assert.deepEqual(
        stamp.steps.map((s) => [s.verb, s.revision]),
        [['stamp_revision', null]],
      )
      const current = JSON.parse((await run(project, 'current --json')).stdout) as {
        current: { id: string; isHead: boolean }[]
      }
      assert.deepEqual(
        current.current.map((r) => [r.id, r.isHead]),
        [
          ['c1c1', true],
          ['c2c2', true],
        ],
      )
    })
  })
}

describe('--json for the graph commands and errors', () => {
  let project: Project
  before(() => {
    project = branchedProject('sqlite:db.sqlite')
  })
  after(() => project.remove())

  it('heads, branches, history and show print one document with the documented fields', async () => {
    const heads = JSON.parse((await run(project, 'heads --json')).stdout) as {
      heads: Record<string, unknown>[]
    }
    assert.deepEqual(heads.heads[0], {
      id: 'c1c1',
      downRevisions: ['bbbb'],
      dependsOn: [],
      branchLabels: ['feat'],
      message: 'feature table',
      path: 'migrations/versions/c1c1_feature_table.ts',
      isHead: true,
      isEffectiveHead: false,
      isBase: false,
      isBranchPoint: false,
      isMergePoint: false,
      children: [],
    })
    const branches = JSON.parse((await run(project, 'branches --json')).stdout) as {
      branches: { id: string; children: string[] }[]
    }
    assert.deepEqual(
      branches.branches.map((b) => [b.id, b.children]),
      [['bbbb', ['c1c1', 'c2c2']]],
    )
    const history = JSON.parse((await run(project, 'history --json -i')).stdout) as {
      revisions: { id: string; isCurrent: boolean }[]
    }
    assert.deepEqual(
      history.revisions.map((r) => [r.id, r.isCurrent]),
      [
        ['c1c1', false],
        ['c2c2', false],
        ['bbbb', false],
        ['aaaa', false],
      ],
    )
    const show = JSON.parse((await run(project, 'show feat --json')).stdout) as {
      revisions: { id: string }[]
    }
    assert.deepEqual(
      show.revisions.map((r) => r.id),
      ['c1c1'],
    )
  })

  it('current --check-heads --json prints only the error document when the check fails', async () => {
    const run1 = await run(project, 'current --check-heads --json')
    assert.equal(run1.code, 1)
    const doc = JSON.parse(run1.stdout) as { error: { kind: string; message: string } }
    assert.equal(doc.error.kind, 'RetortError')
    assert.match(doc.error.message, /not on all head revisions/)
  })

  it('errors are { error: { message, kind } } on stdout with the usual exit codes', async () => {
    const missing = await run(project, 'show nosuch --json')
    assert.equal(missing.code, 1)
    const doc = JSON.parse(missing.stdout) as { error: { message: string; kind: string } }
    assert.equal(doc.error.kind, 'ResolutionError')
    assert.match(doc.error.message, /'nosuch'/)
    assert.match(missing.stderr, /^FAILED: /)

    const usage = await run(project, 'heads --nope --json')
    assert.equal(usage.code, 2)
    assert.deepEqual(JSON.parse(usage.stdout), {
      error: { message: "unknown option '--nope'", kind: 'UsageError' },
    })
    const many = await run(project, 'upgrade head --json')
    assert.equal(many.code, 1)
    const heads = JSON.parse(many.stdout) as { error: { kind: string; heads: string[] } }
    assert.equal(heads.error.kind, 'MultipleHeadsError')
    assert.deepEqual(heads.error.heads, ['c1c1', 'c2c2'])
  })

  it('status --json on an unreachable server: the error document, without the password', async () => {
    const failed = await run(project, 'status --json --url postgres://app:s3cret@127.0.0.1:1/app')
    assert.equal(failed.code, 1)
    const doc = JSON.parse(failed.stdout) as { error: { kind: string; message: string } }
    assert.equal(doc.error.kind, 'DatabaseError')
    assert.match(doc.error.message, /postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app/)
    assert.ok(!failed.stdout.includes('s3cret') && !failed.stderr.includes('s3cret'))
  })

  it('status reports more heads than branches: two unlabelled heads on one line', async () => {
    const twoHeads = makeProject({ url: 'sqlite:db.sqlite' })
    try {
      writeRevision(twoHeads.root, { revision: 'aaaa', downRevision: null, message: 'a' })
      writeRevision(twoHeads.root, { revision: 'b1b1', downRevision: 'aaaa', message: 'b1' })
      writeRevision(twoHeads.root, { revision: 'b2b2', downRevision: 'aaaa', message: 'b2' })
      const status = await run(twoHeads, 'status')
      assert.match(
        status.stdout,
        /\nMore heads than branches: the unlabelled line has 2 heads \(b1b1, b2b2\); merge them with 'retort merge b1b1 b2b2'\n$/,
      )
      const doc = JSON.parse((await run(twoHeads, 'status --json')).stdout) as {
        extraHeads: unknown
      }
      assert.deepEqual(doc.extraHeads, [{ branchLabels: [], heads: ['b1b1', 'b2b2'] }])
    } finally {
      twoHeads.remove()
    }
  })
})

describe('colour and progress on a terminal', () => {
  let project: Project
  before(() => {
    project = branchedProject('sqlite:db.sqlite')
  })
  after(() => project.remove())

  it('piped output has no colour, even with a terminal on the other stream', async () => {
    const piped = await run(project, 'heads')
    assert.equal(piped.stdout, 'c1c1 (feat) (head)\nc2c2 (head)\n')
  })

  it('colours ids and (head) on a terminal, never with NO_COLOR', async () => {
    const tty = await run(project, 'heads', { tty: true })
    assert.equal(
      tty.stdout,
      `${ESC}33mc1c1${ESC}39m (feat) ${ESC}1;32m(head)${ESC}22;39m\n` +
        `${ESC}33mc2c2${ESC}39m ${ESC}1;32m(head)${ESC}22;39m\n`,
    )
    const noColor = await run(project, 'heads', { tty: true, env: { NO_COLOR: '1' } })
    assert.equal(noColor.stdout, 'c1c1 (feat) (head)\nc2c2 (head)\n')
    const forced = await run(project, 'heads', { env: { FORCE_COLOR: '1' } })
    assert.equal(forced.stdout, tty.stdout)
    const forcedOff = await run(project, 'heads', { tty: true, env: { FORCE_COLOR: '0' } })
    assert.equal(forcedOff.stdout, 'c1c1 (feat) (head)\nc2c2 (head)\n')
  })

  it('colours ids in history but not in messages, and FAILED on a terminal', async () => {
    const history = await run(project, 'history', { env: { FORCE_COLOR: '1' } })
    assert.ok(
      history.stdout.startsWith(
        `${ESC}33mbbbb${ESC}39m -> ${ESC}33mc1c1${ESC}39m (feat) ${ESC}1;32m(head)${ESC}22;39m, feature table\n`,
      ),
      JSON.stringify(history.stdout),
    )
    const failed = await run(project, 'show nosuch', { tty: true })
    assert.match(failed.stderr, new RegExp(`^\\u001b\\[1;31mFAILED:\\u001b\\[22;39m `))
    assert.match((await run(project, 'show nosuch')).stderr, /^FAILED: /)
  })

  it('each step shows its duration on a terminal, and [n/total] when the run has more than 5 steps', async () => {
    const long = makeProject({ url: 'sqlite:db.sqlite' })
    try {
      for (let k = 1; k <= 8; k++) {
        writeRevision(long.root, {
          revision: `r${k}`,
          downRevision: k === 1 ? null : `r${k - 1}`,
          message: `step ${k}`,
        })
      }
      const up = await run(long, 'upgrade r2', { tty: true, env: { NO_COLOR: '1' } })
      assert.match(
        up.stderr,
        /^INFO {2}\[retort\.migration\] Database: [^\n]*\nINFO {2}\[retort\.migration\] Running upgrade {2}-> r1, step 1 \(\d+ ms\)\nINFO {2}\[retort\.migration\] Running upgrade r1 -> r2, step 2 \(\d+ ms\)\n$/,
      )
      const rest = await run(long, 'upgrade heads', { tty: true, env: { NO_COLOR: '1' } })
      const [database, ...lines] = rest.stderr.trimEnd().split('\n')
      assert.match(database!, /^INFO {2}\[retort\.migration\] Database: /)
      assert.equal(lines.length, 6)
      lines.forEach((line, k) =>
        assert.match(
          line,
          new RegExp(
            `^INFO {2}\\[retort\\.migration\\] \\[${k + 1}/6\\] Running upgrade r${k + 2} -> r${k + 3}, step ${k + 3} \\(\\d+ ms\\)$`,
          ),
        ),
      )
      // Piped, the same run logs exactly what it always did.
      await run(long, 'downgrade base')
      const piped = await run(long, 'upgrade heads')
      assert.equal(
        piped.stderr,
        'INFO  [retort.migration] Database: sqlite:db.sqlite (from retort.config.json)\n' +
          Array.from(
            { length: 8 },
            (_, k) =>
              `INFO  [retort.migration] Running upgrade ${k === 0 ? '' : `r${k}`} -> r${k + 1}, step ${k + 1}\n`,
          ).join(''),
      )
    } finally {
      long.remove()
    }
  })
})

describe('history --graph', () => {
  let project: Project
  before(() => {
    project = branchedProject('sqlite:db.sqlite')
  })
  after(() => project.remove())

  it('draws the graph, a range of it, and Mermaid and DOT sources', async () => {
    const graph = await run(project, 'history --graph')
    assert.equal(graph.code, 0, graph.stderr)
    assert.equal(
      graph.stdout,
      [
        '*  c1c1 (feat) (head), feature table',
        '| *  c2c2 (head), other table',
        "*-'  bbbb (branchpoint), add column",
        '*  aaaa (base), create account',
        '',
      ].join('\n'),
    )
    const range = await run(project, 'history --graph -r bbbb:c1c1')
    assert.equal(
      range.stdout,
      '*  c1c1 (feat) (head), feature table\n*  bbbb (branchpoint), add column\n',
    )
    const mermaid = await run(project, 'history --graph --format mermaid')
    assert.match(mermaid.stdout, /^flowchart BT\n/)
    assert.match(mermaid.stdout, / {2}r_c1c1 --> r_bbbb\n/)
    const dot = await run(project, 'history -g --format dot')
    assert.match(dot.stdout, /^digraph revisions \{\n/)
    assert.match(dot.stdout, / {2}"c2c2" -> "bbbb";\n/)
  })

  it('--format without --graph is a usage error; an unknown format names the choices', async () => {
    const bare = await run(project, 'history --format dot')
    assert.equal(bare.code, 2)
    assert.match(bare.stderr, /add --graph/)
    const bad = await run(project, 'history --graph --format png')
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /text, mermaid, dot/)
  })
})

describe('help', () => {
  let project: Project
  before(() => {
    project = makeProject({ url: 'sqlite:db.sqlite' })
  })
  after(() => project.remove())

  it('bare retort prints the help on stdout and exits 0', async () => {
    const bare = await run(project, '')
    assert.equal(bare.code, 0)
    assert.equal(bare.stderr, '')
    assert.match(bare.stdout, /^Usage: retort \[options\] \[command\]/)
    assert.match(bare.stdout, /status \[options\]/)
  })

  it("each command's help lists the global options and marks optional arguments", async () => {
    const init = await run(project, 'init --help')
    assert.equal(init.code, 0)
    assert.match(init.stdout, /Global Options:/)
    for (const flag of ['-c, --config <file>', '--url <url>', '-x <key=value>', '--json'])
      assert.ok(init.stdout.includes(flag), `${flag} in init --help`)
    assert.match(init.stdout, /\[directory\] \(optional\)/)
    const upgrade = await run(project, 'upgrade --help')
    assert.match(upgrade.stdout, /\n {2}<revision> /)
    assert.match(upgrade.stdout, /Global Options:/)
  })

  it('a usage error prints one line and a pointer to --help, exit 2', async () => {
    const missing = await run(project, 'upgrade')
    assert.equal(missing.code, 2)
    assert.equal(
      missing.stderr,
      "error: missing required argument 'revision'\n(run 'retort upgrade --help' for usage)\n",
    )
    const unknown = await run(project, 'frobnicate')
    assert.equal(unknown.code, 2)
    assert.equal(unknown.stderr.trimEnd().split('\n').length, 2)
    assert.match(unknown.stderr, /\(run 'retort --help' for usage\)\n$/)
    const badX = await run(project, 'upgrade heads -x novalue')
    assert.equal(badX.code, 2)
    assert.equal(
      badX.stderr,
      "usage error: -x takes KEY=VALUE (got 'novalue')\n(run 'retort upgrade --help' for usage)\n",
    )
  })
})

describe('the bin on a pseudo-terminal', () => {
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' })
  const skip = script.status === 0 ? false : 'needs script(1) from util-linux for a pseudo-terminal'

  it('colours on a terminal, not with NO_COLOR, and never when piped', { skip }, () => {
    const project = branchedProject('sqlite:db.sqlite')
    try {
      const bin = `node --import ${JSON.stringify(TSX)} ${JSON.stringify(BIN)} heads`
      const onTty = (env: Record<string, string>): string =>
        spawnSync('script', ['-qec', bin, '/dev/null'], {
          cwd: project.root,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, TERM: 'xterm', ...env },
        }).stdout.replaceAll('\r\n', '\n')
      assert.equal(
        onTty({}),
        `${ESC}33mc1c1${ESC}39m (feat) ${ESC}1;32m(head)${ESC}22;39m\n` +
          `${ESC}33mc2c2${ESC}39m ${ESC}1;32m(head)${ESC}22;39m\n`,
      )
      assert.equal(onTty({ NO_COLOR: '1' }), 'c1c1 (feat) (head)\nc2c2 (head)\n')
      const piped = spawnSync(process.execPath, ['--import', TSX, BIN, 'heads'], {
        cwd: project.root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, TERM: 'xterm' },
      })
      assert.equal(piped.stdout, 'c1c1 (feat) (head)\nc2c2 (head)\n')
    } finally {
      project.remove()
    }
  })
})
