import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/**
 * The contract test: every JSON answer the e2e tests receive is validated against docs/openapi.json
 * (the operation found by method and path, the answer by status and media type). Mismatches are
 * collected per test; test/setup/contract-hooks.ts fails the test that received them.
 * `CONTRACT_CHECK=off` turns it off (e.g. to see a test's own failure first).
 */
type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  responses: Record<string, Json>;
}
interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  op: Operation;
}

const DOC_URL = new URL('../../docs/openapi.json', import.meta.url);
let state: { doc: Json; routes: Route[]; ajv: Ajv2020; compiled: Map<string, ValidateFunction> } | undefined;

function load() {
  if (state) return state;
  const doc = JSON.parse(readFileSync(DOC_URL, 'utf8')) as Json;
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  (formats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...doc, $id: 'openapi' } as Json);
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>))
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const source = template.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`)).replace(/\{[^}]+\}/g, '[^/]+');
      routes.push({ method, template, pattern: new RegExp(`^${source}$`), op });
    }
  // A literal segment beats a parameter (`/jury/me` before `/jury/{memberId}`).
  routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  state = { doc, routes, ajv, compiled: new Map() };
  return state;
}

const pointer = (parts: string[]) => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Why this answer does not follow the document, or undefined when it does (or is not documented JSON). */
export function contractProblem(method: string, url: string, status: number, contentType: string, body: string): string | undefined {
  const media = contentType.split(';')[0].trim().toLowerCase();
  if (media !== 'application/json' && media !== 'application/problem+json') return undefined;
  const { doc, routes, ajv, compiled } = load();
  const path = url.split('?')[0].replace(/^\/t\/[^/]+(?=\/)/, '');
  const route = routes.find((r) => r.method === method.toLowerCase() && r.pattern.test(path));
  if (!route) return undefined; // pages, assets, unknown routes: not part of the API
  // An unexpected error (500) is a bug the test itself sees, not part of the contract (503 is).
  if (status >= 500 && status !== 503) return undefined;
  const where = `${method.toUpperCase()} ${route.template} → ${status} (${route.op.operationId})`;
  let response = route.op.responses[String(status)];
  let responsePointer = ['paths', route.template, route.method, 'responses', String(status)];
  if (!response) return `${where}: status ${status} is not documented`;
  const ref = response.$ref as string | undefined;
  if (ref) {
    const name = ref.replace('#/components/responses/', '');
    response = ((doc.components as Json).responses as Record<string, Json>)[name];
    responsePointer = ['components', 'responses', name];
  }
  const content = response.content as Record<string, { schema?: Json }> | undefined;
  if (!content?.[media]) return `${where}: no ${media} answer is documented (has: ${Object.keys(content ?? {}).join(', ') || 'none'})`;
  if (!content[media].schema) return undefined;
  const key = pointer([...responsePointer, 'content', media, 'schema']);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi${key}` });
    compiled.set(key, validate);
  }
  let json: unknown;
  try {
    json = body.length ? JSON.parse(body) : undefined;
  } catch {
    return `${where}: the body is not JSON`;
  }
  if (validate(json)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  const code = (json as { code?: unknown } | undefined)?.code;
  return `${where}: ${errors.join('; ')}${typeof code === 'string' ? ` (code ${code})` : ''}`;
}

const MISMATCHES: string[] = ((globalThis as { __contractMismatches?: string[] }).__contractMismatches ??= []);

/** The mismatches seen since the last call (and forgets them). */
export function takeContractMismatches(): string[] {
  return MISMATCHES.splice(0);
}

/** Validates every answer of this server (installed by startTestApp before any request). */
export function installContractCheck(server: Server): void {
  if (process.env.CONTRACT_CHECK === 'off') return;
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as typeof res.end;
    res.on('finish', () => {
      try {
        const problem = contractProblem(
          req.method ?? 'GET',
          req.url ?? '/',
          res.statusCode,
          String(res.getHeader('content-type') ?? ''),
          Buffer.concat(chunks).toString('utf8'),
        );
        if (problem) MISMATCHES.push(problem);
      } catch (err) {
        MISMATCHES.push(`${req.method} ${req.url}: the contract check failed: ${(err as Error).message}`);
      }
    });
    for (const listener of listeners) listener.call(server, req, res);
  });
}
