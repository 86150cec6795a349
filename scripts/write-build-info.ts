/**
 * Run by `npm run build` after compiling: writes dist/build-info.json with the commit being built, which
 * /healthz/ready shows. The commit comes from GIT_COMMIT (set by CI or `docker build --build-arg`),
 * else from git; without either it is null (the image builds without the .git folder).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function commit(): string | null {
  const fromEnv = process.env.GIT_COMMIT?.trim().toLowerCase();
  if (fromEnv && /^[0-9a-f]{7,40}$/.test(fromEnv)) return fromEnv;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

const file = join(process.cwd(), 'dist', 'build-info.json');
writeFileSync(file, `${JSON.stringify({ commit: commit(), builtAt: new Date().toISOString() }, null, 2)}\n`);
