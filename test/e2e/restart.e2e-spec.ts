import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../../bench/lib/app-process.js';
import { appArguments } from '../../bench/lib/paths.js';
import { freePort } from '../../src/database/embedded-postgres.js';
import { isAlive, postmasterPid } from '../../src/database/leftover-postgres.util.js';

/** The real app in its own process with the embedded database, as `npm start` runs it (from the TypeScript sources). */
const appEnv = (dataDir: string): Record<string, string> => ({
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'development',
  GIT_COMMIT: '',
});

/** Runs the app to its exit (a start-up that must fail) and returns what it printed. */
function runToExit(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>), ...env };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, appArguments(), { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stderr.replace(/^.*ExperimentalWarning.*\n|^\(Use `node --trace-warnings.*\n/gm, '') });
    }),
  );
}

describe('restarting the app (security review, finding 11) and start-up failures', () => {
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `tremplin-${name}-`));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts again after a SIGKILL left its embedded PostgreSQL running: stops it cleanly, says so, and listens', async () => {
    const dataDir = tempDir('restart');
    const logFile = join(dataDir, 'app.log');
    const app = new AppProcess('app', await freePort(), appEnv(dataDir), logFile);
    try {
      await app.start();
      const first = postmasterPid(join(dataDir, 'postgres'))!;
      expect(isAlive(first)).toBe(true);
      await app.stop('SIGKILL');
      // What the finding is about: the app is gone, its database is not.
      expect(isAlive(first)).toBe(true);

      await app.start();
      const log = readFileSync(logFile, 'utf8');
      expect(log).toMatch(new RegExp(`\\[tremplin\\] a PostgreSQL left running in .* \\(pid ${first}\\) was stopped cleanly; starting it again`));
      expect(log).not.toMatch(/^undefined$/m);
      expect(isAlive(first)).toBe(false);
      const ready = await fetch(`http://127.0.0.1:${app.port}/healthz/ready`);
      expect(ready.status).toBe(200);

      // A second app on the same DATA_DIR while the first runs is refused, and the first keeps its database.
      const second = await runToExit({ ...appEnv(dataDir), PORT: String(await freePort()) });
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toMatch(
        new RegExp(`^\\[tremplin\\] could not start: the embedded PostgreSQL in .* is in use by another running Tremplin \\(pid ${app.pid}\\)`),
      );
      expect((await fetch(`http://127.0.0.1:${app.port}/healthz/ready`)).status).toBe(200);

      // A clean stop stops the database too, and leaves nothing for the next start to clear.
      const postmaster = postmasterPid(join(dataDir, 'postgres'))!;
      expect((await app.stop('SIGTERM')).code).toBe(0);
      expect(isAlive(postmaster)).toBe(false);
      expect(existsSync(join(dataDir, 'postgres.owner'))).toBe(false);
    } finally {
      await app.stop('SIGKILL');
      app.close();
      const pid = postmasterPid(join(dataDir, 'postgres'));
      if (pid && isAlive(pid)) process.kill(pid, 'SIGINT');
    }
  }, 180_000);

  it('says in one line why it cannot reach PostgreSQL, without the password of DATABASE_URL', async () => {
    const port = await freePort();
    const run = await runToExit({ ...appEnv(tempDir('unreachable')), DATABASE_URL: `postgres://tremplin:s3cret-pw@127.0.0.1:${port}/tremplin` });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `[tremplin] could not start: cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED): check DATABASE_URL and that the server is running`,
    );
    expect(run.stdout + run.stderr).not.toContain('s3cret-pw');
  }, 60_000);

  // Issue 13, item 6: as root, PostgreSQL runs as `postgres`, which cannot enter a private directory.
  (process.getuid?.() === 0 ? it : it.skip)(
    'as root, names the private directory the postgres user cannot enter, before spawning anything',
    async () => {
      const home = tempDir('private-home');
      chmodSync(home, 0o700);
      mkdirSync(join(home, 'clone'));
      const run = await runToExit(appEnv(join(home, 'clone', '.data')));
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`[tremplin] could not start: PostgreSQL runs as the "postgres" user`);
      expect(run.stderr).toContain(`cannot enter ${home} (mode 0700)`);
      expect(run.stderr).toContain(`chmod o+x ${home}`);
      expect(existsSync(join(home, 'clone', '.data', 'postgres', 'PG_VERSION'))).toBe(false);
    },
    60_000,
  );
});
