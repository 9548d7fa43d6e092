import type { Command } from 'commander'
import { Option } from 'commander'
import type { FileAction, Retort } from '../api/retort.js'
import { UsageError } from '../errors.js'
import { paintRevisionText, painter, useColor, type Painter } from './color.js'
import { jsonText } from './json.js'
import { TerminalLog } from './progress.js'

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Whether stdout and stderr are terminals (colour, progress); default: neither. */
  readonly isTTY?: { readonly stdout: boolean; readonly stderr: boolean }
}

/** What every command gets: the program, printing, and the project. */
export interface CommandContext {
  readonly program: Command
  readonly io: CliIo
  /** Whether `-q` was given (it silences the INFO log, never results). */
  quiet(): boolean
  /** Print a result on stdout (`-q` silences only the log, never results). */
  out(text: string): void
  /** Formatted revision output (ids, `(head)`, `(current)`), painted on a terminal. */
  outRevisions(text: string, retort: Retort): void
  /** Whether stdout is painted (a terminal, or FORCE_COLOR, and no `--json`). */
  readonly outPaint: Painter
  /** Whether `--json` was given: as parsed once a command runs, guessed from argv before. */
  json(): boolean
  /** The `--json` document: written even with -q, which silences only text. */
  outJson(value: unknown): void
  /** End the terminal's open step line (its duration) before printing a result or an error. */
  closeLog(): void
  /** The exit code of a run that does not fail (`status --exit-code` sets 3). */
  setExitCode(code: number): void
  /** Open the project with the global flags and a command's own `-x` pairs. */
  open(flags?: { x?: string[] }): Promise<Retort>
  /** The project last opened, if any (its URL is masked in failures). */
  opened(): Retort | undefined
}

/** The context of one `main` call, with what only the wiring reads. */
export interface CliRun extends CommandContext {
  /** Paint of stderr (`FAILED:`). */
  readonly errPaint: Painter
  exitCode(): number
}

/** Registers one command on the program. */
export type CommandRegistration = (ctx: CommandContext) => void

interface GlobalFlags {
  config?: string
  url?: string
  envFile?: string
  lockTimeout?: string
  x?: string[]
  quiet?: boolean
  json?: boolean
}

/** Commander's collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

/** `-x KEY=VALUE`, repeatable, on the commands that run migrations. */
export const xOption = (): Option =>
  new Option('-x <key=value>', 'argument for migrations; repeatable').argParser(collect)

/** `--verbose` on the commands that run migrations: a failure prints its full stack and causes. */
export const verboseOption = (): Option =>
  new Option('--verbose', 'on failure, print the full stack with its causes (also RETORT_DEBUG=1)')

/** The `Creating directory ... done` / `Generating ... done` lines of file-writing commands. */
export function actionLine(a: FileAction): string {
  if (a.kind === 'skipped') return `File ${a.path} already exists, skipping\n`
  return `${a.kind === 'directory' ? 'Creating directory' : 'Generating'} ${a.path} ...  done\n`
}

/** `--lock-timeout 30`: a number, or NaN (refused by Retort.open with a usage error). */
const seconds = (text: string): number => (/^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN)

function parseArgs(pairs: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`-x takes KEY=VALUE (got '${pair}')`)
    args[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return args
}

/**
 * The context the commands of one `main` call share. Colour is decided from
 * the streams and the environment; on a terminal, step lines go through a
 * TerminalLog (progress and durations), piped the log is written as it comes.
 */
export function commandContext(program: Command, io: CliIo, argv: readonly string[]): CliRun {
  // Guessed from argv so that a usage error is reported as JSON too; parsed flags decide for commands.
  let json = argv.includes('--json')
  let exitCode = 0
  program.hook('preAction', () => {
    json = Boolean(program.opts<GlobalFlags>().json)
  })
  const quiet = (): boolean => Boolean(program.opts<GlobalFlags>().quiet)
  const outPaint = painter(!json && useColor(io.isTTY?.stdout ?? false, io.env))
  const errPaint = painter(useColor(io.isTTY?.stderr ?? false, io.env))
  const terminal = io.isTTY?.stderr ? new TerminalLog(io.stderr, errPaint) : undefined
  const out = (text: string): void => io.stdout(text)
  const logLine = (line: string): void => {
    if (quiet() && line.startsWith('INFO')) return
    if (terminal) terminal.line(line)
    else io.stderr(line + '\n')
  }
  let last: Retort | undefined
  return {
    program,
    io,
    quiet,
    out,
    outRevisions(text, retort) {
      if (!outPaint.enabled) return out(text)
      out(paintRevisionText(text, new Set(retort.graph().revisions.map((r) => r.id)), outPaint))
    },
    outPaint,
    errPaint,
    json: () => json,
    outJson: (value) => io.stdout(jsonText(value)),
    closeLog: () => terminal?.close(),
    setExitCode(code) {
      exitCode = code
    },
    exitCode: () => exitCode,
    opened: () => last,
    async open(flags = {}) {
      const g = program.opts<GlobalFlags>()
      // Loaded here, not above: `--help` and usage errors never need the API behind the commands.
      const { Retort } = await import('../api/retort.js')
      last = await Retort.open({
        cwd: io.cwd,
        config: g.config,
        url: g.url,
        env: io.env,
        envFile: g.envFile,
        ...(g.lockTimeout !== undefined ? { lockTimeout: seconds(g.lockTimeout) } : {}),
        args: parseArgs([...(g.x ?? []), ...(flags.x ?? [])]),
        log: logLine,
        onStep: terminal && !quiet() ? (event) => terminal.step(event) : undefined,
      })
      return last
    },
  }
}
