import type { Expression } from 'kysely'

/**
 * A type from Retort's portable vocabulary, mapped to each database (see
 * docs/operations.md for the table).
 */
export type PortableType =
  | 'integer'
  | 'bigint'
  | 'smallint'
  | 'text'
  | `varchar(${number})`
  | 'boolean'
  | 'real'
  | 'double'
  | 'numeric'
  | `numeric(${number})`
  | `numeric(${number},${number})`
  | `numeric(${number}, ${number})`
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'json'
  | 'uuid'
  | 'blob'

/**
 * A column type: a portable type, any other SQL type written as the database
 * spells it (passed through as is, e.g. `'citext'` or `'tinytext'`), or a `sql`
 * expression for full control.
 */
export type ColumnType = PortableType | (string & {}) | Expression<unknown>

/**
 * A column default: a value (rendered as an escaped literal) or a `sql`
 * expression (rendered as written, e.g. sql`CURRENT_TIMESTAMP`).
 */
export type DefaultValue = string | number | bigint | boolean | null | Date | Expression<unknown>

/** What a foreign key does when the referenced row is deleted or updated. */
export type ReferentialAction = 'cascade' | 'set null' | 'set default' | 'restrict' | 'no action'

/** Every operation takes an optional schema (a PostgreSQL schema; the database on MariaDB). */
export interface SchemaOption {
  readonly schema?: string
}

/** A column-level foreign key. */
export interface ColumnReference {
  readonly table: string
  readonly column: string
  /** Schema of the referenced table; defaults to the operation's schema. */
  readonly schema?: string
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
}

/** One column, as createTable, addColumn and batch table descriptions take it. */
export interface ColumnDefinition {
  readonly name: string
  readonly type: ColumnType
  /** Whether NULL is allowed; true unless the column is part of the primary key. */
  readonly nullable?: boolean
  readonly default?: DefaultValue
  readonly primaryKey?: boolean
  /** Generated keys: AUTOINCREMENT (SQLite), identity (PostgreSQL), AUTO_INCREMENT (MariaDB). */
  readonly autoIncrement?: boolean
  readonly unique?: boolean
  readonly references?: ColumnReference
  /** A CHECK on this column, e.g. sql`price >= 0`. */
  readonly check?: Expression<unknown>
  /** Column comment (PostgreSQL, MariaDB; SQLite keeps none). */
  readonly comment?: string
}

/** A primary key over one or more columns. */
export interface PrimaryKeyDefinition {
  readonly name?: string
  readonly columns: readonly string[]
}

/** A unique constraint over one or more columns. */
export interface UniqueDefinition {
  readonly name?: string
  readonly columns: readonly string[]
}

/** A table-level foreign key. */
export interface ForeignKeyDefinition {
  readonly name?: string
  readonly columns: readonly string[]
  readonly references: {
    readonly table: string
    readonly columns: readonly string[]
    readonly schema?: string
  }
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
}

/** A CHECK constraint; the condition is a `sql` expression. */
export interface CheckDefinition {
  readonly name?: string
  readonly expression: Expression<unknown>
}

/** Table-level constraints of createTable (and of a batch table description). */
export interface TableConstraints {
  readonly primaryKey?: PrimaryKeyDefinition
  readonly unique?: readonly UniqueDefinition[]
  readonly foreignKeys?: readonly ForeignKeyDefinition[]
  readonly checks?: readonly CheckDefinition[]
}

/** An index over columns (`'name'`, `'name desc'`) and/or `sql` expressions. */
export interface IndexDefinition {
  readonly name: string
  readonly columns: readonly (string | Expression<unknown>)[]
  readonly unique?: boolean
  /** Partial index condition (SQLite, PostgreSQL). */
  readonly where?: Expression<unknown>
}

/**
 * A table as it is now, for SQLite batch mode when the definition cannot or
 * should not be read from the database (always so with `--sql`).
 */
export interface TableDescription extends TableConstraints {
  readonly columns: readonly ColumnDefinition[]
  readonly indexes?: readonly IndexDefinition[]
}

/** Options of createTable. */
export interface CreateTableOptions extends TableConstraints, SchemaOption {
  /** Table comment (PostgreSQL, MariaDB). */
  readonly comment?: string
  /** Indexes made with the table: inside CREATE TABLE on MariaDB, CREATE INDEX after it elsewhere. */
  readonly indexes?: readonly IndexDefinition[]
  readonly ifNotExists?: boolean
}

/** Options of dropTable. */
export interface DropTableOptions extends SchemaOption {
  readonly ifExists?: boolean
  /** Also drop what depends on the table (PostgreSQL). */
  readonly cascade?: boolean
}

/**
 * The column as it is before alterColumn: MariaDB can only change a type or
 * nullability by restating the whole column, which Retort reads from the
 * database online and must be told in `--sql` mode.
 */
export interface ExistingColumn {
  readonly type: ColumnType
  readonly nullable: boolean
  readonly default?: DefaultValue
  readonly comment?: string
  readonly autoIncrement?: boolean
  /** The column's own CHECK (`price numeric(10,2) check (price >= 0)`), which MariaDB would drop otherwise. */
  readonly check?: Expression<unknown>
}

/** What alterColumn changes; absent keys stay as they are. */
export interface AlterColumnOptions extends SchemaOption {
  readonly type?: ColumnType
  /** How to convert existing values to the new type (PostgreSQL; SQLite batch copies through it). */
  readonly using?: Expression<unknown>
  readonly nullable?: boolean
  /** A new default; `null` drops the default. */
  readonly default?: DefaultValue
  readonly newName?: string
  /** A new comment; `null` removes it. */
  readonly comment?: string | null
  /**
   * Turn auto-increment on or off (PostgreSQL identity, MariaDB
   * AUTO_INCREMENT, SQLite AUTOINCREMENT in a batch on the lone INTEGER PRIMARY KEY).
   */
  readonly autoIncrement?: boolean
  /** The column before the change (MariaDB in `--sql` mode). */
  readonly existing?: ExistingColumn
}

/** Options of createForeignKey. */
export interface ForeignKeyOptions extends SchemaOption {
  readonly onDelete?: ReferentialAction
  readonly onUpdate?: ReferentialAction
  /** Schema of the referenced table; defaults to `schema`. */
  readonly referencedSchema?: string
}

/** Kinds of constraint, as dropConstraint's `type` names them. */
export type ConstraintType = 'primaryKey' | 'unique' | 'foreignKey' | 'check'

/** Options of dropConstraint. */
export interface DropConstraintOptions extends SchemaOption {
  /** Needed on MariaDB in `--sql` mode, where each kind is dropped differently. */
  readonly type?: ConstraintType
}

/** Options of createIndex. */
export interface CreateIndexOptions extends SchemaOption {
  readonly unique?: boolean
  /** Partial index condition (SQLite, PostgreSQL), e.g. sql`deleted_at is null`. */
  readonly where?: Expression<unknown>
}

/** Options of dropIndex. */
export interface DropIndexOptions extends SchemaOption {
  /** The indexed table; MariaDB needs it in `--sql` mode. */
  readonly table?: string
}

/** Options of batchAlterTable. */
export interface BatchOptions extends SchemaOption {
  /**
   * The table as it is now. SQLite batch mode reads it from the database
   * online; with `--sql` it must be given (like Alembic's `copy_from`).
   */
  readonly table?: TableDescription
}
