import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { maskSecrets } from '../config/database-url.js'
import { RetortError, UsageError } from '../errors.js'
import { branchesCommand } from './commands/branches.js'
import { checkCommand } from './commands/check.js'
import { currentCommand } from './commands/current.js'
import { downgradeCommand } from './commands/downgrade.js'
import { ensureVersionCommand } from './commands/ensure-version.js'
import { headsCommand } from './commands/heads.js'
import { historyCommand } from './commands/history.js'
import { initCommand } from './commands/init.js'
import { listTemplatesCommand } from './commands/list-templates.js'
import { mergeCommand } from './commands/merge.js'
import { revisionCommand } from './commands/revision.js'
import { schemaCommand } from './commands/schema.js'
import { showCommand } from './commands/show.js'
import { stampCommand } from './commands/stamp.js'
import { statusCommand } from './commands/status.js'
import { upgradeCommand } from './commands/upgrade.js'
import { verifyCommand } from './commands/verify.js'
import { configureHelp, pointToCommandHelp } from './help.js'
import { errorJson, jsonText, usageErrorJson } from './json.js'
import {
  collect,
  commandContext,
  type CliIo,
  type CliRun,
  type CommandRegistration,
} from './program.js'

export type { CliIo } from './program.js'

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version

/** Every command, in the order `--help` lists them. */
const COMMANDS: readonly CommandRegistration[] = [
  initCommand,
  revisionCommand,
  checkCommand,
  verifyCommand,
  mergeCommand,
  upgradeCommand,
  downgradeCommand,
  stampCommand,
  currentCommand,
  schemaCommand,
  headsCommand,
  branchesCommand,
  historyCommand,
  statusCommand,
  showCommand,
  listTemplatesCommand,
  ensureVersionCommand,
]

/**
 * Run the `retort` command line: parse argv (without node and script), call
 * the API, print, and resolve to the exit code (0 ok, 1 failed, 2 usage).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('retort')
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
    .option('--env-file <file>', 'load this file instead of the .env beside the config')
    .option(
      '--lock-timeout <seconds>',
      "seconds to wait for another process's migration lock (default: lockTimeout, 600)",
    )
    .option('-x <key=value>', 'argument for migrations (context.args); repeatable', collect)
    .option('-q, --quiet', 'silence the log; results and errors still print')
    .option('--json', 'print one JSON document on stdout (see the README for its fields)')
    .exitOverride()
  const context = commandContext(program, io, argv)
  program.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    getOutHasColors: () => context.outPaint.enabled,
    getErrHasColors: () => context.errPaint.enabled,
  })
  // Before the commands are added: they inherit the help settings.
  configureHelp(program)
  for (const register of COMMANDS) register(context)
  pointToCommandHelp(program)
  // Bare `retort` (no command): the help on stdout, exit 0, rather than commander's help-as-error.
  const showHelp = program.help.bind(program)
  program.help = ((): never => showHelp()) as typeof program.help

  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'user' })
    return context.exitCode()
  } catch (e) {
    context.closeLog()
    // Every URL a failure message may echo: its passwords are hidden wherever they appear.
    const secretUrls = [
      program.opts<{ url?: string }>().url,
      io.env.RETORT_DATABASE_URL,
      io.env.DATABASE_URL,
      context.opened()?.config.url,
    ]
    const safe = (text: string): string => maskSecrets(text, secretUrls)
    const code = exitCode(e, program, context, safe)
    // --verbose (upgrade, downgrade, stamp; -v elsewhere is the listing's) or RETORT_DEBUG=1.
    const verbose = argv.includes('--verbose') || /^(1|true|yes)$/i.test(io.env.RETORT_DEBUG ?? '')
    if (verbose && e instanceof RetortError) io.stderr(`${safe(stackWithCauses(e))}\n`)
    return code
  }
}

/** Map an error to its exit code and message (style: RetortError 1, UsageError 2, anything else a bug). */
function exitCode(
  e: unknown,
  program: Command,
  context: CliRun,
  safe: (text: string) => string,
): number {
  const { io } = context
  if (e instanceof CommanderError) {
    if (
      e.code === 'commander.helpDisplayed' ||
      e.code === 'commander.version' ||
      e.code === 'commander.help'
    )
      return 0
    if (context.json()) context.outJson(usageErrorJson(e.message))
    return 2
  }
  if (context.json()) io.stdout(safe(jsonText(errorJson(e))))
  if (e instanceof UsageError) {
    const command = program.args[0]
    const pointer = program.commands.some((c) => c.name() === command)
      ? `retort ${command} --help`
      : 'retort --help'
    io.stderr(`usage error: ${safe(e.message)}\n(run '${pointer}' for usage)\n`)
    return 2
  }
  if (e instanceof RetortError) {
    io.stderr(`${context.errPaint.failed('FAILED:')} ${safe(e.message)}\n`)
    return 1
  }
  const err = e as Error
  io.stderr(`${safe(err?.stack ?? String(e))}\n\nThis is a bug in Retort, please report it.\n`)
  return 1
}

/** The error's stack, then each cause's, for `--verbose`. */
function stackWithCauses(error: Error): string {
  const parts = [error.stack ?? `${error.name}: ${error.message}`]
  const seen = new Set<unknown>([error])
  for (let cause = error.cause; cause !== undefined && !seen.has(cause);) {
    seen.add(cause)
    parts.push(
      `Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`,
    )
    cause = cause instanceof Error ? cause.cause : undefined
  }
  return parts.join('\n')
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
