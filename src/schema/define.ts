import type { ColumnDefinition, IndexDefinition, TableConstraints } from '../ops/definitions.js'

// Kept apart from declared.ts (which loads Kysely and the dialects) so that
// importing the package for defineSchema stays as light as importing Retort.

/**
 * One table of a declared schema, in exactly the vocabulary of
 * `op.createTable` (columns and table constraints) and `op.createIndex`.
 */
export interface TableDeclaration extends TableConstraints {
  readonly columns: readonly ColumnDefinition[]
  readonly indexes?: readonly IndexDefinition[]
  /** Table comment (PostgreSQL, MariaDB). */
  readonly comment?: string
}

/** The schema a project wants: its tables by name. */
export interface SchemaDeclaration {
  readonly tables: Readonly<Record<string, TableDeclaration>>
}

/**
 * Declare the wanted schema with type checking; returns it unchanged. The
 * config key `schema` names the module whose default export this is.
 *
 * @example
 * // schema.ts
 * import { sql } from 'kysely'
 * import { defineSchema } from 'retort-migrate'
 *
 * export default defineSchema({
 *   tables: {
 *     account: {
 *       columns: [
 *         { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
 *         { name: 'email', type: 'varchar(200)', nullable: false, unique: true },
 *         { name: 'credit', type: 'numeric(10,2)', default: 0, check: sql`credit >= 0` },
 *       ],
 *       indexes: [{ name: 'ix_account_email', columns: ['email'] }],
 *     },
 *   },
 * })
 */
export function defineSchema<T extends SchemaDeclaration>(declaration: T): T {
  return declaration
}
