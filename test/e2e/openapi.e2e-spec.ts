import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * Issue 23: the document integrators build on. Every API route the router serves is in the
 * published document with a summary and a tag; the published document is the committed one.
 * A route added without `@ApiOperation({ summary, description })` fails here (then `npm run openapi`).
 */
type Op = { summary?: string; description?: string; tags?: string[] };

describe('the published OpenAPI document', () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Op>>; tags: Array<{ name: string; description?: string }> };

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as typeof doc;
  });
  afterAll(() => t.close());

  it('is served at /api/docs-json as committed in docs/openapi.json (else run `npm run openapi`)', () => {
    expect(doc).toEqual(JSON.parse(readFileSync('docs/openapi.json', 'utf8')));
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every /api route of the router with a summary, a description and a declared tag', () => {
    const router = (t.app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } })
      .router;
    const routes = router.stack
      .filter((layer) => layer.route)
      .flatMap((layer) => Object.keys(layer.route!.methods).map((method) => ({ method, path: layer.route!.path })))
      .filter((r) => r.path.startsWith('/api/') && !r.path.startsWith('/api/docs'));
    expect(routes.length).toBeGreaterThan(100);
    const tags = new Map(doc.tags.map((tag) => [tag.name, tag.description]));
    const undocumented = routes
      .map(({ method, path }) => {
        const template = path.replace(/:(\w+)/g, '{$1}');
        const shape = template.replace(/\{[^}]+\}/g, '{}');
        const item = Object.entries(doc.paths).find(([p]) => p.replace(/\{[^}]+\}/g, '{}') === shape)?.[1];
        const op = item?.[method];
        if (!op) return `${method.toUpperCase()} ${path}: not in the document`;
        if (!op.summary || !op.description) return `${method.toUpperCase()} ${path}: no summary or description`;
        if (op.tags?.length !== 1 || !tags.get(op.tags[0])) return `${method.toUpperCase()} ${path}: not one declared tag (${op.tags?.join(',')})`;
        return undefined;
      })
      .filter(Boolean);
    expect(undocumented).toEqual([]);
  });

  it('answers its own problems as documented (a contract check of a 404 and a 400)', async () => {
    const missing = await t.http().get('/api/programmes/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    const bad = await t.http().post('/api/platform/sign-in-links').send({ email: 'not an address' });
    expect(bad.status).toBe(400);
  });
});
