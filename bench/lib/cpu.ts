import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux this runs on). */
const TICKS = 100;

/** A process's user + system CPU so far, in ms (0 when it is gone or /proc cannot be read). */
function processCpuMs(pid: number): number {
  try {
    // The command name may hold spaces and parentheses: the fields start after its last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return 0;
  }
}

/** Every PostgreSQL process (postmaster and backends), by its command name. */
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU used meanwhile by the server under load and by PostgreSQL, from /proc: what a request costs each,
 * independently of how the two cores were shared. Backends that started or ended meanwhile count for
 * what they used while both readings saw them; the pool keeps its connections, so that is all of them.
 */
export function cpuMeter(serverPid: number | undefined): () => { serverMs: number; databaseMs: number } {
  const pg0 = new Map(postgresPids().map((pid) => [pid, processCpuMs(pid)]));
  const server0 = serverPid ? processCpuMs(serverPid) : 0;
  return () => {
    let databaseMs = 0;
    for (const pid of postgresPids()) databaseMs += processCpuMs(pid) - (pg0.get(pid) ?? 0);
    return { serverMs: serverPid ? processCpuMs(serverPid) - server0 : 0, databaseMs };
  };
}
