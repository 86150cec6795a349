import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findTemplatesDir } from '../common/web/template-dir.js';

/**
 * The JSON Schemas of the report's JSON, one per schemaVersion, shipped in docs/open-data/ (the
 * documentation and the served files are the same bytes). Read once: they change only with a release.
 */
let schemas: Map<string, string> | null = null;

export function openDataSchemas(): Map<string, string> {
  if (!schemas) {
    const dir = join(dirname(findTemplatesDir()), 'docs', 'open-data');
    schemas = new Map(
      readdirSync(dir)
        .filter((f) => /^report-v\d+\.schema\.json$/.test(f))
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
  }
  return schemas;
}

/** The file name of the schema a report's JSON follows. */
export const schemaFileOf = (schemaVersion: number) => `report-v${schemaVersion}.schema.json`;
