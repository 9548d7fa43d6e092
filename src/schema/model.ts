/**
 * The schema model (shared/spec/schema.md): one shape for all three
 * databases, read from a live database (introspection, each dialect's
 * catalog reader) or built from a declaration (defineSchema or `.sql`).
 * Plain data: no Kysely, no node:*, so models compare and serialise as JSON.
 */
import type { ReferentialAction } from '../ops/definitions.js'

export interface SchemaModel {
  /** Tables by name, in name order. The version table is never included. */
  readonly tables: readonly TableModel[]
}

export interface TableModel {
  readonly name: string
  readonly comment: string | null
  /** In the table's column order (not compared). */
  readonly columns: readonly ColumnModel[]
  readonly primaryKey: PrimaryKeyModel | null
  readonly uniques: readonly UniqueModel[]
  readonly foreignKeys: readonly ForeignKeyModel[]
  readonly checks: readonly CheckModel[]
  readonly indexes: readonly IndexModel[]
}

export interface ColumnModel {
  readonly name: string
  /** Portable name when the catalog spelling maps back to one (`varchar(255)`, `integer`), else the database's spelling. */
  readonly type: string
  readonly nullable: boolean
  /** The default as the database normalises it (SQL text), or null for none. */
  readonly default: string | null
  /** AUTOINCREMENT / identity / AUTO_INCREMENT. */
  readonly autoIncrement: boolean
  readonly comment: string | null
}

/**
 * `name` is null when the database made the name up itself (`t_pkey`,
 * `CONSTRAINT_1`, `sqlite_autoindex_t_1`): such names are not compared, and
 * the catalog readers keep them as `generatedName`.
 */
export interface PrimaryKeyModel {
  readonly name: string | null
  /** The name the database has for it when `name` is null (what a drop uses); not compared. */
  readonly generatedName?: string
  readonly columns: readonly string[]
}

export interface UniqueModel {
  readonly name: string | null
  /** The name the database has for it when `name` is null (what a drop uses); not compared. */
  readonly generatedName?: string
  readonly columns: readonly string[]
}

export interface ForeignKeyModel {
  readonly name: string | null
  /** The name the database has for it when `name` is null (what a drop uses); not compared. */
  readonly generatedName?: string
  readonly columns: readonly string[]
  readonly referencedTable: string
  readonly referencedColumns: readonly string[]
  readonly onDelete: ReferentialAction
  readonly onUpdate: ReferentialAction
}

export interface CheckModel {
  readonly name: string | null
  /** The name the database has for it when `name` is null (what a drop uses); not compared. */
  readonly generatedName?: string
  /** The condition as the database normalises it (SQL text, no outer CHECK). */
  readonly expression: string
}

export interface IndexModel {
  readonly name: string
  /** Column names (`'a'`, `'a desc'`) or expressions as SQL text. */
  readonly columns: readonly IndexPart[]
  readonly unique: boolean
  /** Partial-index condition as SQL text, or null. */
  readonly where: string | null
}

export type IndexPart =
  { readonly column: string; readonly descending: boolean } | { readonly expression: string }

/** Which tables a comparison sees: `include`/`exclude` patterns with `*`. */
export interface TableFilter {
  readonly include?: readonly string[]
  readonly exclude?: readonly string[]
}
