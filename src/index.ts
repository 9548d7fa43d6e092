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
export { defineConfig, DEFAULT_VERSION_TABLE } from './config/config.js'
export type { RetortConfig, ResolvedConfig } from './config/config.js'
export { RevisionMap } from './graph/revision-map.js'
export type { Revision } from './graph/revision-map.js'
export type { RevisionRecord } from './graph/revision.js'
export type { PlanStep, RowChange } from './graph/step.js'
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
export type { MigrationContext, DialectInfo, DialectName } from './ops/context.js'
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
export { defineSchema } from './schema/declared.js'
export type { SchemaDeclaration, TableDeclaration } from './schema/declared.js'
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
export { main } from './cli/main.js'
export type { CliIo } from './cli/main.js'
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
