import pg from 'pg';
import { createDataSource } from './data-source.js';

/** Arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 7_314_420_001;

/**
 * Runs pending migrations, holding a PostgreSQL advisory lock on a dedicated connection so that
 * instances starting together run them once: the others wait, then find nothing to do.
 */
export async function runMigrations(url: string, log: (msg: string) => void = () => {}): Promise<string[]> {
  const lockClient = new pg.Client({ connectionString: url });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ds = createDataSource(url, 2);
    await ds.initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      for (const m of ran) log(`migration applied: ${m.name}`);
      return ran.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lockClient.end();
  }
}
