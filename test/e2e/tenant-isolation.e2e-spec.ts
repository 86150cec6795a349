import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { FileStorage } from '../../src/storage/file-storage.js';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import { createEligibleApplications, inviteJuror } from '../factories/jury.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

interface RouteInfo {
  method: string;
  path: string;
}

/** Every route the app serves, read from its router (not a hand-kept list). */
function routesOf(t: TestApp): RouteInfo[] {
  const express = t.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
  const stack = (express.router ?? express._router)!.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  return stack
    .filter((l) => l.route && !l.route.path.startsWith('/api/docs') && typeof l.route.path === 'string')
    .flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path })));
}

/**
 * The tenant-isolation matrix: staff of authority B, at B's address, call every route with
 * authority A's identifiers. Each answers 404 (a sign-in token: 400 "invalid link") and no answer
 * contains any of A's identifiers or texts; routes without identifiers never list A's data.
 */
describe('tenant isolation matrix', () => {
  it("answers 404 to every route given another authority's identifiers, and leaks nothing", async () => {
    const t = await startTestApp();
    try {
      t.clock.set('2026-06-10T08:00:00Z');
      const a = await createTenant(t);
      const b = await createTenant(t);
      const staffA = await createPerson(t, a, 'staff');
      const staffB = await createPerson(t, b, 'staff');
      const programme = await createProgramme(t, a, staffA, { phase: 'jury', slug: 'secret-programme' });
      await createCall(t, a, staffA, programme.id);
      const [app] = await createEligibleApplications(t, a, programme.id, 3, { prefix: 'secret' });
      const file = await t.app.get(TransactionRunner).run((em) =>
        t.app.get(FileStorage).put(em, {
          tenantId: a.tenant.id,
          ownerType: 'application',
          ownerId: app.id,
          purpose: 'pitch_deck',
          filename: 'secret.pdf',
          contentType: 'application/pdf',
          uploadedBy: staffA.userId,
          bytes: Buffer.from('%PDF-1.4 secret'),
        }),
      );
      await t
        .http()
        .put(`/api/programmes/${programme.id}/jury/settings`)
        .set(staffA.headers)
        .send({ method: 'favourites', maxFavourites: 2, laureates: 1 })
        .expect(200);
      const juror = await inviteJuror(t, a, staffA, programme.id, { email: 'juror-secret@example.org' });
      const token = await t.app.get(TransactionRunner).run((em) =>
        t.app
          .get(AuthService)
          .createLink(em, a.tenant.id, staffA.userId, 'http://x')
          .then((u) => u.split('/').pop()!),
      );

      const values: Record<string, string> = {
        programmeId: programme.id,
        id: app.id,
        applicationId: app.id,
        memberId: juror.memberId,
        fileId: file.id,
        questionKey: 'pitch_deck',
        slug: programme.slug,
        token,
        action: 'open',
      };
      const secrets = [programme.id, app.id, juror.memberId, file.id, app.title, 'secret-programme', 'juror-secret', a.tenant.slug, staffA.email];
      // Valid bodies where the route validates one, so that the answer comes from the look-up, not the validation.
      const bodies: Record<string, object> = {
        'POST /api/applications/:id/decision': { decision: 'eligible', reason: 'looks fine' },
        'POST /api/applications/:id/comments': { body: 'a comment' },
        'POST /api/applications/:id/correction': { message: 'please fix', until: '2026-07-01T10:00:00Z' },
        'POST /api/privacy/requests/:id/refuse': { reason: 'identity not checked' },
        'PUT /api/privacy/pages/:kind': { body: { fr: 'Politique' } },
        'PUT /api/privacy/programmes/:programmeId/rules': { body: { fr: 'Règlement' } },
      };
      // Routes that end every session and token of the caller are called by another staff member of B,
      // so that staffB stays signed in for the routes after them.
      const signsCallerOut = new Set(['POST /api/me/sign-out-everywhere', 'POST /me/sign-out-everywhere']);
      const failures: string[] = [];
      const routes = routesOf(t);
      expect(routes.length).toBeGreaterThan(80);
      for (const route of routes) {
        if (route.path.includes('*')) continue;
        const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
        const path = route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? randomUUID()));
        const caller = signsCallerOut.has(`${route.method} ${route.path}`) ? await createPerson(t, b, 'staff') : staffB;
        // The platform's pages are served only under the installation's own host (loopback here).
        const host = route.path.startsWith('/platform') ? { Host: '127.0.0.1' } : {};
        const req = t.http()[route.method.toLowerCase() as 'get'](path).set(caller.headers).set(host).set('Accept', 'application/json');
        const res = ['POST', 'PUT', 'PATCH'].includes(route.method) ? await req.send(bodies[`${route.method} ${route.path}`] ?? {}) : await req;
        const text = res.text ?? '';
        const leaked = secrets.filter((s) => text.includes(s));
        if (leaked.length) failures.push(`${route.method} ${route.path} leaked ${leaked.join(', ')} (${res.status})`);
        if (params.length) {
          // Opening a sign-in link only shows a button (mail scanners must not use links up): the token is checked on POST.
          const signInLink = route.path.startsWith('/sign-in/link/') || route.path.startsWith('/platform/sign-in/link/');
          // A contact address's confirmation link names nothing of the authority: an unknown token is 400.
          const contactLink = route.path.startsWith('/applications/contact-email/');
          // An authority's credential is no platform credential.
          const platform = route.path.startsWith('/api/platform/') || route.path.startsWith('/platform/authorities/');
          const expected = signInLink ? (route.method === 'GET' ? [200] : [400]) : contactLink ? [400] : platform ? [401] : [404];
          if (!expected.includes(res.status)) failures.push(`${route.method} ${route.path} answered ${res.status}, expected ${expected.join(' or ')}`);
        } else if (res.status >= 500) {
          failures.push(`${route.method} ${route.path} answered ${res.status}`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
