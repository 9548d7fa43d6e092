import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { main } from '../../src/cli/main.js'

/** A revision as the spec examples describe it. */
export interface RevisionSpec {
  readonly revision: string
  readonly downRevision: string | readonly string[] | null
  readonly branchLabels?: string | readonly string[] | null
  readonly dependsOn?: string | readonly string[] | null
  readonly message: string
  readonly versionLocation?: string
  /** Body of upgrade()/downgrade(); default: nothing. */
  readonly upgrade?: string
  readonly downgrade?: string
}

const literal = (v: string | readonly string[] | null | undefined): string =>
  v === null || v === undefined ? 'null' : JSON.stringify(v).replaceAll('"', "'")

const slug = (message: string): string => (message.match(/\w+/g) ?? []).join('_').toLowerCase()

/** The text of a revision file in the shape the examples use (fixed Create Date). */
export function revisionSource(r: RevisionSpec): string {
  const down =
    r.downRevision === null
      ? []
      : typeof r.downRevision === 'string'
        ? [r.downRevision]
        : r.downRevision
  return [
    '/**',
    ` * ${r.message}`,
    ' *',
    ` * Revision ID: ${r.revision}`,
    ` * Revises: ${down.join(', ')}`,
    ' * Create Date: 2020-01-01 00:00:00.000000',
    ' */',
    "import type { MigrationContext } from 'retort-migrate'",
    '',
    `export const revision = '${r.revision}'`,
    `export const downRevision: string | readonly string[] | null = ${literal(r.downRevision)}`,
    `export const branchLabels: string | readonly string[] | null = ${literal(r.branchLabels)}`,
    `export const dependsOn: string | readonly string[] | null = ${literal(r.dependsOn)}`,
    '',
    `export async function upgrade({ op, db }: MigrationContext): Promise<void> {`,
    `  void op; void db; ${r.upgrade ?? ''}`,
    '}',
    '',
    `export async function downgrade({ op, db }: MigrationContext): Promise<void> {`,
    `  void op; void db; ${r.downgrade ?? ''}`,
    '}',
    '',
  ].join('\n')
}

/** Write a revision file named `<rev>_<slug>.ts` into its location; returns the path. */
export function writeRevision(root: string, r: RevisionSpec): string {
  const dir = join(root, r.versionLocation ?? 'migrations/versions')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${r.revision}_${slug(r.message)}.ts`)
  writeFileSync(path, revisionSource(r))
  return path
}

export interface Project {
  readonly root: string
  write(path: string, content: string): void
  run(command: string | readonly string[]): Promise<CliRun>
  remove(): void
}

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Split a command line like a shell would (double and single quotes). */
export function splitCommand(line: string): string[] {
  const out: string[] = []
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g
  let m: RegExpExecArray | null
  let current = ''
  let last = -1
  while ((m = re.exec(line))) {
    const piece = m[1] ?? m[2] ?? m[3]!
    if (m.index === last) current += piece
    else {
      if (last >= 0) out.push(current)
      current = piece
    }
    last = re.lastIndex
  }
  if (last >= 0) out.push(current)
  return out
}

/** A project in a fresh temp folder with a config; `run` calls the CLI in-process. */
export function makeProject(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Project {
  const root = mkdtempSync(join(tmpdir(), 'retort-proj-'))
  writeFileSync(join(root, 'retort.config.json'), JSON.stringify(config, null, 2))
  return {
    root,
    write(path, content) {
      mkdirSync(dirname(join(root, path)), { recursive: true })
      writeFileSync(join(root, path), content)
    },
    async run(command) {
      let stdout = ''
      let stderr = ''
      const argv = typeof command === 'string' ? splitCommand(command) : command
      const code = await main(argv, {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        cwd: root,
        env: { ...env },
      })
      return { code, stdout, stderr }
    },
    remove() {
      rmSync(root, { recursive: true, force: true })
    },
  }
}
