/**
 * Writes docs/openapi.json from the application's controllers (no database needed). Part of
 * `npm run openapi` (after the response schemas, before the typed client's types).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { previewOpenApiDocument, serializeOpenApiDocument } from '../src/openapi/openapi.preview.js';
import { testConfig } from '../test/setup/test-app.js';

const ROOT = resolve(import.meta.dirname, '..');
const doc = await previewOpenApiDocument(testConfig());
writeFileSync(resolve(ROOT, 'docs/openapi.json'), serializeOpenApiDocument(doc));
console.log(`docs/openapi.json: ${Object.keys(doc.paths).length} paths`);
process.exit(0);
