/*
 * SQLite keeps no name for a constraint declared without one. Retort calls
 * such a constraint by the name PostgreSQL would give it (`t_pkey`,
 * `t_a_key`, `t_a_fkey`, `t_check`, `t_check1`): the catalog reader reports
 * it as the constraint's generated name and batch mode drops it by that name.
 * A constraint written with exactly that name reads back as unnamed too, so
 * an unnamed constraint added by batch mode round-trips.
 */

/** The name an unnamed key of `table` over `columns` goes by. */
export function impliedKeyName(
  table: string,
  kind: 'pkey' | 'key' | 'fkey',
  columns: readonly string[],
): string {
  return kind === 'pkey' ? `${table}_pkey` : `${[table, ...columns].join('_')}_${kind}`
}

/** The name of the `n`-th (from 0) unnamed CHECK of `table`. */
export function impliedCheckName(table: string, n: number): string {
  return `${table}_check${n === 0 ? '' : n}`
}

/** Whether `name` is the implied name of some CHECK of `table`. */
export function isImpliedCheckName(table: string, name: string): boolean {
  return new RegExp(`^${escape(table)}_check\\d*$`, 'i').test(name)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
