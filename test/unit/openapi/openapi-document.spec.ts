import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CATALOGUE, ERRORS_BY_MODULE } from '../../../src/error-catalogue.js';
import { previewOpenApiDocument, serializeOpenApiDocument } from '../../../src/openapi/openapi.preview.js';
import { TAGS } from '../../../src/openapi/openapi.tags.js';
import { GENERATED_FILE, responseSchemasSource } from '../../../scripts/openapi-response-schemas.js';
import { testConfig } from '../../setup/test-app.js';

/**
 * The OpenAPI document, built without a database (Nest's preview mode). After merging a branch that
 * adds routes, this file says which are undocumented; `npm run openapi` regenerates the committed files.
 */
const ROOT = process.cwd();
const REGENERATE = 'run `npm run openapi` and commit docs/openapi.json and src/openapi/response-schemas.generated.ts';
type Op = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
};

let doc: OpenAPIObject;
const operations: Array<{ method: string; path: string; op: Op }> = [];

beforeAll(async () => {
  doc = await previewOpenApiDocument(testConfig());
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) if (op && typeof op === 'object' && 'responses' in op) operations.push({ method, path, op: op as Op });
}, 60_000);

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the opaque bearer token and the shared Problem schema', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((doc.components?.securitySchemes?.bearer as { bearerFormat?: string }).bearerFormat).not.toMatch(/JWT/i);
    expect(doc.components?.schemas?.Problem).toBeDefined();
  });

  it('gives every operation a summary, a description, one tag of a module and a security rule', () => {
    const declared = new Map(TAGS.map((t) => [t.name, t.description]));
    const bad = operations
      .filter(({ op }) => !op.summary?.trim() || !op.description?.trim() || op.tags?.length !== 1 || !declared.get(op.tags[0]) || !Array.isArray(op.security))
      .map(({ method, path, op }) => `${method.toUpperCase()} ${path} (${op.operationId}): summary=${op.summary ?? '-'} tags=${op.tags?.join(',') ?? '-'}`);
    // A new route needs @ApiOperation({ summary, description }) on its method; a new module a line in src/openapi/openapi.tags.ts.
    expect(bad).toEqual([]);
    expect(doc.tags?.every((t) => t.description)).toBe(true);
  });

  it('marks public routes public and the others as needing the bearer token', () => {
    const byId = new Map(operations.map(({ op }) => [op.operationId, op]));
    expect(byId.get('CampaignsController_contribute')?.security).toEqual([]);
    expect(byId.get('ProgrammesController_list')?.security).toEqual([]);
    expect(byId.get('ProgrammesController_create')?.security).toEqual([{ bearer: [] }]);
    expect(byId.get('PlatformController_create')?.security).toEqual([{ platform: [] }]);
  });

  it('documents an answer schema for every success that has a body, and problems as application/problem+json', () => {
    const missing: string[] = [];
    for (const { method, path, op } of operations)
      for (const [status, res] of Object.entries(op.responses)) {
        if (/^2/.test(status) && status !== '204' && status !== '202' && !res.content) missing.push(`${method.toUpperCase()} ${path} ${status}`);
        if (/^[45]/.test(status) && !res.$ref?.startsWith('#/components/responses/') && !res.content)
          missing.push(`${method.toUpperCase()} ${path} ${status}: not a shared problem`);
      }
    expect(missing).toEqual([]);
    for (const res of Object.values(doc.components?.responses ?? {}))
      expect(Object.keys((res as { content: object }).content)).toEqual(['application/problem+json']);
  });

  it('lists every declared error code under the module that declares it', () => {
    const listed = new Set(Object.values(ERRORS_BY_MODULE).flatMap((codes) => Object.keys(codes)));
    // A module's new <module>.errors.ts must be added to ERRORS_BY_MODULE (src/error-catalogue.ts).
    expect(Object.keys(ERROR_CATALOGUE).filter((c) => !listed.has(c))).toEqual([]);
  });

  it('is the committed docs/openapi.json (' + REGENERATE + ')', () => {
    expect(readFileSync(resolve(ROOT, 'docs/openapi.json'), 'utf8')).toBe(serializeOpenApiDocument(doc));
  });

  it(
    'has the response schemas of the controllers as they are (' + REGENERATE + ')',
    () => {
      expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(responseSchemasSource());
    },
    60_000,
  );

  it('passes the Redocly linter with no error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, serializeOpenApiDocument(doc));
    let output = '';
    try {
      output = execFileSync(process.execPath, [resolve(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--format=json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    const report = JSON.parse(output.slice(output.indexOf('{'))) as {
      problems: Array<{ severity: string; message: string; location: Array<{ pointer: string }> }>;
    };
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => `${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  }, 60_000);
});
