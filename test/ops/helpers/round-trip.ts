import assert from 'node:assert/strict'
import type { OpsTest } from './harness.js'

/**
 * Apply a change, check that it changed the catalog, apply its inverse, and
 * check that the catalog is exactly as before.
 */
export async function assertRoundTrip(
  t: OpsTest,
  apply: () => Promise<void>,
  inverse: () => Promise<void>,
): Promise<void> {
  const before = await t.catalog()
  await apply()
  const during = await t.catalog()
  assert.notDeepEqual(during, before, 'the change left the catalog as it was')
  await inverse()
  assert.deepEqual(await t.catalog(), before)
}
