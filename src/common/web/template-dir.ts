import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's templates/ folder, found from this file whether it runs from src/ (tests) or dist/src/. */
export function findTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'templates', 'layouts'))) return join(dir, 'templates');
    dir = dirname(dir);
  }
  throw new Error('templates/ folder not found');
}
