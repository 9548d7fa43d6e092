import type { Command } from 'commander'
import { Option } from 'commander'
import { Retort, type FileAction } from '../api/retort.js'
import { UsageError } from '../errors.js'

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
}

/** What every command gets: the program, printing, and the project. */
export interface CommandContext {
  readonly program: Command
  /** Print a result on stdout (`-q` silences only the log, never results). */
  out(text: string): void
  /** Open the project with the global flags and a command's own `-x` pairs. */
  open(flags?: { x?: string[] }): Promise<Retort>
  /** The project last opened, if any (its URL is masked in failures). */
  opened(): Retort | undefined
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

/** The context the commands of one `main` call share. */
export function commandContext(program: Command, io: CliIo): CommandContext {
  const quiet = (): boolean => Boolean(program.opts<GlobalFlags>().quiet)
  let last: Retort | undefined
  return {
    program,
    out(text) {
      io.stdout(text)
    },
    opened: () => last,
    async open(flags = {}) {
      const g = program.opts<GlobalFlags>()
      last = await Retort.open({
        cwd: io.cwd,
        config: g.config,
        url: g.url,
        env: io.env,
        envFile: g.envFile,
        ...(g.lockTimeout !== undefined ? { lockTimeout: seconds(g.lockTimeout) } : {}),
        args: parseArgs([...(g.x ?? []), ...(flags.x ?? [])]),
        log: (line) => {
          if (!quiet() || !line.startsWith('INFO')) io.stderr(line + '\n')
        },
      })
      return last
    },
  }
}
