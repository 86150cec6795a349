import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { Role } from '../../src/auth/user.entity.js';
import { UsersRepository } from '../../src/auth/users.repository.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { createPerson } from '../factories/index.js';
import { createPersonaWorld, PERSONA_NAMES, type Persona, type PersonaName, type PersonaWorld } from '../factories/personas.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';
import { PaymentSettingsService } from '../../src/campaigns/payment-settings.service.js';

/** What src/auth/roles.guard.ts reads from each handler (its metadata key is not exported). */
const ACCESS_KEY = 'tremplin:access';
type Access = { public: true } | { signedIn: true } | { platform: true } | { roles: Role[]; programmeParam?: string };

interface Route {
  method: string;
  path: string;
  key: string;
}
/** `closed`: the route declares no rule, and the guard refuses everyone (403, or 401/404 first). */
type Verdict = 'allow' | 'deny' | 'closed' | 'platform';
interface Outcome {
  route: string;
  persona: PersonaName;
  expected: Verdict;
  status: number;
  code?: string;
  ok: boolean;
}

/** Every route the app serves, read from its router exactly as role-matrix.e2e-spec.ts does. */
function routesOf(t: TestApp): Route[] {
  const express = t.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
  const stack = (express.router ?? express._router)!.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  return stack
    .filter((l) => l.route && typeof l.route.path === 'string' && !l.route.path.startsWith('/api/docs') && !l.route.path.includes('*'))
    .flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path, key: `${m.toUpperCase()} ${l.route!.path}` })));
}

function paramsOf(route: Route): string[] {
  return [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
}

function joinPath(base: string, path: string): string {
  const joined = `/${[base, path].filter(Boolean).join('/')}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/**
 * The access each route declares, read from its handler the way the guard reads it (handler, then
 * class), keyed like the router's routes. Undefined: no decorator (the guard then refuses everyone).
 */
function declaredAccess(t: TestApp): Map<string, Access | undefined> {
  const reflector = t.app.get(Reflector);
  const out = new Map<string, Access | undefined>();
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!ctrl?.prototype) continue;
      const bases = ([] as string[]).concat(Reflect.getMetadata('path', ctrl) ?? '');
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(ctrl.prototype, name)?.value as unknown;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata('path', handler) as string | string[] | undefined;
        const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const access = reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [handler, ctrl]);
        for (const base of bases) for (const p of ([] as string[]).concat(paths)) out.set(`${RequestMethod[method]} ${joinPath(base, p)}`, access);
      }
    }
  }
  return out;
}

/**
 * The expected verdict, from the declared access and the persona's grants (not from the guard's code):
 * public routes let everyone through; signed-in routes let through whoever this tenant recognises;
 * role routes let through holders of one of the roles tenant-wide, or for the programme when the route
 * names it, and platform admins wherever staff may go.
 */
function expectedVerdict(access: Access | undefined, persona: Persona, route: Route): Verdict {
  if (!access) return 'closed';
  if ('public' in access) return 'allow';
  // Platform routes recognise platform credentials only (test/e2e/platform.e2e-spec.ts covers them).
  if ('platform' in access) return 'platform';
  if (!persona.signedIn) return 'deny';
  if ('signedIn' in access) return 'allow';
  const namesProgramme = !!access.programmeParam && paramsOf(route).includes(access.programmeParam);
  const holds = (roles: Role[]) => roles.some((r) => access.roles.includes(r));
  if (holds(persona.wide) || (namesProgramme && holds(persona.onProgramme))) return 'allow';
  if (persona.wide.includes('platform_admin') && access.roles.includes('staff')) return 'allow';
  return 'deny';
}

/**
 * Let through: neither 401 nor 403 (the handler may then refuse a dummy body or an unknown id: 400,
 * 404, 409 are fine), and no 500. Refused: 401 when the caller is not recognised (anonymous, or a token
 * of another tenant, which may also meet a 404), 403 or 404 for a signed-in person without the role.
 */
function conforms(expected: Verdict, persona: Persona, status: number): boolean {
  if (status >= 500) return false;
  // Platform pages may send a browser to /platform/sign-in instead (303).
  if (expected === 'platform') return status === 401 || status === 303;
  if (expected === 'allow') return status !== 401 && status !== 403;
  if (expected === 'closed') return [401, 403, 404].includes(status);
  if (persona.name === 'anonymous') return status === 401;
  if (persona.name === 'otherTenantStaff') return status === 401 || status === 404;
  return status === 403 || status === 404;
}

const COLUMN: Record<PersonaName, string> = {
  anonymous: 'anon',
  applicant: 'appl',
  laureate: 'laur',
  juror: 'juro',
  coach: 'coac',
  partner: 'part',
  staff: 'staf',
  programmeStaff: 'pstf',
  otherProgrammeStaff: 'ostf',
  otherTenantStaff: 'xten',
  platformAdmin: 'admn',
  citizen: 'citz',
};

/**
 * Hand-written expectations for key routes, one column per persona (order of PERSONA_NAMES):
 * A = let through, - = refused. These catch a wrong decorator, which the metadata-derived check cannot.
 * `ids` fills parameters with real objects: the applicant's application, the laureate's application;
 * `body` is a valid body where validation would otherwise answer 400 before the ownership check.
 */
interface KeyRoute {
  row: string;
  route: string;
  what: string;
  ids?: Record<string, 'application' | 'laureateApplication'>;
  body?: object;
}
const key = (row: string, route: string, what: string, opts: Pick<KeyRoute, 'ids' | 'body'> = {}): KeyRoute => ({ row, route, what, ...opts });
const KEY_ROUTES: KeyRoute[] = [
  //    anon appl laur juro coac part staf pstf ostf xten admn citz
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /staff/programmes/:programmeId/applications', 'staff screening desk'),
  // These name no programme: staff of one programme only (pstf) are refused, as the guard grants them tenant-wide only.
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/applications/:id', 'staff opens an application', { ids: { id: 'application' } }),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /api/applications/:id/decision', 'screening decision', { ids: { id: 'application' } }),
  key('-    A    -    -    -    -    A    -    -    -    A    -', 'GET /api/applications/:id', 'an application, by id', { ids: { id: 'application' } }),
  key('-    -    -    A    -    -    -    -    -    -    -    -', 'PUT /api/programmes/:programmeId/jury/me/ballots/:applicationId', 'juror ballot', {
    ids: { applicationId: 'laureateApplication' },
  }),
  key('-    -    -    A    -    -    -    -    -    -    -    -', 'GET /jury/programmes/:programmeId', 'juror page'),
  key(
    '-    -    -    A    -    -    -    -    -    -    -    -',
    'DELETE /api/programmes/:programmeId/jury/me/conflicts/:applicationId',
    'juror withdraws a conflict',
    {
      ids: { applicationId: 'laureateApplication' },
    },
  ),
  key(
    '-    -    -    A    -    -    -    -    -    -    -    -',
    'POST /jury/programmes/:programmeId/conflicts/:applicationId/withdraw',
    'juror withdraws a conflict (page)',
    { ids: { applicationId: 'laureateApplication' } },
  ),
  key(
    '-    -    -    A    -    -    -    -    -    -    -    -',
    'GET /jury/programmes/:programmeId/conflicts/:applicationId/withdraw',
    'conflict withdrawal confirmation',
    { ids: { applicationId: 'laureateApplication' } },
  ),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /api/programmes/:programmeId/jury/results', 'jury results'),
  key('-    -    -    -    A    -    A    A    -    -    A    -', 'GET /api/programmes/:programmeId/coaching/coach', 'coach review list'),
  key('-    -    -    -    A    -    A    A    -    -    A    -', 'POST /coaching/programmes/:programmeId/coach/milestones/:milestoneId', 'coach review form'),
  key('-    -    A    -    -    -    -    -    -    -    -    -', 'GET /api/programmes/:programmeId/coaching/me', 'laureate coaching schedule'),
  // A session's page: its laureates (an applicant who is no laureate of it meets 404), their coach, staff.
  key('-    -    A    -    A    -    A    A    -    -    A    -', 'GET /coaching/programmes/:programmeId/sessions/:sessionKey', 'coaching session page'),
  key(
    '-    -    -    -    A    -    A    A    -    -    A    -',
    'POST /coaching/programmes/:programmeId/sessions/:sessionKey/attendance',
    'session attendance (coach, page)',
  ),
  key('-    -    -    -    -    A    -    -    -    -    -    -', 'GET /partners/programmes/:programmeId', 'partner page'),
  key('-    -    -    -    -    A    -    -    -    -    -    -', 'PUT /api/programmes/:programmeId/partner/me/preferences', 'partner preferences'),
  key('-    -    A    -    -    -    -    -    -    -    -    -', 'GET /api/programmes/:programmeId/campaigns/mine', 'laureate campaign'),
  key('-    -    A    -    -    -    A    A    -    -    A    -', 'PATCH /api/campaigns/:campaignId', 'laureate campaign edit'),
  key('-    -    A    -    -    -    A    A    -    -    A    -', 'GET /campaigns/:campaignId/edit', 'laureate campaign edit page'),
  key('-    -    A    -    -    -    A    A    -    -    A    -', 'POST /campaigns/:campaignId/image', 'campaign cover upload (page)', {
    body: { 'imageAlt.en': 'A bike' },
  }),
  key('-    -    A    -    -    -    A    A    -    -    A    -', 'POST /campaigns/:campaignId/gallery', 'campaign gallery upload (page)', {
    body: { 'galleryAlt.en': 'A bike' },
  }),
  key('-    -    A    -    -    -    A    A    -    -    A    -', 'POST /api/campaigns/:campaignId/image', 'campaign cover upload (API)'),
  key('-    -    A    -    -    -    A    A    -    -    A    -', 'POST /api/campaigns/:campaignId/updates', 'campaign news update', {
    body: { title: { en: 'News' }, body: { en: 'The workshop opens.' } },
  }),
  key('-    -    A    -    -    -    A    A    -    -    A    -', 'GET /api/campaigns/:campaignId/contributors.csv', 'campaign contributors'),
  key('A    A    A    A    A    A    A    A    A    A    A    A', 'POST /api/campaigns/:campaignId/contributions', 'contribution'),
  key('A    A    A    A    A    A    A    A    A    A    A    A', 'POST /api/payments/webhook', 'payment webhook'),
  key('A    A    A    A    A    A    A    A    A    A    A    A', 'POST /api/payments/stripe/webhook', 'Stripe webhook'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'POST /api/programmes/:programmeId/reports', 'results publish (API)'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'POST /staff/programmes/:programmeId/report', 'results publish (page)'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /staff/programmes/:programmeId/dashboard', 'programme dashboard'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /staff/programmes/:programmeId/report/publish/confirm', 'results publish confirmation'),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'GET /staff/programmes/:programmeId/jury/:action/confirm',
    'close the vote / announce confirmation',
  ),
  // Issue 19: after the announcement, staff withdraw a laureate and promote the next on the waiting list.
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /api/programmes/:programmeId/jury/laureates/:applicationId/withdraw',
    'laureate withdrawal (API)',
    {
      body: { reason: 'A long enough reason' },
    },
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /api/programmes/:programmeId/jury/waiting-list/promote',
    'waiting list promotion (API)',
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'GET /staff/programmes/:programmeId/jury/laureates/:applicationId/withdraw',
    'laureate withdrawal (page)',
    {
      ids: { applicationId: 'laureateApplication' },
    },
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /staff/programmes/:programmeId/jury/waiting-list/promote',
    'waiting list promotion (page)',
  ),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /staff/programmes/:programmeId/matching/confirm/confirm', 'matching confirmation'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /staff/programmes/:programmeId/phase/confirm', 'phase change confirmation'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'POST /staff/programmes/:programmeId/jury/members/:memberId', 'jury member edit (page)', {
    body: { weight: '1' },
  }),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /staff/programmes/:programmeId/jury/members/:memberId/remove',
    'jury member removal (page)',
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /staff/programmes/:programmeId/jury/members/:memberId/invitation',
    'jury invitation resent (page)',
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /staff/programmes/:programmeId/coaching/:action',
    'coaching plan editor and dashboard actions (page)',
    { body: { count: '0', op: 'add:session' } },
  ),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /api/programmes/:programmeId/contributions.csv', 'contributions export'),
  // Refunds: the same people as the contributions (staff of the authority or of the programme).
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /staff/programmes/:programmeId/refunds', 'refunds page'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /api/programmes/:programmeId/refunds.csv', 'refunds export (CSV)'),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /staff/programmes/:programmeId/refunds/:refundId/retry',
    'retry a failed refund (page)',
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'GET /staff/programmes/:programmeId/refunds/:refundId/mark-refunded',
    'mark refunded by hand: confirmation',
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /staff/programmes/:programmeId/refunds/:refundId/mark-refunded',
    'mark refunded by hand (page)',
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'GET /staff/programmes/:programmeId/contributions/:contributionId/refund',
    'refund a contribution: confirmation',
  ),
  key(
    '-    -    -    -    -    -    A    A    -    -    A    -',
    'POST /staff/programmes/:programmeId/contributions/:contributionId/refund',
    'refund a contribution (page)',
    {
      body: { reason: 'asked by the contributor' },
    },
  ),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff', 'staff home'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /staff/branding/logo', 'logo upload (page)'),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'POST /staff/programmes/:programmeId/partners/logo', 'partner logo upload (page)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/branding/email-preview', 'e-mail preview of the branding'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /api/people', 'invite a person'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /api/people/:userId/sessions', "a person's sessions"),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'DELETE /api/people/:userId/access', "remove a person's access"),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /api/payment-settings', 'payment settings (API)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'PUT /api/payment-settings', 'payment secrets (API)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /staff/payment-settings', 'payment secrets (page)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/privacy', 'privacy settings (page)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /staff/privacy', 'privacy settings (save)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /api/privacy/settings', 'privacy settings (API)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'PUT /api/privacy/settings', 'privacy settings saved (API)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/privacy/pages/:kind', 'legal page editor'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /staff/privacy/pages/:kind', 'legal page: preview, confirm, publish'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /api/privacy/pages/:kind', 'legal page versions (API)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'PUT /api/privacy/pages/:kind', 'legal page published (API)', {
    body: { body: { fr: 'Politique' } },
  }),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /staff/programmes/:programmeId/legal-rules', "call's rules editor"),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'POST /staff/programmes/:programmeId/legal-rules', "call's rules: preview, confirm, publish"),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'GET /api/privacy/programmes/:programmeId/rules', "call's rules versions (API)"),
  key('-    -    -    -    -    -    A    A    -    -    A    -', 'PUT /api/privacy/programmes/:programmeId/rules', "call's rules published (API)", {
    body: { body: { fr: 'Règlement' } },
  }),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/privacy/register', 'register of processing activities'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/privacy/register.pdf', 'register of processing activities (PDF)'),
  key('A    A    A    A    A    A    A    A    A    A    A    A', 'GET /privacy', 'privacy notice'),
  key('A    A    A    A    A    A    A    A    A    A    A    A', 'GET /programmes/:slug/rules', "the call's rules"),
  key('-    A    A    A    A    A    A    A    A    -    A    A', 'GET /me/consents', 'my consents'),
  key('-    A    A    A    A    A    A    A    A    -    A    A', 'GET /api/me/consents', 'my consents (API)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /api/people', 'people with access'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'DELETE /api/people/:userId/roles/:grantId', "remove one of a person's roles"),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /api/people/:userId/invitation', 'resend an invitation'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/people', 'people page'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/audit', 'authority audit log'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'GET /staff/audit.csv', 'authority audit log (CSV)'),
  key('-    -    -    -    -    -    A    -    -    -    A    -', 'POST /staff/people/:userId/remove', 'remove access (page)'),
  key('-    A    A    A    A    A    A    A    A    -    A    A', 'GET /api/me', 'who am I'),
  key('A    A    A    A    A    A    A    A    A    A    A    A', 'GET /api/programmes/:programmeId', 'public programme'),
];

/** The matrix as text: one line per route, `A`/`-` the expectation then the status, `!` where they disagree. */
function renderMatrix(routes: string[], outcomes: Outcome[]): string {
  const width = Math.max(...routes.map((r) => r.length));
  const byKey = new Map(outcomes.map((o) => [`${o.route}|${o.persona}`, o]));
  const header = `${''.padEnd(width)}  ${PERSONA_NAMES.map((p) => COLUMN[p].padEnd(6)).join('')}`;
  const lines = routes.map(
    (r) =>
      `${r.padEnd(width)}  ${PERSONA_NAMES.map((p) => {
        const o = byKey.get(`${r}|${p}`);
        return (o ? `${o.expected === 'allow' ? 'A' : '-'}${o.status}${o.ok ? '' : '!'}` : '').padEnd(6);
      }).join('')}`,
  );
  return [header, ...lines].join('\n');
}

function explain(o: Outcome): string {
  return `${o.route} as ${o.persona}: ${o.status}${o.code ? ` ${o.code}` : ''}, expected ${o.expected === 'allow' ? 'to be let through' : 'a refusal'}`;
}

/**
 * Routes that end every session and token of the caller: called as a stand-in holding the persona's
 * grants, or the persona would be signed out for every route after them.
 */
const SIGNS_CALLER_OUT = new Set(['POST /api/me/sign-out-everywhere', 'POST /me/sign-out-everywhere']);

/** Runs `jobs` with at most `width` in flight. */
async function inBatches<T>(jobs: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}

describe('role matrix, persona by persona', () => {
  let t: TestApp;
  let world: PersonaWorld;
  let routes: Route[];

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-06-30T08:00:00Z');
    world = await createPersonaWorld(t);
    // Stripe's webhook answers 503 until the authority has an endpoint secret: give it one (an unsigned call is then a 400).
    await t.app
      .get(PaymentSettingsService)
      .setPaymentSecrets(world.city.tenant.id, { stripeEndpointSecret: 'whsec_roleMatrixEndpointSecret0123456789' }, { userId: null, role: 'platform_admin' });
    routes = routesOf(t);
  });
  afterAll(() => t.close());

  /** A new person of the tenant with exactly the persona's grants; their headers. */
  async function standIn(persona: Persona): Promise<Record<string, string>> {
    const person = await createPerson(t, world.city, null);
    await t.app.get(TransactionRunner).run(async (em) => {
      const users = t.app.get(UsersRepository);
      for (const role of persona.wide) await users.grant(em, world.city.tenant.id, person.userId, role);
      for (const role of persona.onProgramme) await users.grant(em, world.city.tenant.id, person.userId, role, world.programme.id);
    });
    return person.headers;
  }

  /** Calls a route as a persona, with real ids of this tenant where a parameter names one, and a dummy body. */
  async function call(route: Route, persona: Persona, ids: Record<string, string> = {}, body: object = {}): Promise<{ status: number; code?: string }> {
    const values: Record<string, string> = {
      programmeId: world.programme.id,
      campaignId: world.campaignId,
      slug: world.programme.slug,
      ...ids,
    };
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? randomUUID()));
    const headers = SIGNS_CALLER_OUT.has(route.key) && persona.signedIn ? await standIn(persona) : persona.headers;
    // The platform's pages are served only under the installation's own host (loopback here).
    const host = route.path.startsWith('/platform') ? { Host: '127.0.0.1' } : {};
    const send = () => {
      const req = t.http()[route.method.toLowerCase() as 'get'](path).set(headers).set(host).set('Accept', 'application/json');
      return ['POST', 'PUT', 'PATCH'].includes(route.method) ? req.set('Content-Type', 'application/json').send(JSON.stringify(body)) : req;
    };
    let res = await send();
    // A 503 says the instance was too busy to answer (a busy CI machine), not who may pass: ask again.
    for (let retry = 0; res.status === 503 && retry < 2; retry++) {
      await new Promise((r) => setTimeout(r, 1_000));
      res = await send();
    }
    return { status: res.status, code: (res.body as { code?: string } | undefined)?.code };
  }

  it('gives each persona the grants the expectations assume', async () => {
    for (const persona of PERSONA_NAMES.map((n) => world.personas[n])) {
      const me = await t.http().get('/api/me').set(persona.headers);
      if (!persona.signedIn) {
        expect({ persona: persona.name, status: me.status }).toEqual({ persona: persona.name, status: 401 });
        continue;
      }
      const { roles, programmeRoles } = me.body as { roles: Role[]; programmeRoles: Record<string, Role[]> };
      expect({ persona: persona.name, wide: [...roles].sort(), onProgramme: [...(programmeRoles[world.programme.id] ?? [])].sort() }).toEqual({
        persona: persona.name,
        wide: [...persona.wide].sort(),
        onProgramme: [...persona.onProgramme].sort(),
      });
    }
    expect((await t.http().get('/api/me').set(world.personas.otherProgrammeStaff.headers)).body.programmeRoles).toEqual({
      [world.otherProgramme.id]: ['staff'],
    });
  });

  it('lets through exactly the personas each route declares, for every route and every persona', async () => {
    const access = declaredAccess(t);
    // Every route the router serves is found among the controllers' handlers, so its declared access is known.
    expect(routes.filter((r) => !access.has(r.key)).map((r) => r.key)).toEqual([]);
    expect(routes.length).toBeGreaterThan(100);

    const personas = PERSONA_NAMES.map((n) => world.personas[n]);
    // Persona by persona, so that the several people allowed on a staff action do not run it at the same moment.
    const jobs = personas.flatMap((persona) =>
      routes.map((route) => async (): Promise<Outcome> => {
        const declared = access.get(route.key);
        const expected = expectedVerdict(declared, persona, route);
        // The programme the route names is the one the personas' grants are on.
        const ids = declared && 'roles' in declared && declared.programmeParam ? { [declared.programmeParam]: world.programme.id } : {};
        const { status, code } = await call(route, persona, ids);
        return { route: route.key, persona: persona.name, expected, status, code, ok: conforms(expected, persona, status) };
      }),
    );
    const outcomes = await inBatches(jobs, 8);
    const failures = [
      // A route without a rule is closed to all, which is safe but surely not what its author meant.
      ...routes.filter((r) => !access.get(r.key)).map((r) => `${r.key} declares no access rule (@Public, @SignedIn or @Roles)`),
      ...outcomes.filter((o) => !o.ok).map(explain),
    ];
    if (failures.length || process.env.ROLE_MATRIX_PRINT) {
      const matrix = renderMatrix(
        routes.map((r) => r.key),
        outcomes,
      );
      if (failures.length)
        throw new Error(`${failures.length} of ${outcomes.length} calls disagree with the declared access:\n${failures.join('\n')}\n\n${matrix}`);
      process.stdout.write(`${routes.length} routes x ${personas.length} personas\n${matrix}\n`);
    }
    // Some 3,500 calls: more than the default minute on a busy two-core machine.
  }, 240_000);

  it("never lets a programme-scoped grant reach another programme's objects through its own programme's path", async () => {
    // A grant on the programme passes the guard for `/…/:programmeId/…`; the object named next in the
    // path belongs to the other programme of the same authority, so the handler must not act on it.
    const crossIds: Record<string, string> = {
      id: world.elsewhere.applicationId,
      applicationId: world.elsewhere.applicationId,
      memberId: world.elsewhere.memberId,
      partnerId: world.elsewhere.partnerId,
      campaignId: world.elsewhere.campaignId,
    };
    const crossRoutes = routes.filter((r) => r.path.includes(':programmeId') && Object.keys(crossIds).some((p) => r.path.includes(`:${p}`)));
    expect(crossRoutes.length).toBeGreaterThan(10);
    const scoped = (['applicant', 'laureate', 'juror', 'coach', 'partner', 'programmeStaff'] as const).map((n) => world.personas[n]);
    // Valid bodies where validation would otherwise answer before the look-up.
    const bodies: Record<string, object> = {
      'POST /api/programmes/:programmeId/partners/:partnerId/contacts': { email: 'cross-contact@example.org', displayName: 'Cross' },
      'PUT /api/programmes/:programmeId/jury/me/notes/:applicationId': { body: 'a note' },
      'POST /api/programmes/:programmeId/campaigns/:campaignId/review': { decision: 'approve' },
      'POST /staff/programmes/:programmeId/campaigns/:campaignId/review': { decision: 'approve' },
    };
    const jobs = scoped.flatMap((persona) =>
      crossRoutes.map((route) => async () => ({ route: route.key, persona: persona.name, ...(await call(route, persona, crossIds, bodies[route.key])) })),
    );
    const outcomes = await inBatches(jobs, 8);
    const failures = outcomes
      .filter((o) => o.status < 400 || o.status >= 500)
      .map((o) => `${o.route} as ${o.persona}: ${o.status}${o.code ? ` ${o.code}` : ''}`);
    expect(failures).toEqual([]);
  });

  it('gives the hand-written answer on key routes (a wrong decorator shows here)', async () => {
    const byKey = new Map(routes.map((r) => [r.key, r]));
    expect(KEY_ROUTES.filter((k) => !byKey.has(k.route)).map((k) => k.route)).toEqual([]);
    const realIds = { application: world.applicationId, laureateApplication: world.laureateApplicationId };
    const jobs = KEY_ROUTES.flatMap((k) => {
      const cells = k.row.trim().split(/\s+/);
      expect(cells).toHaveLength(PERSONA_NAMES.length);
      const ids = Object.fromEntries(Object.entries(k.ids ?? {}).map(([param, what]) => [param, realIds[what]]));
      return PERSONA_NAMES.map((name, i) => async (): Promise<Outcome> => {
        const persona = world.personas[name];
        const expected: Verdict = cells[i] === 'A' ? 'allow' : 'deny';
        const { status, code } = await call(byKey.get(k.route)!, persona, ids, k.body);
        return { route: `${k.route} (${k.what})`, persona: name, expected, status, code, ok: conforms(expected, persona, status) };
      });
    });
    const outcomes = await inBatches(jobs, 8);
    const failures = outcomes.filter((o) => !o.ok).map(explain);
    if (failures.length || process.env.ROLE_MATRIX_PRINT) {
      const matrix = renderMatrix(
        KEY_ROUTES.map((k) => `${k.route} (${k.what})`),
        outcomes,
      );
      if (failures.length) throw new Error(`${failures.length} key-route calls disagree with the table:\n${failures.join('\n')}\n\n${matrix}`);
      process.stdout.write(`${KEY_ROUTES.length} key routes x ${PERSONA_NAMES.length} personas\n${matrix}\n`);
    }
  });
});
