import { componentNames } from '../../../scripts/openapi-response-schemas.js';
import { COMPONENT_SCHEMAS, RESPONSE_SCHEMAS } from '../../../src/openapi/response-schemas.generated.js';

/** The named answer schemas the generator draws from the TypeScript types (scripts/openapi-response-schemas.ts). */
describe('the named answer schemas', () => {
  it('are named after their types, told apart by module then by a number when two types share a name', () => {
    const names = componentNames([
      { key: 'jury/b.ts#Summary', name: 'Summary', file: 'jury/b.ts' },
      { key: 'campaigns/a.ts#Summary', name: 'Summary', file: 'campaigns/a.ts' },
      { key: 'jury/a.ts#Summary', name: 'Summary', file: 'jury/a.ts' },
      { key: 'jury/c.ts#JurySummary', name: 'JurySummary', file: 'jury/c.ts' },
      { key: 'applications/x.ts#ApplicationView', name: 'ApplicationView', file: 'applications/x.ts' },
    ]);
    expect(Object.fromEntries(names)).toEqual({
      'applications/x.ts#ApplicationView': 'ApplicationView',
      'jury/c.ts#JurySummary': 'JurySummary',
      'campaigns/a.ts#Summary': 'CampaignsSummary',
      'jury/a.ts#Summary': 'JurySummary2',
      'jury/b.ts#Summary': 'JurySummary3',
    });
  });

  it('give the application view one schema that every route answering it refers to', () => {
    const ref = { $ref: '#/components/schemas/ApplicationView' };
    for (const op of ['ApplicationsController_decide', 'ApplicationsController_correction', 'ApplicationsController_start'])
      expect(RESPONSE_SCHEMAS[op]).toEqual(ref);
    // A route that adds members to the view answers the view and its own members.
    expect((RESPONSE_SCHEMAS.ApplicationsController_get as { allOf?: unknown[] }).allOf?.[0]).toEqual(ref);
  });

  it('refer only to schemas that exist, with PascalCase names', () => {
    const refs = JSON.stringify({ RESPONSE_SCHEMAS, COMPONENT_SCHEMAS }).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    expect([...new Set(refs)].map((r) => r.slice('#/components/schemas/'.length)).filter((n) => !(n in COMPONENT_SCHEMAS))).toEqual([]);
    expect(Object.keys(COMPONENT_SCHEMAS).filter((n) => !/^[A-Z][A-Za-z0-9]*$/.test(n))).toEqual([]);
  });

  it('give amounts in cents as integers', () => {
    const bad: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}/${i}`));
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          if (/Cents$/.test(k) && path.endsWith('/properties') && JSON.stringify(v).includes('"number"')) bad.push(`${path}/${k}`);
          walk(v, `${path}/${k}`);
        }
    };
    walk({ RESPONSE_SCHEMAS, COMPONENT_SCHEMAS }, '');
    expect(bad).toEqual([]);
  });
});
