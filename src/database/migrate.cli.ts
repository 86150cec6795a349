import { loadConfig } from '../config/load-config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { runMigrations } from './migrate.js';

/** `npm run migration:run`: applies migrations to DATABASE_URL, or to the embedded database under DATA_DIR. */
const config = loadConfig();
const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, { persistent: true, log: () => {}, say: (m) => console.log(m) });
const url = config.databaseUrl ?? embedded!.url;
try {
  const ran = await runMigrations(url, (m) => console.log(m));
  console.log(ran.length ? `${ran.length} migration(s) applied.` : 'The database is up to date.');
} finally {
  await embedded?.stop();
}
