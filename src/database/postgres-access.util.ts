import { dirname, parse } from 'node:path';

export interface FileMode {
  mode: number;
  uid: number;
  gid: number;
}

export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Whether a process running as `who` may do `bits` (4 read, 2 write, 1 execute or enter) on a file, as
 * the kernel decides from owner, group and mode. PostgreSQL's processes are spawned with the postgres
 * user's uid and primary gid only (libuv drops supplementary groups), so no other group counts.
 */
export function permits(file: FileMode, who: RunAs, bits: number): boolean {
  if (who.uid === 0) return true;
  const shift = file.uid === who.uid ? 6 : file.gid === who.gid ? 3 : 0;
  return ((file.mode >> shift) & bits) === bits;
}

/** Every directory from the root down to the one holding `target`. */
export function directoriesAbove(target: string): string[] {
  const dirs: string[] = [];
  const root = parse(target).root;
  for (let dir = dirname(target); ; dir = dirname(dir)) {
    dirs.unshift(dir);
    if (dir === root || dirname(dir) === dir) break;
  }
  return dirs;
}

/**
 * The first directory on the way to `target` that `who` cannot enter, or null when every one can be
 * (a directory that does not exist yet is left to be created).
 */
export function blockedDirectory(target: string, who: RunAs, stat: (path: string) => FileMode | undefined): (FileMode & { dir: string }) | null {
  for (const dir of directoriesAbove(target)) {
    const st = stat(dir);
    if (!st) return null;
    if (!permits(st, who, 1)) return { dir, ...st };
  }
  return null;
}

/** "0700", as chmod writes it. */
export function octalMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
