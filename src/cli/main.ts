import { readFileSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import { Retort, type FileAction, type HistoryEntry } from '../api/retort.js'
import { RetortError, UsageError } from '../errors.js'
import { dotGraph, drawGraph, mermaidGraph } from '../graph/draw.js'
import { paintRevisionText, painter, useColor } from './color.js'
import {
  formatBranchGroup,
  formatCurrentLine,
  formatHeadLine,
  formatHistoryLine,
  formatShowBlock,
} from './format.js'
import { configureHelp, pointToCommandHelp } from './help.js'
import {
  errorJson,
  historyJson,
  jsonText,
  migrateJson,
  revisionJson,
  statusJson,
  usageErrorJson,
} from './json.js'
import { TerminalLog } from './progress.js'
import { formatStatus } from './status-format.js'

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** Whether stdout and stderr are terminals (colour, progress); default: neither. */
  readonly isTTY?: { readonly stdout: boolean; readonly stderr: boolean }
}

interface GlobalFlags {
  config?: string
  url?: string
  x?: string[]
  quiet?: boolean
  json?: boolean
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

interface HistoryFlags {
  revRange?: string
  verbose?: boolean
  indicateCurrent?: boolean
  graph?: boolean
  format: string
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

function parseArgs(pairs: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`-x takes KEY=VALUE (got '${pair}')`)
    args[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return args
}

function actionLine(a: FileAction): string {
  if (a.kind === 'skipped') return `File ${a.path} already exists, skipping\n`
  return `${a.kind === 'directory' ? 'Creating directory' : 'Generating'} ${a.path} ...  done\n`
}

/**
 * Run the `retort` command line: parse argv (without node and script), call
 * the API, print, and resolve to the exit code (0 ok, 1 failed, 2 usage).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('retort')
  let quiet = false
  // Guessed from argv so that a usage error is reported as JSON too; parsed flags decide for commands.
  let json = argv.includes('--json')
  let exitCode = 0
  const outPaint = painter(!json && useColor(io.isTTY?.stdout ?? false, io.env))
  const errPaint = painter(useColor(io.isTTY?.stderr ?? false, io.env))
  // On a terminal, step lines get progress and durations; piped, the log is written as it comes.
  const terminal = io.isTTY?.stderr ? new TerminalLog(io.stderr, errPaint) : undefined
  const out = (text: string): void => {
    if (!quiet) io.stdout(text)
  }
  /** Formatted revision output, painted on a terminal. */
  const outRevisions = (text: string, retort: Retort): void => {
    if (!outPaint.enabled) return out(text)
    out(paintRevisionText(text, new Set(retort.graph().revisions.map((r) => r.id)), outPaint))
  }
  /** The `--json` document: written even with -q, which silences only text. */
  const outJson = (value: unknown): void => io.stdout(jsonText(value))
  const logLine = (line: string): void => {
    if (quiet && line.startsWith('INFO')) return
    if (terminal) terminal.line(line)
    else io.stderr(line + '\n')
  }
  const xs: string[] = []
  const open = async (flags: { x?: string[] } = {}): Promise<Retort> => {
    const g = program.opts<GlobalFlags>()
    return Retort.open({
      cwd: io.cwd,
      config: g.config,
      url: g.url,
      env: io.env,
      args: parseArgs([...(g.x ?? []), ...(flags.x ?? []), ...xs]),
      log: logLine,
      onStep: terminal && !quiet ? (event) => terminal.step(event) : undefined,
    })
  }

  program
    .description(
      'Schema migrations whose history is a graph: branches, merges, labels, several bases.',
    )
    .version(`retort ${VERSION}`, '--version')
    .option(
      '-c, --config <file>',
      'config file (default: retort.config.* in the working directory)',
    )
    .option('--url <url>', 'database URL, overriding the config and RETORT_DATABASE_URL')
    .option('-x <key=value>', 'argument for migrations (context.args); repeatable', collect)
    .option('-q, --quiet', 'print nothing but errors')
    .option('--json', 'print one JSON document on stdout (see the README for its fields)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      getOutHasColors: () => outPaint.enabled,
      getErrHasColors: () => errPaint.enabled,
    })
  configureHelp(program)
  program.hook('preAction', () => {
    quiet = Boolean(program.opts<GlobalFlags>().quiet)
    json = Boolean(program.opts<GlobalFlags>().json)
  })

  const xOption = (): Option =>
    new Option('-x <key=value>', 'argument for migrations; repeatable').argParser(collect)

  program
    .command('init')
    .description('create the config, the migrations folder and the revision template')
    .argument('[directory]', 'migrations folder', 'migrations')
    .option('-t, --template <name>', 'template to use', 'generic')
    .action(async (directory: string, flags: { template: string }) => {
      const retort = await open()
      const result = await retort.init({ directory, template: flags.template })
      if (json) return outJson(result)
      for (const a of result.actions) out(actionLine(a))
      out(
        `Please edit configuration/connection/logging settings in ${result.configPath} before proceeding.\n`,
      )
    })

  program
    .command('revision')
    .description('write a new revision file')
    .option('-m, --message <message>', 'message (first line of the doc, file slug)')
    .option('--head <rev>', "parent: a head, 'base' for a new base, 'heads' to merge all", 'head')
    .option('--splice', 'allow a parent that is not a head (start a new branch)')
    .option('--branch-label <label>', 'branch label for the new revision')
    .option('--version-path <dir>', 'version location to write the file in')
    .option('--depends-on <rev>', 'revision that must be applied first; repeatable', collect)
    .option('--rev-id <id>', 'revision id to use instead of a random one')
    .action(
      async (flags: {
        message?: string
        head: string
        splice?: boolean
        branchLabel?: string
        versionPath?: string
        dependsOn?: string[]
        revId?: string
      }) => {
        const retort = await open()
        const result = await retort.revision(flags)
        if (json) return outJson(result)
        for (const a of result.actions) out(actionLine(a))
      },
    )

  program
    .command('merge')
    .description('write a revision that merges the given revisions')
    .argument('<revisions...>', "revisions to merge, or 'heads'")
    .option('-m, --message <message>', 'message')
    .option('--branch-label <label>', 'branch label for the merge revision')
    .option('--rev-id <id>', 'revision id to use instead of a random one')
    .option('--splice', 'allow revisions that are not heads')
    .action(
      async (
        revisions: string[],
        flags: { message?: string; branchLabel?: string; revId?: string; splice?: boolean },
      ) => {
        const retort = await open()
        const result = await retort.merge({ revisions, ...flags })
        if (json) return outJson(result)
        for (const a of result.actions) out(actionLine(a))
      },
    )

  for (const direction of ['upgrade', 'downgrade'] as const) {
    program
      .command(direction)
      .description(
        direction === 'upgrade'
          ? 'apply migrations up to a revision'
          : 'revert migrations down to a revision',
      )
      .argument(
        '<revision>',
        direction === 'upgrade'
          ? 'target, e.g. heads, +1, label@head'
          : 'target, e.g. -1, base, label@base',
      )
      .option('--sql', 'write the SQL script instead of running it (start:end ranges allowed)')
      .option('--tag <tag>', 'tag passed to migrations')
      .addOption(xOption())
      .action(async (target: string, flags: { sql?: boolean; tag?: string; x?: string[] }) => {
        const retort = await open(flags)
        const result = await retort[direction]({ target, sql: flags.sql, tag: flags.tag })
        terminal?.close()
        if (json) return outJson(migrateJson(direction, target, result))
        if (result.sql !== undefined) out(result.sql)
        else if (direction === 'upgrade' && result.steps.length === 0 && !quiet) {
          // On stderr and without the INFO prefix: stdout and the step log stay as the spec fixes them.
          io.stderr(
            target === 'heads' || target === 'head'
              ? 'already at heads\n'
              : `nothing to upgrade: the database is already at '${target}' or beyond it\n`,
          )
        }
      })
  }

  program
    .command('stamp')
    .description('set the version table without running migrations')
    .argument('<revisions...>', 'revisions to stamp')
    .option('--sql', 'write the SQL script instead')
    .option('--purge', 'delete every row first (also rows naming unknown revisions)')
    .option('--tag <tag>', 'tag passed to migrations')
    .addOption(xOption())
    .action(
      async (
        revisions: string[],
        flags: { sql?: boolean; purge?: boolean; tag?: string; x?: string[] },
      ) => {
        const retort = await open(flags)
        const result = await retort.stamp({
          revisions,
          sql: flags.sql,
          purge: flags.purge,
          tag: flags.tag,
        })
        terminal?.close()
        if (json) return outJson(migrateJson('stamp', revisions.join(' '), result))
        if (result.sql !== undefined) out(result.sql)
      },
    )

  program
    .command('current')
    .description('show the revisions the database is at')
    .option('-v, --verbose', 'full blocks')
    .option('--check-heads', 'fail unless the database is at every head')
    .action(async (flags: { verbose?: boolean; checkHeads?: boolean }) => {
      const retort = await open()
      const revs = await retort.current()
      if (!json) {
        let text = flags.verbose ? `Current revision(s) for ${retort.maskedUrl()}:\n` : ''
        for (const rev of revs)
          text += flags.verbose ? formatShowBlock(rev) : formatCurrentLine(rev)
        outRevisions(text, retort)
      }
      if (flags.checkHeads) {
        const heads = retort
          .heads({ resolveDependencies: true })
          .map((h) => h.id)
          .sort()
        const rows = (await retort.readRows()).sort()
        if (heads.join() !== rows.join()) {
          throw new RetortError(
            `Database is not on all head revisions (heads: ${heads.join(', ')}); run 'retort upgrade heads'`,
          )
        }
      }
      // After the check: a failing check prints only the error document.
      if (json) outJson({ url: retort.maskedUrl(), current: revs.map((r) => revisionJson(r)) })
    })

  program
    .command('heads')
    .description('show the head revisions')
    .option('-v, --verbose', 'full blocks')
    .option('--resolve-dependencies', 'leave out heads that other revisions depend on')
    .action(async (flags: { verbose?: boolean; resolveDependencies?: boolean }) => {
      const retort = await open()
      const heads = retort.heads(flags)
      if (json) return outJson({ heads: heads.map((r) => revisionJson(r)) })
      let text = ''
      for (const rev of heads) text += flags.verbose ? formatShowBlock(rev) : formatHeadLine(rev)
      outRevisions(text, retort)
    })

  program
    .command('branches')
    .description('show the branch points')
    .option('-v, --verbose', 'full blocks')
    .action(async (flags: { verbose?: boolean }) => {
      const retort = await open()
      const branches = retort.branches()
      if (json) return outJson({ branches: branches.map((r) => revisionJson(r)) })
      let text = ''
      for (const rev of branches) text += formatBranchGroup(rev, Boolean(flags.verbose))
      outRevisions(text, retort)
    })

  program
    .command('history')
    .description('list revisions, newest first')
    .option('-r, --rev-range <range>', 'START:END, START: or :END')
    .option('-v, --verbose', 'full blocks')
    .option('-i, --indicate-current', 'mark the revisions of the version table')
    .option('-g, --graph', 'draw the graph, like git log --graph')
    .addOption(
      new Option('--format <format>', 'with --graph: text for the terminal, mermaid or dot')
        .choices(['text', 'mermaid', 'dot'])
        .default('text'),
    )
    .action(async (flags: HistoryFlags) => {
      const retort = await open()
      const range = flags.revRange?.replace(/^=/, '')
      const entries = await retort.history({ range, indicateCurrent: flags.indicateCurrent })
      if (json) return outJson(historyJson(entries, Boolean(flags.indicateCurrent)))
      if (flags.format !== 'text' && !flags.graph) {
        throw new UsageError(`--format ${flags.format} draws the graph; add --graph`)
      }
      if (flags.graph) return out(historyGraph(entries, flags.format, retort))
      let text = ''
      for (const e of entries) {
        text += flags.verbose
          ? formatShowBlock(e.revision, e.isCurrent)
          : formatHistoryLine(e.revision, e.isCurrent)
      }
      outRevisions(text, retort)
    })

  /** `history --graph` in the chosen format; the terminal drawing is painted like other output. */
  const historyGraph = (
    entries: readonly HistoryEntry[],
    format: string,
    retort: Retort,
  ): string => {
    const revisions = entries.map((e) => e.revision)
    if (format === 'mermaid') return mermaidGraph(revisions)
    if (format === 'dot') return dotGraph(revisions)
    const current = new Set(entries.filter((e) => e.isCurrent).map((e) => e.revision.id))
    const text = drawGraph(revisions, { current })
      .map((l) => l + '\n')
      .join('')
    if (!outPaint.enabled) return text
    return paintRevisionText(text, new Set(retort.graph().revisions.map((r) => r.id)), outPaint)
  }

  program
    .command('status')
    .description('show where the database stands and what upgrade heads would run')
    .option('--exit-code', 'exit 3 when upgrade heads has something to run')
    .action(async (flags: { exitCode?: boolean }) => {
      const retort = await open()
      const status = await retort.status()
      if (json) outJson(statusJson(status, retort.maskedUrl()))
      else outRevisions(formatStatus(status, retort.maskedUrl()), retort)
      if (flags.exitCode && status.pending.length > 0) exitCode = 3
    })

  program
    .command('show')
    .description('show the revisions an identifier names')
    .argument('<revision>', 'identifier, e.g. a partial id, a label, heads, current')
    .action(async (name: string) => {
      const retort = await open()
      const revisions = await retort.show(name)
      if (json) return outJson({ revisions: revisions.map((r) => revisionJson(r)) })
      outRevisions(revisions.map((rev) => formatShowBlock(rev)).join(''), retort)
    })

  program
    .command('list-templates')
    .description('list the templates init can use')
    .action(async () => {
      const retort = await open()
      if (json) return outJson({ templates: retort.listTemplates() })
      out('Available templates:\n\n')
      for (const t of retort.listTemplates()) out(`${t.name} - ${t.description}\n`)
      out(
        "\nTemplates are used via the 'init' command, e.g.:\n\n  retort init --template generic ./migrations\n",
      )
    })

  program
    .command('ensure-version')
    .description('create the version table if it does not exist')
    .option('--sql', 'write the CREATE TABLE statement instead')
    .action(async (flags: { sql?: boolean }) => {
      const retort = await open()
      const result = await retort.ensureVersion(flags)
      if (json) return outJson(result)
      if (result.sql !== undefined) out(result.sql)
    })

  pointToCommandHelp(program)
  // Bare `retort` (no command): the help on stdout, exit 0, rather than commander's help-as-error.
  const showHelp = program.help.bind(program)
  program.help = ((): never => showHelp()) as typeof program.help

  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'user' })
    return exitCode
  } catch (e) {
    terminal?.close()
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0
      if (json) outJson(usageErrorJson(e.message))
      return 2
    }
    if (json) outJson(errorJson(e))
    if (e instanceof UsageError) {
      const command = program.args[0]
      const pointer = program.commands.some((c) => c.name() === command)
        ? `retort ${command} --help`
        : 'retort --help'
      io.stderr(`usage error: ${e.message}\n(run '${pointer}' for usage)\n`)
      return 2
    }
    if (e instanceof RetortError) {
      io.stderr(`${errPaint.failed('FAILED:')} ${e.message}\n`)
      return 1
    }
    const err = e as Error
    io.stderr(`${err?.stack ?? String(e)}\n\nThis is a bug in Retort, please report it.\n`)
    return 1
  }
}

/**
 * Relative identifiers such as `-1` or `-2:` look like flags to a parser;
 * behind an option that takes a value or as a positional they are values,
 * so mark them with `--` handling: rewrite `-N...` tokens into `--` + token.
 */
function normalizeArgv(argv: readonly string[]): string[] {
  const out: string[] = []
  const tail: string[] = []
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!
    const prev = argv[k - 1]
    const takesValue = prev === '-r' || prev === '--rev-range' || prev === '--head'
    if (/^-\d/.test(a) && !takesValue) tail.push(a)
    else out.push(a)
  }
  return tail.length ? [...out, '--', ...tail] : out
}
