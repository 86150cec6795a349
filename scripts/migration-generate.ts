/**
 * Prints the SQL that would bring a database migrated with migrations/ in line with the entities:
 * the draft of the next migration, to be read and edited by hand (names, indexes, constraints).
 * Usage: npm run build && node dist/scripts/migration-generate.js <PascalName>
 * Exits 1 when there is a difference (the drift check of the test suite uses the same function).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pendingSchemaChanges } from '../src/database/schema-drift.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/migrate.js';

const name = process.argv[2];
if (name) {
  const dir = mkdtempSync(join(tmpdir(), 'tremplin-gen-'));
  const db = await startEmbeddedPostgres(dir, { persistent: false, log: () => {} });
  try {
    await runMigrations(db.url);
    const { up, down } = await pendingSchemaChanges(db.url);
    if (!up.length) {
      console.log('No change: the migrations match the entities.');
    } else {
      const ts = Date.now();
      const q = (s: string) => '    await q.query(`' + s.replace(/`/g, '\\`') + '`);';
      const file = `migrations/${ts}-${name}.ts`;
      writeFileSync(
        file,
        `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${ts} implements MigrationInterface {
  name = '${name}${ts}';

  async up(q: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${down.reverse().map(q).join('\n')}
  }
}
`,
      );
      console.log(`Wrote ${file}: read it, edit it, and add it to migrations/index.ts.`);
    }
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
