import { readFileSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import { Retort, type FileAction } from '../api/retort.js'
import { RetortError, UsageError } from '../errors.js'
import {
  formatBranchGroup,
  formatCurrentLine,
  formatHeadLine,
  formatHistoryLine,
  formatShowBlock,
} from './format.js'
import { schemaCommands } from './schema-commands.js'
import { formatSchema } from './schema-format.js'

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
}

interface GlobalFlags {
  config?: string
  url?: string
  x?: string[]
  quiet?: boolean
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

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
  const out = (text: string): void => {
    if (!quiet) io.stdout(text)
  }
  const xs: string[] = []
  let exitCode = 0
  const open = async (flags: { x?: string[] } = {}): Promise<Retort> => {
    const g = program.opts<GlobalFlags>()
    return Retort.open({
      cwd: io.cwd,
      config: g.config,
      url: g.url,
      env: io.env,
      args: parseArgs([...(g.x ?? []), ...(flags.x ?? []), ...xs]),
      log: (line) => {
        if (!quiet || !line.startsWith('INFO')) io.stderr(line + '\n')
      },
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
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError()
    .hook('preAction', () => {
      quiet = Boolean(program.opts<GlobalFlags>().quiet)
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
    .option('--autogenerate', 'write the difference between the database and the declared schema')
    .action(
      async (flags: {
        autogenerate?: boolean
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
        for (const a of result.actions) out(actionLine(a))
      },
    )

  schemaCommands(program, { open, out, fail: (code) => (exitCode = code) })

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
        if (result.sql !== undefined) out(result.sql)
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
      if (flags.verbose) out(`Current revision(s) for ${retort.maskedUrl()}:\n`)
      for (const rev of revs) out(flags.verbose ? formatShowBlock(rev) : formatCurrentLine(rev))
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
    })

  program
    .command('schema')
    .description('print the schema of the database as it is now')
    .option('--json', 'the schema model as JSON')
    .action(async (flags: { json?: boolean }) => {
      const model = await (await open()).schema()
      out(flags.json ? `${JSON.stringify(model, null, 2)}\n` : formatSchema(model))
    })

  program
    .command('heads')
    .description('show the head revisions')
    .option('-v, --verbose', 'full blocks')
    .option('--resolve-dependencies', 'leave out heads that other revisions depend on')
    .action(async (flags: { verbose?: boolean; resolveDependencies?: boolean }) => {
      const retort = await open()
      for (const rev of retort.heads(flags))
        out(flags.verbose ? formatShowBlock(rev) : formatHeadLine(rev))
    })

  program
    .command('branches')
    .description('show the branch points')
    .option('-v, --verbose', 'full blocks')
    .action(async (flags: { verbose?: boolean }) => {
      const retort = await open()
      for (const rev of retort.branches()) out(formatBranchGroup(rev, Boolean(flags.verbose)))
    })

  program
    .command('history')
    .description('list revisions, newest first')
    .option('-r, --rev-range <range>', 'START:END, START: or :END')
    .option('-v, --verbose', 'full blocks')
    .option('-i, --indicate-current', 'mark the revisions of the version table')
    .action(async (flags: { revRange?: string; verbose?: boolean; indicateCurrent?: boolean }) => {
      const retort = await open()
      const range = flags.revRange?.replace(/^=/, '')
      const entries = await retort.history({ range, indicateCurrent: flags.indicateCurrent })
      let text = ''
      for (const e of entries) {
        text += flags.verbose
          ? formatShowBlock(e.revision, e.isCurrent)
          : formatHistoryLine(e.revision, e.isCurrent)
      }
      out(text)
    })

  program
    .command('show')
    .description('show the revisions an identifier names')
    .argument('<revision>', 'identifier, e.g. a partial id, a label, heads, current')
    .action(async (name: string) => {
      const retort = await open()
      for (const rev of await retort.show(name)) out(formatShowBlock(rev))
    })

  program
    .command('list-templates')
    .description('list the templates init can use')
    .action(async () => {
      const retort = await open()
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
      if (result.sql !== undefined) out(result.sql)
    })

  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'user' })
    return exitCode
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0
      return 2
    }
    if (e instanceof UsageError) {
      io.stderr(`usage error: ${e.message}\n`)
      return 2
    }
    if (e instanceof RetortError) {
      io.stderr(`FAILED: ${e.message}\n`)
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
