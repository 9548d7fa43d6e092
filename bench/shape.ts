import { RevisionMap } from '../src/graph/revision-map.js'
import type { RevisionRecord } from '../src/graph/revision.js'
import { scanVersionLocations } from '../src/script/scan.js'
import { BENCH_LABELS, BENCH_LOCATIONS, type BenchProject } from './generate.js'

/** The generated project as the graph sees it. */
export interface GraphSummary {
  /** One line for the bench output. */
  readonly line: string
  /** Differences between what the generator meant and what the graph holds; empty when all is well. */
  readonly problems: readonly string[]
}

/** Read the project's revision files (without running them) into records, as the CLI does. */
export function readBenchRecords(project: BenchProject): RevisionRecord[] {
  const { records, warnings } = scanVersionLocations({
    locations: [...BENCH_LOCATIONS],
    recursive: false,
    rootDir: project.root,
  })
  if (warnings.length)
    throw new Error(`scanning the generated files warned: ${warnings.join('; ')}`)
  return records
}

/**
 * Load the generated files into a RevisionMap and check the shape the
 * generator promised: revision, base, head, merge- and branch-point counts,
 * the four labels each with one head on its lineage, and the dependencies.
 */
export function summarizeGraph(project: BenchProject): GraphSummary {
  const records = readBenchRecords(project)
  const map = RevisionMap.build(records)
  const want = project.shape
  const revs = map.revisions
  const got = {
    revisions: revs.length,
    bases: map.bases.length,
    heads: map.realHeads.length,
    effectiveHeads: map.heads.length - map.realHeads.length,
    mergePoints: revs.filter((r) => r.isMergePoint).length,
    branchPoints: revs.filter((r) => r.isBranchPoint).length,
    labels: revs.filter((r) => r.declaredLabels.length > 0).length,
    dependents: revs.filter((r) => r.dependsOn.length > 0).length,
  }
  const problems: string[] = []
  const expect = (what: string, actual: number, expected: number): void => {
    if (actual !== expected)
      problems.push(`${what}: graph has ${actual}, generator made ${expected}`)
  }
  expect('revisions', got.revisions, want.revisions)
  expect('bases', got.bases, want.bases)
  expect('heads', got.heads, want.heads)
  expect('effective heads', got.effectiveHeads, 0)
  expect('merge points', got.mergePoints, want.mergePoints)
  expect('branch points', got.branchPoints, want.branchPoints)
  expect('labels', got.labels, want.labels)
  expect('revisions with dependsOn', got.dependents, want.dependents)
  expect('bases (one per version location)', got.bases, BENCH_LOCATIONS.length)

  // Each label: declared once, its lineage holds exactly one head (so `label@head` resolves).
  for (const label of BENCH_LABELS) {
    const declaring = map.byName(label)
    if (!declaring) {
      problems.push(`label '${label}' is not declared`)
      continue
    }
    const below = map.descendantSet([declaring.index], false)
    const heads = map.heads.filter((h) => below[h.index] === 1)
    if (heads.length !== 1)
      problems.push(`label '${label}' has ${heads.length} heads on its lineage, want 1`)
  }
  const mainIds = new Set(project.mainLine)
  const onMain = (id: string): boolean => mainIds.has(id)
  // Record paths are shown relative to the project, so they start with the location.
  const inCore = (r: (typeof revs)[number]): boolean => r.path.startsWith(`${BENCH_LOCATIONS[0]}/`)
  const secondaryToMain = revs.filter((r) => !inCore(r) && r.dependsOn.some(onMain)).length
  const labelToLabel = revs.filter((r) => inCore(r) && r.dependsOn.length > 0).length
  expect(
    'secondary->main and label->label dependencies',
    secondaryToMain + labelToLabel,
    want.dependents,
  )

  const line =
    `${got.revisions} revisions (${want.perLocation.join(' / ')} in ${BENCH_LOCATIONS.join(', ')}), ` +
    `${got.bases} bases, ${got.heads} heads, main line ${want.mainLine}, ` +
    `${got.branchPoints} branch points, ${got.mergePoints} merge points, ` +
    `${got.labels} labels (${BENCH_LABELS.join(', ')}), ` +
    `dependsOn: ${secondaryToMain} secondary->main, ${labelToLabel} label->label`
  return { line, problems }
}
