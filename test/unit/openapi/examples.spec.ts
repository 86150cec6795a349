import type { OpenAPIObject } from '@nestjs/swagger';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { SCHEMA_EXAMPLES } from '../../../src/openapi/examples.js';
import { previewOpenApiDocument } from '../../../src/openapi/openapi.preview.js';
import { testConfig } from '../../setup/test-app.js';

/**
 * The examples of src/openapi/examples.ts follow their schemas (as the contract check reads them: the whole
 * document as one JSON Schema resource), so an example cannot drift from what the code answers. Here the
 * objects are closed (no member the schema does not name), so a member the code no longer has fails too.
 */
let doc: OpenAPIObject;

/** Every object schema that lists its members refuses others (but for the parts of an `allOf`). */
function closed<T>(value: T, inAllOf = false): T {
  if (Array.isArray(value)) value.forEach((v) => closed(v, inAllOf));
  else if (value && typeof value === 'object') {
    const schema = value as Record<string, unknown>;
    if (schema.properties && typeof schema.properties === 'object' && !('additionalProperties' in schema) && !inAllOf) schema.additionalProperties = false;
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'allOf') (v as unknown[]).forEach((part) => closed(part, true));
      else if (k === 'properties' && v && typeof v === 'object') for (const member of Object.values(v)) closed(member);
      else closed(v);
    }
  }
  return value;
}
let ajv: Ajv2020;

beforeAll(async () => {
  doc = await previewOpenApiDocument(testConfig());
  ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  (formats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...closed(structuredClone(doc)), $id: 'openapi' } as Record<string, unknown>);
}, 60_000);

const schemas = () => (doc.components?.schemas ?? {}) as Record<string, { examples?: unknown[] }>;

describe('the examples of the OpenAPI document', () => {
  it('name schemas of the document, which carry them', () => {
    expect(Object.keys(SCHEMA_EXAMPLES).filter((name) => !schemas()[name])).toEqual([]);
    for (const [name, example] of Object.entries(SCHEMA_EXAMPLES)) expect(schemas()[name].examples).toEqual([example]);
  });

  it('cover the resources an integrator meets first', () => {
    const main = [
      'ProgrammeViewDto',
      'CallView',
      'ApplicationView',
      'JuryView',
      'BallotView',
      'JuryResultsView',
      'OutcomeView',
      'LaureateView',
      'MilestoneView',
    ];
    main.push('CampaignView', 'PublicCampaignView', 'ContributionView', 'PartnerView', 'MatchBudgetView', 'PrivacyRequestView');
    expect(main.filter((name) => !(name in SCHEMA_EXAMPLES))).toEqual([]);
  });

  it.each(Object.keys(SCHEMA_EXAMPLES))('%s follows its schema', (name) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${name}`) ?? ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
    const ok = validate(SCHEMA_EXAMPLES[name]);
    expect(ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)).toEqual([]);
  });

  it('of problem answers follow the schema of their response and say what the API answers for that status', () => {
    const responses = (doc.components?.responses ?? {}) as Record<string, { content?: Record<string, { schema: object; example?: { status?: number } }> }>;
    const problems = Object.entries(responses).filter(([name]) => /Problem\d{3}$/.test(name));
    expect(problems.length).toBeGreaterThan(50);
    const bad: string[] = [];
    for (const [name, response] of problems) {
      const content = response.content?.['application/problem+json'];
      if (!content?.example) {
        bad.push(`${name}: no example`);
        continue;
      }
      if (content.example.status !== Number(name.slice(-3))) bad.push(`${name}: example of status ${content.example.status}`);
      const validate = ajv.compile({ $ref: `openapi#/components/responses/${name}/content/application~1problem+json/schema` });
      if (!validate(content.example)) bad.push(`${name}: ${JSON.stringify(validate.errors)}`);
    }
    expect(bad).toEqual([]);
  });

  it('keep money in whole cents', () => {
    const bad: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}/${i}`));
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          if (/Cents$/.test(k) && v !== null && !Number.isInteger(v)) bad.push(`${path}/${k}`);
          walk(v, `${path}/${k}`);
        }
    };
    walk(SCHEMA_EXAMPLES, '');
    expect(bad).toEqual([]);
  });
});
