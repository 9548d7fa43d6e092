export { Retort } from './api/retort.js'
export type {
  RetortOptions,
  InitOptions,
  InitResult,
  RevisionOptions,
  MergeOptions,
  RevisionResult,
  MigrateOptions,
  MigrateResult,
  StampOptions,
  HistoryOptions,
  HistoryEntry,
  TemplateInfo,
  FileAction,
} from './api/retort.js'
export type { StatusResult, BranchStatus, HeadGroup } from './api/status.js'
export { defineConfig, DEFAULT_VERSION_TABLE } from './config/config.js'
export type { RetortConfig, ResolvedConfig } from './config/config.js'
export type { RevisionGraph } from './graph/revision-graph.js'
export type { Revision } from './graph/revision-map.js'
export type { RevisionRecord } from './graph/revision.js'
export { drawGraph, mermaidGraph, dotGraph } from './graph/draw.js'
export type { DrawOptions } from './graph/draw.js'
export type { PlanStep, RowChange, StepEvent } from './graph/step.js'
export type { Operations } from './ops/operations.js'
export type { BatchOperations, BatchAlterColumnOptions } from './ops/batch.js'
export type {
  PortableType,
  ColumnType,
  DefaultValue,
  ReferentialAction,
  ColumnReference,
  ColumnDefinition,
  PrimaryKeyDefinition,
  UniqueDefinition,
  ForeignKeyDefinition,
  CheckDefinition,
  TableConstraints,
  IndexDefinition,
  TableDescription,
  CreateTableOptions,
  DropTableOptions,
  ExistingColumn,
  AlterColumnOptions,
  ForeignKeyOptions,
  ConstraintType,
  DropConstraintOptions,
  CreateIndexOptions,
  DropIndexOptions,
  BatchOptions,
  SchemaOption,
} from './ops/definitions.js'
export type { MigrationContext, DialectInfo } from './ops/context.js'
export type { DialectName } from './dialects/names.js'
export {
  RetortError,
  UsageError,
  RevisionError,
  ResolutionError,
  MultipleHeadsError,
  GraphError,
  ConfigError,
  ScriptError,
  MigrationError,
  DatabaseError,
} from './errors.js'
export { defineSchema } from './schema/define.js'
export type { SchemaDeclaration, TableDeclaration } from './schema/define.js'
export type {
  SchemaModel,
  TableModel,
  ColumnModel,
  PrimaryKeyModel,
  UniqueModel,
  ForeignKeyModel,
  CheckModel,
  IndexModel,
  IndexPart,
  TableFilter,
} from './schema/model.js'
export type {
  CheckOptions,
  CheckResult,
  VerifyOptions,
  VerifyResult,
  VerifyCheck,
  VerifyCheckName,
} from './schema/tools.js'
export type { SchemaDifference } from './schema/commands.js'
export type { SchemaChange, ColumnAttribute } from './schema/diff.js'
