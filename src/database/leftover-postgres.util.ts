import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether a process exists (a zombie, dead but not yet reaped, does not count). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, under another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/** State and parent of a process from /proc (Linux); undefined elsewhere or when it is gone. */
export function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** A process's command line (Linux); undefined elsewhere. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** The postmaster's pid from PostgreSQL's lock file in its data directory, if any. */
export function postmasterPid(databaseDir: string): number | undefined {
  const file = join(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * What the lock file of a data directory says about the server, before this process starts one:
 * none; stale (its process is gone, or is not a PostgreSQL on this directory: PostgreSQL starts over it);
 * owned by a live app (the postmaster's parent is the pid recorded in the owner file); or left running
 * by a run that died without stopping it (SIGKILL, a crash).
 */
export type Leftover = { kind: 'none' } | { kind: 'stale'; pid: number } | { kind: 'owned'; pid: number; owner: number } | { kind: 'orphan'; pid: number };

export function findLeftover(databaseDir: string, ownerFile: string): Leftover {
  const pid = postmasterPid(databaseDir);
  if (!pid) return { kind: 'none' };
  if (!isAlive(pid)) return { kind: 'stale', pid };
  const cmd = commandLine(pid);
  if (cmd !== undefined && !(cmd.includes('postgres') && cmd.includes(databaseDir))) return { kind: 'stale', pid };
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : NaN;
  if (Number.isInteger(owner) && isAlive(owner)) {
    // Where /proc tells, the owner must be the postmaster's parent: a pid reused since proves nothing
    // (after a SIGKILL the postmaster's parent is init or a subreaper).
    const parent = procStat(pid)?.ppid;
    if (parent === undefined || parent === owner) return { kind: 'owned', pid, owner };
  }
  return { kind: 'orphan', pid };
}

/**
 * Stops a postmaster as `pg_ctl stop -m fast` does (SIGINT: sessions end, a checkpoint is written),
 * then immediately (SIGQUIT) if it has not ended in time. Resolves with how it ended.
 */
export async function stopPostmaster(pid: number, timeoutMs = 30_000): Promise<'fast' | 'immediate'> {
  const waitGone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      if (!isAlive(pid)) return true;
    }
    return !isAlive(pid);
  };
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  signal('SIGINT');
  if (await waitGone(timeoutMs)) return 'fast';
  signal('SIGQUIT');
  if (await waitGone(10_000)) return 'immediate';
  throw new Error(`the PostgreSQL server (pid ${pid}) did not stop`);
}
