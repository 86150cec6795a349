import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

function routesOf(t: TestApp): Array<{ method: string; path: string }> {
  const express = t.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
  const stack = (express.router ?? express._router)!.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  return stack
    .filter((l) => l.route && typeof l.route.path === 'string' && !l.route.path.startsWith('/api/docs') && !l.route.path.includes('*'))
    .flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path })));
}

/**
 * The public surface, reviewed by hand: every other route must refuse an anonymous caller (401),
 * and among the rest, only the routes below are open to a signed-in person with no role at all.
 */
const PUBLIC = new Set([
  // Citizens contributing (campaigns issue): the public view, contributions with their status and
  // confirmation link, "notify me", and the payment provider's signed webhook.
  'GET /api/campaigns/:campaignId/public',
  'POST /api/campaigns/:campaignId/contributions',
  'GET /api/contributions/:contributionId',
  'POST /api/contributions/confirm',
  'POST /api/campaigns/:campaignId/subscribers',
  'POST /api/payments/webhook',
  'POST /api/payments/stripe/webhook',
  'GET /healthz',
  'GET /healthz/live',
  'GET /healthz/ready',
  'GET /assets/app.css',
  'GET /assets/branding.js',
  'GET /theme.css',
  // Public images (a logo, a campaign's cover): only files stored as public images are served.
  'GET /images/:name',
  'GET /',
  'GET /programmes/:slug',
  'GET /programmes/:slug/apply',
  'POST /programmes/:slug/apply/register',
  'GET /sign-in',
  'POST /sign-in/link',
  'POST /sign-in/password',
  'GET /sign-in/link/:token',
  'POST /sign-in/link/:token',
  'POST /api/auth/sign-in-links',
  'POST /api/auth/sign-in-links/consume',
  'POST /api/auth/tokens',
  'GET /api/tenant',
  'GET /api/programmes',
  'GET /api/programmes/:programmeId',
  'GET /api/programmes/:programmeId/call',
  'GET /coaching/calendar/:token.ics',
  // Public pages (src/public): the sitemap and robots.txt of each authority.
  'GET /sitemap.xml',
  'GET /robots.txt',
  // Unsubscribe from a bulk e-mail (src/notifications): the signed token is the authority (404 otherwise).
  'GET /unsubscribe/:token',
  'POST /unsubscribe/:token',
  'POST /unsubscribe/:token/resubscribe',
  // A person's data for anyone (src/privacy): a link e-mailed to the address, the link's pages and downloads (404 unless valid).
  'POST /api/privacy/requests',
  'GET /api/privacy/links/:token',
  'GET /api/privacy/links/:token/data',
  'POST /api/privacy/links/:token/confirm',
  'GET /privacy/requests/new',
  'POST /privacy/requests/new',
  'GET /privacy/requests/:token',
  'GET /privacy/requests/:token/archive.zip',
  'POST /privacy/requests/:token/confirm',
  // Published results reports (src/reports): the page and its open-data downloads.
  'GET /programmes/:slug/results',
  'GET /programmes/:slug/results.csv',
  'GET /programmes/:slug/results.json',
  'GET /programmes/:slug/results.pdf',
  'GET /open-data/:file',
  // Campaign pages (src/campaigns/campaigns.pages.controller.ts, campaign-images.pages.controller.ts): the citizens' page and its forms, the cover
  // (a draft's only for its laureate and staff), a contribution's status by its unguessable id, pledge confirmation.
  'GET /programmes/:slug/campaigns/:campaignSlug',
  'POST /programmes/:slug/campaigns/:campaignSlug/contribute',
  'POST /programmes/:slug/campaigns/:campaignSlug/notify',
  'GET /campaigns/:campaignId/image',
  // Sharing on Mastodon: the visitor's instance, then a redirect to its share page (only for this site's pages).
  'GET /share/mastodon',
  'GET /assets/share.js',
  'GET /assets/print.js',
  'GET /contributions/confirm',
  'POST /contributions/confirm',
  'GET /contributions/:contributionId',
  // Confirming an application's contact address by the link sent to it (security review, finding 9).
  // Platform admins ask for a sign-in link and exchange it (the answer never tells who is one).
  'POST /api/platform/sign-in-links',
  'POST /api/platform/sign-in-links/consume',
  // The platform's sign-in pages (src/platform/platform.pages.controller.ts); signing out works without a session too.
  'GET /platform/sign-in',
  'POST /platform/sign-in',
  'GET /platform/sign-in/link/:token',
  'POST /platform/sign-in/link/:token',
  'POST /platform/sign-out',
  // The legal pages of every authority (src/privacy): privacy notice, legal notice, accessibility, a call's rules and their versions.
  'GET /privacy',
  'GET /legal-notice',
  'GET /accessibility',
  'GET /programmes/:slug/rules',
  'POST /api/applications/contact-email/confirm',
  'GET /applications/contact-email/:token',
  'POST /applications/contact-email/:token',
]);
const ANY_SIGNED_IN = new Set([
  'GET /api/me',
  // One's own language (API and the form on /me).
  'PATCH /api/me',
  'POST /me/language',
  'POST /api/me/password',
  'GET /api/me/applications',
  'GET /applications',
  'GET /me',
  'POST /sign-out',
  // Ending one's own sessions everywhere (API, and the confirmation page and its form).
  'POST /api/me/sign-out-everywhere',
  'GET /me/sign-out-everywhere',
  'POST /me/sign-out-everywhere',
  // One's own data (src/privacy): download it, ask for its erasure.
  'GET /api/me/data',
  'GET /api/me/data.zip',
  'POST /api/me/erasure-request',
  'GET /me/data',
  'GET /me/data/archive.zip',
  'GET /me/data/erase',
  'POST /me/data/erase',
  // One's own consents (src/privacy): the list and withdrawing one (404 unless it is theirs).
  'GET /me/consents',
  'POST /me/consents/:consentId/withdraw',
  'GET /api/me/consents',
  'DELETE /api/me/consents/:consentId',
  'POST /api/programmes/:programmeId/applications',
  'POST /programmes/:slug/apply',
  // Open to anyone signed in, then answered 404 unless the object is theirs (checked by the service).
  'GET /api/applications/:id',
  'PATCH /api/applications/:id',
  'POST /api/applications/:id/submit',
  'POST /api/applications/:id/withdraw',
  'POST /api/applications/:id/files/:questionKey',
  'GET /api/applications/:id/files/:fileId',
  'GET /applications/:id',
  'POST /applications/:id',
  'POST /applications/:id/files/:questionKey',
  'POST /applications/:id/withdraw',
  'GET /applications/:id/receipt',
  // The laureate's campaign editor (404 unless the campaign is theirs or the person is staff).
  'GET /programmes/:programmeId/campaign',
  'GET /campaigns/:campaignId/edit',
  'POST /campaigns/:campaignId/edit',
  'POST /campaigns/:campaignId/image',
  'POST /campaigns/:campaignId/image/remove',
  'POST /campaigns/:campaignId/gallery',
  'POST /campaigns/:campaignId/gallery/:imageId/remove',
  'POST /campaigns/:campaignId/gallery/:imageId/move',
  'POST /campaigns/:campaignId/submit',
  'POST /campaigns/:campaignId/updates',
  // The laureate hides a supporter's message (404 unless the campaign is theirs).
  'POST /campaigns/:campaignId/supporters/:contributionId/hide',
]);

describe('role matrix', () => {
  it('keeps every route but the reviewed public ones closed to anonymous callers, and role routes closed to people without the role', async () => {
    const t = await startTestApp();
    try {
      t.clock.set('2026-04-15T10:00:00Z');
      const city = await createTenant(t);
      const staff = await createPerson(t, city, 'staff');
      const nobody = await createPerson(t, city, null);
      const p = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'open-call' });
      await createCall(t, city, staff, p.id);
      const values: Record<string, string> = { programmeId: p.id, slug: 'open-call' };
      const failures: string[] = [];
      for (const route of routesOf(t)) {
        const key = `${route.method} ${route.path}`;
        const path = route.path.replace(/:(\w+)/g, (_, n: string) => values[n] ?? '00000000-0000-4000-8000-000000000000');
        const call = (headers: Record<string, string>) => {
          // The platform's pages are served only under the installation's own host (loopback here).
          const host = route.path.startsWith('/platform') ? { Host: '127.0.0.1' } : {};
          const req = t.http()[route.method.toLowerCase() as 'get'](path).set(headers).set(host).set('Accept', 'application/json');
          return ['POST', 'PUT', 'PATCH'].includes(route.method) ? req.set('Content-Type', 'application/json').send('{}') : req;
        };
        const anon = await call({ Host: city.host });
        if (PUBLIC.has(key)) {
          if (anon.status === 401) failures.push(`${key} is public but answered 401`);
        } else if (anon.status !== 401) {
          failures.push(`${key} answered ${anon.status} to an anonymous caller (add it to PUBLIC only if that is intended)`);
        }
        if (PUBLIC.has(key) || ANY_SIGNED_IN.has(key)) continue;
        const res = await call(nobody.headers);
        // An authority's credential is no platform credential: platform routes do not recognise it (401).
        // Platform pages may send a browser to their sign-in page instead (303).
        const refused = key.includes(' /api/platform/') ? [401] : / \/platform(\/|$)/.test(key) ? [401, 303] : [403, 404];
        if (!refused.includes(res.status)) failures.push(`${key} answered ${res.status} to a signed-in person without a role`);
      }
      expect(failures).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
