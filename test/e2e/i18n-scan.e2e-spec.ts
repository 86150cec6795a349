import { writeFileSync } from 'node:fs';
import { AuthService } from '../../src/auth/auth.service.js';
import { SESSION_COOKIE } from '../../src/common/web/cookies.js';
import { sharedTranslations } from '../../src/common/web/i18n.js';
import { seedDemoCampaigns } from '../../src/database/demo-campaign-seed.js';
import { seedDemoCoaching } from '../../src/database/demo-coaching-seed.js';
import { seedDemoJury } from '../../src/database/demo-jury-seed.js';
import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { APP_CONFIG } from '../../src/config/config.module.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { signUnsubscribe, unsubscribeKey } from '../../src/notifications/domain/unsubscribe-token.js';
import { type Finding, ForeignTextIndex, formatFindings, linksOf, scanPage, withLang } from '../setup/i18n-scan.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Pages crawled per persona, at most. */
const CAP = 150;
const HOST = 'localhost';

/**
 * Issue 15, point 4: no raw strings. The demo (every programme seed) is crawled from `/` and from each
 * persona's home, following same-site links breadth-first, and every page found is rendered in each
 * language the demo authority offers. A page fails on an unfilled {placeholder}, a catalogue key shown
 * as text, an id (UUID) or a JSON object shown outside a `<details>` disclosure (issue 16), a "(s)" plural, a number not written the language's way, `<html lang>` not the page's
 * language, or a sentence of another language's catalogue outside an element marked with that `lang`.
 * The failure lists every finding, grouped by kind (I18N_SCAN_REPORT=<file> also writes them as JSON).
 */
describe('i18n scan: every page of the demo in every language it offers', () => {
  let t: TestApp;
  let tenantId: string;
  let languages: string[];
  let defaultLocale: string;

  beforeAll(async () => {
    t = await startTestApp();
    const quiet = () => undefined;
    await seedDemo(t.app, 'http://localhost:3000', quiet);
    await seedDemoJury(t.app, quiet);
    await seedDemoCoaching(t.app, quiet);
    await seedDemoCampaigns(t.app, quiet);
    await seedDemoResults(t.app, quiet);
    const [tenant] = await t.ds.query(`SELECT id, languages, default_locale FROM tenant WHERE slug = 'demo'`);
    tenantId = tenant.id;
    languages = tenant.languages;
    defaultLocale = tenant.default_locale;
  }, 300_000);
  afterAll(() => t?.close());

  /** Each persona's session cookie (none for the visitor) and where they start. */
  async function personas(): Promise<Array<{ name: string; cookie?: string; start: string[] }>> {
    const [applicant] = await t.ds.query(
      `SELECT u.email FROM app_user u WHERE u.tenant_id = $1 AND u.email LIKE 'porteur%'
         AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = 'applicant') ORDER BY u.email LIMIT 1`,
      [tenantId],
    );
    const people: Array<[string, string, string[]]> = [
      // The privacy pages (src/privacy) first: a crawl capped at CAP pages might not reach them.
      ['staff', 'staff@demo.tremplin.test', ['/staff', '/me', '/staff/privacy', '/staff/privacy/register', '/staff/privacy/pages/privacy']],
      ['juror', 'juror@demo.tremplin.test', ['/me']],
      ['coach', 'coach@demo.tremplin.test', ['/me']],
      ['laureate', 'laureate@demo.tremplin.test', ['/me']],
      ['partner', 'partner@demo.tremplin.test', ['/me']],
      ['applicant', applicant?.email ?? 'laureate@demo.tremplin.test', ['/me', '/applications', '/me/consents']],
    ];
    const [programme] = await t.ds.query(`SELECT slug FROM programme WHERE tenant_id = $1 AND phase <> 'draft' ORDER BY slug LIMIT 1`, [tenantId]);
    const legal = ['/privacy', '/legal-notice', '/accessibility', `/programmes/${programme.slug}/rules`];
    const out: Array<{ name: string; cookie?: string; start: string[] }> = [{ name: 'visitor', start: ['/', ...legal, ...(await unsubscribePages())] }];
    for (const [name, email, start] of people) {
      const [user] = await t.ds.query(`SELECT id FROM app_user WHERE tenant_id = $1 AND email = $2`, [tenantId, email]);
      expect(user).toBeDefined();
      const session = await t.app.get(AuthService).createSession(tenantId, user.id);
      out.push({ name, cookie: `${SESSION_COOKIE}=${session}`, start });
    }
    return out;
  }

  /**
   * The unsubscribe page is linked from e-mails only: one link for a campaign's updates (still
   * subscribed) and one for a stream the address already left (the "subscribe again" state).
   */
  async function unsubscribePages(): Promise<string[]> {
    const key = unsubscribeKey(t.app.get<AppConfig>(APP_CONFIG).appSecret);
    const [campaign] = await t.ds.query(`SELECT id FROM campaign WHERE tenant_id = $1 ORDER BY id LIMIT 1`, [tenantId]);
    const left = { tenantId, emailKey: 'fan@example.org', stream: 'coaching_digest' as const, scopeId: null };
    await t.ds.query(`INSERT INTO email_suppression (tenant_id, email_key, stream) VALUES ($1, $2, $3)`, [tenantId, left.emailKey, left.stream]);
    const pages = [
      `/unsubscribe/${signUnsubscribe(key, { tenantId, emailKey: 'fan@example.org', stream: 'campaign_updates', scopeId: campaign.id })}`,
      `/unsubscribe/${signUnsubscribe(key, left)}`,
    ];
    for (const p of pages) expect((await t.http().get(p).set('Host', HOST).set('Accept', 'text/html')).status).toBe(200);
    return pages;
  }

  it('finds no raw strings, foreign sentences or badly written numbers', async () => {
    const translations = sharedTranslations();
    expect(languages.length).toBeGreaterThan(0);
    for (const l of languages) expect(translations.isLocale(l)).toBe(true);
    const foreign = new ForeignTextIndex(translations, translations.locales);
    // The demo's texts written in one language only (most campaigns are French only) join the index.
    const content: Array<{ text: Record<string, string> }> = await t.ds.query(
      `SELECT title AS text FROM campaign WHERE tenant_id = $1 UNION ALL SELECT summary FROM campaign WHERE tenant_id = $1
       UNION ALL SELECT r.title FROM reward_tier r JOIN campaign c ON c.id = r.campaign_id WHERE c.tenant_id = $1
       UNION ALL SELECT description FROM partner WHERE tenant_id = $1`,
      [tenantId],
    );
    let single = 0;
    for (const { text } of content) {
      const written = Object.entries(text ?? {}).filter(([, v]) => v.trim());
      if (written.length !== 1) continue;
      foreign.addContent(written[0][1], written[0][0]);
      single++;
    }
    expect(single).toBeGreaterThan(5);
    const findings: Finding[] = [];
    /** Pages already scanned in every language (by an earlier persona): only read for their links. */
    const scanned = new Set<string>();
    let pages = 0;

    for (const persona of await personas()) {
      const get = (path: string) => {
        const req = t.http().get(path).set('Host', HOST).set('Accept', 'text/html');
        return persona.cookie ? req.set('Cookie', persona.cookie) : req;
      };
      const queue = [...persona.start];
      const seen = new Set(queue);
      const linkedFrom = new Map<string, string>();
      let crawled = 0;
      while (queue.length && crawled < CAP) {
        const path = queue.shift()!;
        crawled++;
        let links: string[] = [];
        for (const lang of scanned.has(path) ? [defaultLocale] : languages) {
          const shown = withLang(path, lang);
          const res = await get(shown);
          const label = `${persona.name} ${shown}`;
          if (res.status >= 300 && res.status < 400 && res.headers.location) {
            links.push(...linksOf(`<a href="${res.headers.location}"></a>`, `http://${HOST}`));
            continue;
          }
          if (res.status >= 500) findings.push({ kind: 'server error', page: label, text: `${res.status}` });
          // A link the demo shows to this persona must lead somewhere (issue 16: no dead links on the desk).
          if (res.status === 404 && linkedFrom.has(path)) findings.push({ kind: 'dead link', page: label, text: `linked from ${linkedFrom.get(path)}` });
          if (!String(res.headers['content-type'] ?? '').includes('text/html')) continue;
          if (!scanned.has(path)) {
            findings.push(...scanPage(res.text, lang, label, translations, foreign));
            pages++;
          }
          if (lang === defaultLocale || !links.length) links = [...links, ...linksOf(res.text, `http://${HOST}`)];
        }
        scanned.add(path);
        for (const link of links) {
          if (!seen.has(link)) {
            seen.add(link);
            linkedFrom.set(link, path);
            queue.push(link);
          }
        }
      }
    }

    if (process.env.I18N_SCAN_REPORT) writeFileSync(process.env.I18N_SCAN_REPORT, JSON.stringify(findings, null, 2));
    expect(pages).toBeGreaterThan(30);
    if (findings.length) throw new Error(`Language scan over ${pages} page renderings in ${languages.join(', ')}:\n${formatFindings(findings)}`);
  }, 900_000);
});
