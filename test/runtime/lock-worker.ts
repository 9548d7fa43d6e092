// One of several processes racing to upgrade the same database (lock.test.ts):
// take the lock, read the rows, run every revision of the chain not yet applied.
// argv: <url> <revisions as JSON [{ id, path }]> <transactionPerMigration: 0|1>
import { tmpdir } from 'node:os'
import { parseDatabaseUrl } from '../../src/config/database-url.js'
import { withDatabase } from '../../src/runtime/session.js'
import { linearPlan } from './fixtures.js'

const [url, revisions, perMigration] = process.argv.slice(2)
await withDatabase(
  {
    url: parseDatabaseUrl(url!, tmpdir()),
    versionTable: 'alembic_version',
    transactionPerMigration: perMigration === '1',
    args: {},
    log: (line) => process.stderr.write(`${line}\n`),
    lock: true,
  },
  async (session) => {
    const rows = await session.readRows()
    if (rows.length === 0) await session.ensureVersionTable()
    await session.run(linearPlan(JSON.parse(revisions!), rows[0]))
  },
)
