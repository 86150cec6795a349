import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/**
 * Validates a report's JSON against the JSON Schema of its schemaVersion, shipped in docs/open-data/
 * (the files the site serves): the errors, or [] when the document follows its schema.
 */
export function openDataErrors(json: { schemaVersion?: unknown }, schemaText?: string): string[] {
  const text = schemaText ?? readFileSync(new URL(`../../docs/open-data/report-v${String(json.schemaVersion)}.schema.json`, import.meta.url), 'utf8');
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  (formats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(text));
  return validate(json) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
