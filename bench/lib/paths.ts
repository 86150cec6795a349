import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository's root, found from this file whether it runs from bench/ (tests) or dist/bench/. */
export function repoRoot(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'main.ts'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found');
}

/** Whether this code runs compiled (dist/bench/...) rather than from the TypeScript sources. */
export function runningCompiled(): boolean {
  return here.includes(`${sep}dist${sep}bench`);
}

/**
 * The node arguments that start the real app: `dist/src/main.js` when running compiled (`npm run soak`),
 * else `src/main.ts` through SWC (the jest suite has no build step; see ts-hooks.mjs).
 */
export function appArguments(): string[] {
  const root = repoRoot();
  if (runningCompiled()) return [join(root, 'dist', 'src', 'main.js')];
  return ['--import', pathToFileURL(join(root, 'bench', 'ts-register.mjs')).href, join(root, 'src', 'main.ts')];
}
