import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { checkTimezone, type ResolvedConfig } from '../config/config.js'
import { MultipleHeadsError, RevisionError } from '../errors.js'
import { resolveLookup, resolveSymbolic } from '../graph/identifiers.js'
import { branchLabelProblem, revisionIdProblem } from '../graph/names.js'
import type { RevisionMap } from '../graph/revision-map.js'
import {
  formatCreateDate,
  renderRevision,
  revisionFileName,
  slugify,
  writeFileAtomic,
} from './write.js'
import { isRevisionFileName } from './scan.js'

/** Something a file-writing command did, in order, for the `Creating ... done` lines. */
export interface FileAction {
  readonly kind: 'directory' | 'file' | 'skipped'
  readonly path: string
}

/** The revision file written by `revision` or `merge`. */
export interface RevisionResult {
  readonly revision: string
  readonly path: string
  readonly actions: readonly FileAction[]
}

/** Where a new revision goes: the project's config, its folder and the bundled templates. */
export interface RevisionProject {
  readonly config: ResolvedConfig
  readonly cwd: string
  /** Folder of the bundled templates (`templates/`), for the default revision template. */
  readonly templatesDir: string
}

/** What `revision` and `merge` ask for. */
export interface GenerateRevisionOptions {
  /**
   * Parents as the user named them. Absent: `head` (`revision` without
   * `--head`), whose "several heads" failure gets `revision`'s own message.
   */
  readonly parents?: readonly string[]
  readonly message?: string | undefined
  readonly splice?: boolean | undefined
  readonly branchLabel?: string | undefined
  readonly versionPath?: string | undefined
  readonly dependsOn?: readonly string[] | undefined
  readonly revId?: string | undefined
  /**
   * Rewrites the rendered template before it is written (autogenerate fills
   * in the operations); called only once everything else has been checked.
   */
  readonly fill?: ((text: string) => string | Promise<string>) | undefined
}

/** A path as printed: relative to the working directory when inside it. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path)
  return (rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path).split('\\').join('/')
}

/**
 * Write a new revision file, as Alembic's `generate_revision` does: resolve
 * the parents, check the id, label, dependencies and version path against
 * the graph, render the template and write the file atomically. Everything
 * is checked before anything is written (behavior.md d.revision, a.6).
 */
export async function generateRevision(
  graph: RevisionMap,
  project: RevisionProject,
  options: GenerateRevisionOptions,
): Promise<RevisionResult> {
  const parents = resolveParents(graph, options.parents)
  const { config, cwd } = project
  const display = (path: string): string => displayPath(cwd, path)
  const revId = options.revId ?? globalThis.crypto.randomUUID().replaceAll('-', '').slice(-12)
  // The graph's own id and label rules (graph/names.ts), so a new file passes the scan that reads it back.
  const idProblem = revisionIdProblem(revId)
  if (idProblem) throw new RevisionError(idProblem)
  if (graph.byName(revId)) {
    throw new RevisionError(
      `Revision id '${revId}' is already used by ${graph.byName(revId)!.path}; choose another --rev-id`,
    )
  }
  if (new Set(parents).size !== parents.length)
    throw new RevisionError('Duplicate head revisions specified')
  if (!options.splice) {
    for (const p of parents) {
      const rev = graph.revisions[p]!
      if (!rev.isHead) {
        throw new RevisionError(
          `Revision ${rev.id} is not a head revision; please specify --splice to create a new branch from this revision`,
        )
      }
    }
  }
  const label = options.branchLabel
  if (label !== undefined) {
    const labelProblem = branchLabelProblem(label)
    if (labelProblem) throw new RevisionError(labelProblem)
    const owner = graph.byName(label)
    if (owner)
      throw new RevisionError(
        `Branch name '${label}' is already used by revision ${owner.id} (${owner.path}); pick another label`,
      )
    if (label === revId)
      throw new RevisionError(`Branch name '${label}' equals the new revision's id`)
  }
  const dependsOn = (options.dependsOn ?? []).map((d) => {
    const found = resolveSymbolic(graph, d)
    if (found.length !== 1)
      throw new RevisionError(`--depends-on '${d}' must name exactly one revision`)
    const rev = graph.revisions[found[0]!]!
    return rev.declaredLabels.includes(d) ? d : rev.id
  })

  checkTimezone(config, cwd)
  const { dir, actions } = targetFolder(graph, project, parents, options.versionPath)
  const message = options.message ?? ''
  const now = new Date()
  const fileName = revisionFileName({
    rev: revId,
    slug: slugify(message, config.truncateSlugLength),
    fileTemplate: config.fileTemplate,
    date: now,
    timezone: config.timezone,
    extension: '.ts',
  })
  const path = join(dir, fileName)
  // The file must land in its version folder and be read back as a revision (a.4).
  const inside = relative(dir, path)
  if (inside.startsWith('..') || isAbsolute(inside) || !isRevisionFileName(basename(path))) {
    throw new RevisionError(
      `The file name '${fileName}' made from fileTemplate for revision '${revId}' would not be read from ` +
        `${display(dir)} as a revision; change the id or the fileTemplate`,
    )
  }
  const rendered = renderRevision(templateText(project), {
    message,
    revision: revId,
    downRevisions: parents.map((p) => graph.revisions[p]!.id),
    branchLabels: label === undefined ? [] : [label],
    dependsOn,
    createDate: formatCreateDate(now, config.timezone),
  })
  const text = options.fill ? await options.fill(rendered) : rendered
  for (const a of actions)
    if (a.kind === 'directory') mkdirSync(resolve(cwd, a.path), { recursive: true })
  writeFileAtomic(path, text)
  return {
    revision: revId,
    path: display(path),
    actions: [...actions, { kind: 'file', path: display(path) }],
  }
}

/** The parents' graph indices; `revision` without `--head` means `head`. */
function resolveParents(graph: RevisionMap, names: readonly string[] | undefined): number[] {
  if (names !== undefined) return names.flatMap((r) => resolveLookup(graph, r))
  try {
    return resolveLookup(graph, 'head')
  } catch (e) {
    if (e instanceof MultipleHeadsError) {
      throw new RevisionError(
        'Multiple heads are present; please specify the head revision on which the new revision should be ' +
          "based ('--head <rev>' or '--head <label>@head'), or perform a merge",
        { cause: e },
      )
    }
    throw e
  }
}

/** Folder for a new file (behavior.md a.6). */
function targetFolder(
  graph: RevisionMap,
  project: RevisionProject,
  parents: readonly number[],
  versionPath: string | undefined,
): { dir: string; actions: FileAction[] } {
  const locations = project.config.versionLocations
  const display = (path: string): string => displayPath(project.cwd, path)
  let dir: string
  if (versionPath !== undefined) {
    const wanted = resolve(project.cwd, versionPath)
    if (!locations.includes(wanted)) {
      throw new RevisionError(
        `Path ${versionPath} is not represented in current version locations (${locations.map(display).join(', ')})`,
      )
    }
    dir = wanted
  } else if (locations.length === 1) {
    dir = locations[0]!
  } else if (parents.length > 0) {
    dir = graph.revisions[parents[0]!]!.record.versionLocation
  } else {
    throw new RevisionError('Multiple version locations present, please specify --version-path')
  }
  return { dir, actions: existsSync(dir) ? [] : [{ kind: 'directory', path: display(dir) }] }
}

function templateText(project: RevisionProject): string {
  const own = join(project.config.scriptLocation, 'script.ts.tmpl')
  return readFileSync(
    existsSync(own) ? own : join(project.templatesDir, 'generic', 'script.ts.tmpl'),
    'utf8',
  )
}
