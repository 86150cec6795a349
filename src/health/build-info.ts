import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  /** The git commit of the build, when known. */
  commit: string | null;
}

/**
 * The version from package.json and the commit from GIT_COMMIT, else from the `build-info.json` that
 * `npm run build` writes into dist/ (see scripts/write-build-info.ts); found from this file whether it
 * runs from src/ (tests) or dist/src/.
 */
export function readBuildInfo(gitCommit?: string): BuildInfo {
  let dir = dirname(fileURLToPath(import.meta.url));
  let commit: string | null = gitCommit ?? null;
  for (let i = 0; i < 6; i++) {
    const info = join(dir, 'build-info.json');
    if (!commit && existsSync(info)) {
      try {
        const parsed = JSON.parse(readFileSync(info, 'utf8')) as { commit?: unknown };
        if (typeof parsed.commit === 'string' && /^[0-9a-f]{7,40}$/.test(parsed.commit)) commit = parsed.commit;
      } catch {
        // An unreadable file only means the commit is unknown.
      }
    }
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string };
      return { version: version ?? 'unknown', commit };
    }
    dir = dirname(dir);
  }
  return { version: 'unknown', commit };
}
