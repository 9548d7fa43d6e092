import { isExpression } from 'kysely'

/** Whether a bulkInsert value is JSON data: a plain object or an array. */
export function isJsonData(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || isExpression(value)) return false
  if (Array.isArray(value)) return true
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A bulkInsert value every driver takes the same way: JSON data as text; `sql` expressions as they are. */
export function commonParameter(value: unknown): unknown {
  if (value === undefined) return null
  if (isJsonData(value)) return JSON.stringify(value)
  return value
}
