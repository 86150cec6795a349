import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { appArguments } from './paths.js';

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether the harness asked for this exit (SIGKILL, SIGTERM); an exit nobody asked for is a crash. */
  expected: boolean;
}

/**
 * One real app instance in its own process (`node dist/src/main.js` or the TypeScript sources), on a
 * fixed port so that a restart comes back at the same address. Output goes to a log file.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<AppExit> | undefined;
  private expectingExit = false;
  private log: WriteStream;
  readonly exits: AppExit[] = [];
  /** Called when the process exits without being asked to (a crash). */
  onCrash: (exit: AppExit) => void = () => {};

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves once it listens (its "listening on" line). */
  async start(timeoutMs = 90_000): Promise<void> {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...this.env, PORT: String(this.port) };
    // jest's --experimental-vm-modules is for jest, not for the app.
    delete env.NODE_OPTIONS;
    this.expectingExit = false;
    const child = spawn(process.execPath, appArguments(), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log.write(`\n--- ${new Date().toISOString()} start pid ${child.pid}\n`);
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const exit = { code, signal, expected: this.expectingExit };
        this.exits.push(exit);
        this.log.write(`--- ${new Date().toISOString()} exit code ${code} signal ${signal}\n`);
        if (!exit.expected) this.onCrash(exit);
        resolve(exit);
      });
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${this.name} did not start within ${timeoutMs} ms`)), timeoutMs);
      let seen = '';
      const onData = (buf: Buffer) => {
        seen = (seen + buf.toString()).slice(-4000);
        if (/listening on /.test(seen)) done();
      };
      const onExit = () => done(new Error(`${this.name} exited while starting; see its log`));
      function done(err?: Error) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      }
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
  }

  /** Sends a signal the harness means (SIGKILL, SIGTERM) and resolves with how the process ended. */
  async stop(signal: 'SIGKILL' | 'SIGTERM', timeoutMs = 30_000): Promise<AppExit & { ms: number; timedOut: boolean }> {
    if (!this.running || !this.exitPromise) return { code: null, signal: null, expected: true, ms: 0, timedOut: false };
    this.expectingExit = true;
    const t0 = Date.now();
    this.child!.kill(signal);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const first = await Promise.race([this.exitPromise, timeout]);
    if (first === 'timeout') {
      this.child!.kill('SIGKILL');
      const exit = await this.exitPromise;
      return { ...exit, ms: Date.now() - t0, timedOut: true };
    }
    return { ...first, ms: Date.now() - t0, timedOut: false };
  }

  close(): void {
    this.log.end();
  }
}
