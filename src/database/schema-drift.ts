import { createDataSource } from './data-source.js';

/**
 * The SQL that would bring a migrated database in line with the entities. Empty means the
 * hand-reviewed migrations and the entities agree (checked by the test suite).
 */
export async function pendingSchemaChanges(url: string): Promise<{ up: string[]; down: string[] }> {
  const ds = createDataSource(url, 2);
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query) };
  } finally {
    await ds.destroy();
  }
}
