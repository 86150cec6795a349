// `npm run tremplin -- <command>`: builds only when the sources changed since the last build (a
// build takes most of a minute on a small machine), then runs the operations command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const built = 'dist/src/cli/tremplin.js';
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
const stale = !existsSync(built) || Math.max(newest('src'), newest('migrations'), statSync('package.json').mtimeMs) > statSync(built).mtimeMs;
if (stale) {
  const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [built, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
