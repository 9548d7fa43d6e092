import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { DatabaseUrl } from '../../config/database-url.js'
import { sqliteConnection } from './connection.js'
import type { OpenScratch } from '../catalog.js'

/** SQLite: a database file in a new temporary folder, removed with the folder. */
export const openScratch: OpenScratch = async (url: DatabaseUrl, name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`))
  const file = join(dir, 'scratch.db')
  try {
    const db = await sqliteConnection.connect(
      { ...url, url: `sqlite:${file}`, sqlitePath: file },
      () => {},
    )
    // A scratch file is thrown away: no fsync per statement (500 tables took minutes on a busy disk).
    await sql`PRAGMA synchronous = OFF`.execute(db)
    await sql`PRAGMA journal_mode = MEMORY`.execute(db)
    return {
      url: `sqlite:${file}`,
      db,
      async remove() {
        try {
          await db.destroy()
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      },
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
