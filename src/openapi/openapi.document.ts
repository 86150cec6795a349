import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { accessOf, type Access } from '../auth/roles.guard.js';
import { ERRORS_BY_MODULE } from '../error-catalogue.js';
import { PROBLEM_SCHEMA, problemResponseName, problemResponses, type ProblemStatus } from './openapi.problems.js';
import { addComponentSchemas, integerMoney } from './openapi.schemas.js';
import { RESPONSE_SCHEMAS } from './response-schemas.generated.js';
import { TAGS } from './openapi.tags.js';

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Schema[];
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }>;
};

/** A route handler of the router, as the document names it (`<Controller>_<method>`). */
export interface RouteHandler {
  operationId: string;
  module: string;
  controller: Function;
  handler: Function;
  access: Access | undefined;
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Every controller method of the application, by its operation id, with its module and access rule. */
export function routeHandlers(app: INestApplication): Map<string, RouteHandler> {
  const out = new Map<string, RouteHandler>();
  for (const mod of app.get(ModulesContainer).values()) {
    const module = kebab(mod.metatype.name.replace(/Module$/, ''));
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Function | null;
      if (!controller) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
        if (typeof handler !== 'function' || Reflect.getMetadata('path', handler) === undefined) continue;
        out.set(`${controller.name}_${name}`, {
          operationId: `${controller.name}_${name}`,
          module,
          controller,
          handler,
          access: accessOf(handler, controller),
        });
      }
    }
  }
  return out;
}

const ROLE_WORDS: Record<string, string> = {
  staff: 'staff of the authority',
  juror: 'a juror of the programme',
  coach: 'a coach of the programme',
  partner: 'a partner of the programme',
  applicant: 'an applicant (a laureate once selected)',
  platform_admin: 'a platform admin',
};

function accessSentence(access: Access | undefined): string {
  if (!access) return 'Closed: no access rule is declared.';
  if ('public' in access) return 'Public: no token needed.';
  if ('platform' in access) return 'Platform admins only (bearer token `tpp_…`).';
  if ('signedIn' in access) return 'Any signed-in person of the authority (bearer token `tpl_…`).';
  return `Who may call: ${access.roles.map((r) => ROLE_WORDS[r] ?? r).join(', or ')} (bearer token \`tpl_…\`).`;
}

const SUCCESS_TEXT: Record<string, string> = {
  '200': 'Done: the resource as it is now.',
  '201': 'Created.',
  '202': 'Accepted: the e-mail (if any) is on its way.',
  '204': 'Done (no content).',
};

/** Query parameters shared by the lists: one definition each (`components.parameters`). */
const SHARED_PARAMETERS: Record<string, Schema> = {
  limit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Pagination: how many items a page holds.',
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
  offset: {
    name: 'offset',
    in: 'query',
    required: false,
    description: 'Pagination: how many items to skip.',
    schema: { type: 'integer', minimum: 0, default: 0 },
  },
  page: {
    name: 'page',
    in: 'query',
    required: false,
    description: 'Pagination: the page number, from 1 (25 items a page).',
    schema: { type: 'integer', minimum: 1, default: 1 },
  },
  before: {
    name: 'before',
    in: 'query',
    required: false,
    description: 'Pagination (newest first): the cursor `nextBefore` of the previous page.',
    schema: { type: 'string' },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'A unique key per intended action (e.g. a UUID): retrying with the same key answers the first result instead of acting twice.',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
    example: '6f1c2a9e-0d4b-4c1e-9a7f-2b3c4d5e6f70',
  },
  IdempotencyKeyRequired: {
    name: 'Idempotency-Key',
    in: 'header',
    required: true,
    description: 'Required. A unique key per intended action (e.g. a UUID): retrying with the same key answers the first result.',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
    example: '6f1c2a9e-0d4b-4c1e-9a7f-2b3c4d5e6f70',
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'The `ETag` of a previous answer: 304 without a body when nothing changed.',
    schema: { type: 'string' },
  },
};

const HEADERS: Record<string, Schema> = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 }, example: 30 },
  ETag: {
    description: 'A validator of this answer: send it back as `If-None-Match` to get 304 when nothing changed.',
    schema: { type: 'string' },
    example: 'W/"1f-3kVvN2sIKfJ4mQo"',
  },
};

/** Routes limited per address or person (429 RATE_LIMITED / INVITATION_TOO_SOON). */
const RATE_LIMITED = new Set([
  'AuthController_requestLink',
  'AuthController_consume',
  'AuthController_token',
  'PlatformController_requestLink',
  'PlatformController_consume',
  'PeopleController_resend',
  'PrivacyController_askLink',
  'CampaignsController_contribute',
  'ApplicationsController_save', // a new contact address is e-mailed a link, so often at most
]);

/**
 * The codes a module's routes may answer beside its own: those of the modules it calls (its row of the
 * dependency table in docs/architecture.md, restricted to modules that declare codes).
 */
const ALSO_RAISES: Record<string, string[]> = {
  me: ['auth', 'jury', 'privacy', 'programmes'],
  people: ['auth', 'programmes', 'tenants'],
  platform: ['auth', 'tenants'],
  reports: ['applications', 'auth', 'coaching', 'jury', 'programmes', 'tenants'],
  public: ['auth', 'campaigns', 'programmes', 'tenants'],
  campaigns: ['applications', 'auth', 'jury', 'partners', 'privacy', 'programmes', 'tenants'],
  partners: ['applications', 'auth', 'coaching', 'jury', 'privacy', 'programmes', 'tenants'],
  coaching: ['applications', 'auth', 'jury', 'privacy', 'programmes', 'tenants'],
  jury: ['applications', 'auth', 'privacy', 'programmes', 'tenants'],
  applications: ['auth', 'privacy', 'programmes', 'tenants'],
  privacy: ['auth', 'programmes', 'tenants'],
  programmes: ['auth', 'tenants'],
  health: ['auth'],
  auth: ['programmes', 'tenants'],
  tenants: ['auth'],
  storage: ['auth', 'tenants'],
};

function problemStatuses(path: string, method: string, op: Operation, route: RouteHandler | undefined): ProblemStatus[] {
  const statuses: ProblemStatus[] = [];
  const hasBody = Boolean(op.requestBody);
  const params = op.parameters ?? [];
  const secured = (op.security?.length ?? 0) > 0;
  const tenantless = route?.module === 'health';
  // Any route of an authority may refuse its input (a malformed id, a bad query) and its state (409).
  if (!tenantless || hasBody || params.length) statuses.push(400);
  // A public route still refuses an expired or unknown token (and a wrong password): 401 everywhere but health.
  if (secured || route?.module !== 'health') statuses.push(401);
  // Every route of an authority may answer 403 TENANT_SUSPENDED and 404 TENANT_UNKNOWN (an unknown host).
  if (!tenantless || (route?.access && ('roles' in route.access || 'platform' in route.access))) statuses.push(403);
  if (!tenantless || /\{[^}]+\}/.test(path)) statuses.push(404);
  if (!tenantless) statuses.push(409);
  if (hasBody || method !== 'get') statuses.push(413);
  if (route && RATE_LIMITED.has(route.operationId)) statuses.push(429);
  statuses.push(503);
  return statuses;
}

/** Binary answers of routes that write the response themselves (exports, files, feeds). */
function binaryContent(path: string): Record<string, { schema: Schema }> | undefined {
  const bin = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } };
  if (path.endsWith('.csv')) return { 'text/csv': { schema: { type: 'string' } } };
  if (path.endsWith('.zip')) return { 'application/zip': bin };
  if (path.endsWith('.ics')) return { 'text/calendar': { schema: { type: 'string' } } };
  if (/\/export$|\/export\/evaluations$/.test(path))
    return {
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': bin,
      'text/csv': { schema: { type: 'string' } },
    };
  if (/\/files?(\/\{[^}]+\})?$/.test(path)) return { 'application/octet-stream': bin };
  return undefined;
}

function enrichOperation(doc: OpenAPIObject, path: string, method: string, op: Operation, routes: Map<string, RouteHandler>): void {
  const route = op.operationId ? routes.get(op.operationId) : undefined;
  if (route) op.tags = [route.module];
  // Security: public routes say so with an empty requirement; the rest need the opaque bearer token.
  if (route?.access && 'public' in route.access) op.security = [];
  else if (route?.access && 'platform' in route.access) op.security = [{ platform: [] }];
  else op.security = [{ bearer: [] }];
  op.description = [op.description, accessSentence(route?.access)].filter(Boolean).join('\n\n');

  // Parameters: shared pagination and idempotency definitions.
  op.parameters = (op.parameters ?? []).map((p) => {
    const name = String(p.name);
    if (p.in === 'query' && name in SHARED_PARAMETERS) return { $ref: `#/components/parameters/${name}` };
    if (p.in === 'header' && name.toLowerCase() === 'idempotency-key')
      return {
        $ref: `#/components/parameters/${p.required && route?.operationId === 'CampaignsController_contribute' ? 'IdempotencyKeyRequired' : 'IdempotencyKey'}`,
      };
    if (p.in === 'query' && p.required === true && !('description' in p)) return { ...p, required: false };
    return p;
  });

  // Success answers: a description, the generated schema, ETag on JSON reads.
  for (const [status, res] of Object.entries(op.responses)) {
    if (!/^2/.test(status)) continue;
    if (!res.description) res.description = SUCCESS_TEXT[status] ?? 'Done.';
    const generated = route ? RESPONSE_SCHEMAS[route.operationId] : undefined;
    const binary = method === 'get' ? binaryContent(path) : undefined;
    if (!res.content && status !== '204') {
      if (binary) res.content = binary;
      else if (generated) res.content = { 'application/json': { schema: generated } };
    }
    if (method === 'get' && res.content?.['application/json']) {
      res.headers = { ...res.headers, ETag: { $ref: '#/components/headers/ETag' } };
      if (!op.parameters.some((p) => p.$ref === '#/components/parameters/IfNoneMatch')) op.parameters.push({ $ref: '#/components/parameters/IfNoneMatch' });
    }
  }
  // A replayed Idempotency-Key answers the first result with 200 instead of 201.
  if (op.responses['201']?.content && op.parameters.some((p) => p.$ref === '#/components/parameters/IdempotencyKeyRequired'))
    op.responses['200'] = { ...op.responses['201'], description: 'The same Idempotency-Key was sent before: the first result, unchanged.' };
  if (method === 'get' && op.parameters.some((p) => p.$ref === '#/components/parameters/IfNoneMatch'))
    op.responses['304'] = { description: 'Not modified (the `If-None-Match` matched).' };

  // Problems: the module's reusable problem responses.
  const module = route?.module ?? 'common';
  const responses = (doc.components!.responses ??= {}) as Record<string, unknown>;
  const available = problemResponses(module, ERRORS_BY_MODULE, ALSO_RAISES[module] ?? []);
  for (const status of problemStatuses(path, method, op, route)) {
    const name = problemResponseName(module, status);
    // A route that documents an answer of its own for this status (e.g. readiness's 503 body) keeps it.
    if (op.responses[String(status)]?.content) continue;
    responses[name] ??= available[name];
    op.responses[String(status)] = { $ref: `#/components/responses/${name}` } as never;
  }
}

/**
 * Paths that differ only by their parameters' names (`/files/{questionKey}` for POST, `/files/{fileId}`
 * for GET) are one path to OpenAPI: the later ones are merged into the first, their parameters renamed.
 */
function mergeIdenticalPaths(doc: OpenAPIObject): void {
  const seen = new Map<string, string>();
  for (const path of Object.keys(doc.paths)) {
    const shape = path.replace(/\{[^}]+\}/g, '{}');
    const first = seen.get(shape);
    if (!first) {
      seen.set(shape, path);
      continue;
    }
    const names = [...first.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const theirs = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const op of Object.values(doc.paths[path]) as Operation[])
      for (const p of op.parameters ?? []) {
        const i = p.in === 'path' ? theirs.indexOf(String(p.name)) : -1;
        if (i >= 0 && names[i] !== p.name) {
          p.description = [`The ${String(p.name)} (for this method).`, p.description].filter(Boolean).join(' ');
          p.name = names[i];
        }
      }
    Object.assign(doc.paths[first], doc.paths[path]);
    delete doc.paths[path];
  }
}

const DESCRIPTION = `The API of Tremplin, a white-label platform a local authority uses to run a call for projects and the crowdfunding campaigns of its laureates.

Every path is served per authority: by its host (e.g. \`https://projets.lumiere.fr/api/...\`) or under the \`/t/<slug>\` prefix. Send \`Accept-Language\` (one of the authority's languages) to get messages in that language.

Authentication: an opaque bearer token \`tpl_…\` (not a JWT), obtained by exchanging an e-mailed sign-in link (\`POST /api/auth/sign-in-links\`, then \`POST /api/auth/sign-in-links/consume\`) or a password (\`POST /api/auth/tokens\`). Routes marked public need none.

Errors are \`application/problem+json\` (RFC 9457) with a stable \`code\`; each operation lists the codes it may answer. Writes that must not happen twice take an \`Idempotency-Key\` header. 429 and 503 answers carry \`Retry-After\`.`;

/** The whole OpenAPI 3.1 document of the application (served at /api/docs-json, written to docs/openapi.json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Tremplin API')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .setLicense('AGPL-3.0-or-later', 'https://www.gnu.org/licenses/agpl-3.0.html')
    .addServer('/', 'The authority serving this host')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque token tpl_…', description: 'An opaque API token `tpl_…` (not a JWT).' }, 'bearer')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque token tpp_…',
        description: 'A platform admin token `tpp_…`, valid on /api/platform on any host.',
      },
      'platform',
    );
  for (const tag of TAGS) builder.addTag(tag.name, tag.description);
  const doc = SwaggerModule.createDocument(app, builder.build());
  const routes = routeHandlers(app);
  mergeIdenticalPaths(doc);
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, Problem: PROBLEM_SCHEMA };
  doc.components.parameters = { ...SHARED_PARAMETERS } as never;
  doc.components.headers = { ...HEADERS } as never;
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item))
      if (op && typeof op === 'object' && 'responses' in op) enrichOperation(doc, path, method, op as Operation, routes);
  addComponentSchemas(doc);
  integerMoney(doc);
  // Only the tags in use, each declared once.
  const used = new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => (op as Operation).tags ?? [])));
  doc.tags = (doc.tags ?? []).filter((t) => used.has(t.name));
  for (const name of used) if (!doc.tags.some((t) => t.name === name)) doc.tags.push({ name });
  return doc;
}
