import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { dataSourceOptions } from './data-source.js';

/** Arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 7_314_420_001;

/** The names the migrations are recorded under in `schema_migration`, in the order they run. */
export function migrationNames(): string[] {
  return MIGRATIONS.map((M) => new (M as new () => MigrationInterface)().name ?? M.name);
}

/**
 * Runs pending migrations, holding a PostgreSQL advisory lock on a dedicated connection so that
 * instances starting together run them once: the others wait, then find nothing to do. With `only`,
 * runs the pending ones among those names alone (a restore brings the schema to its backup's first).
 */
export async function runMigrations(url: string, log: (msg: string) => void = () => {}, only?: ReadonlySet<string>): Promise<string[]> {
  const lockClient = new pg.Client({ connectionString: url });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const options = dataSourceOptions(url, 2);
    const names = migrationNames();
    const ds = new DataSource(only ? { ...options, migrations: MIGRATIONS.filter((_, i) => only.has(names[i])) } : options);
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
