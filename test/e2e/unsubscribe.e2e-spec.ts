import { TransactionRunner } from '../../src/common/db/transaction.js';
import { OutboxService, type OutgoingEmail } from '../../src/notifications/outbox.service.js';
import { createTenant, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const CAMPAIGN = '00000000-0000-4000-8000-0000000000c1';
const OTHER_CAMPAIGN = '00000000-0000-4000-8000-0000000000c2';

/**
 * Issue 21, part 5: a bulk e-mail carries List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post
 * (RFC 8058) with a signed link built from the authority's configured address; one POST from a mail
 * client (no cookie) unsubscribes; the outbox then marks that stream's e-mails to the address
 * `suppressed` instead of sending them, while transactional e-mails and other streams still leave.
 */
describe('unsubscribe from bulk e-mails', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let city: TestTenant;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    city = await createTenant(t, { languages: ['fr', 'en', 'nl'] });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const queue = (mails: Array<Omit<OutgoingEmail, 'tenantId' | 'locale'> & { locale?: string }>) =>
    t.app.get(TransactionRunner).run((em) =>
      t.app.get(OutboxService).enqueueMany(
        em,
        mails.map((m) => ({ tenantId: city.tenant.id, locale: 'fr', ...m })),
      ),
    );
  const update = (to: string, n: number, scopeId = CAMPAIGN): Omit<OutgoingEmail, 'tenantId' | 'locale'> => ({
    template: 'campaign-update',
    scopeId,
    to,
    dedupeKey: `u:${scopeId}:${n}:${to}`,
    payload: { campaignTitle: { fr: 'Atelier vélo' }, title: { fr: `Nouvelle ${n}` }, body: { fr: 'Merci !' }, link: `http://${city.host}/c` },
  });
  const signIn = (to: string): Omit<OutgoingEmail, 'tenantId' | 'locale'> => ({
    template: 'sign-in-link',
    to,
    payload: { link: `http://${city.host}/sign-in/link/abc`, name: 'Ada', minutes: 30 },
  });
  const nudge = (to: string): Omit<OutgoingEmail, 'tenantId' | 'locale'> => ({
    template: 'campaign-nudge',
    to,
    dedupeKey: `nudge:${to}`,
    payload: { campaignTitle: { fr: 'Atelier vélo' }, kind: 'opening_tip', percent: 10, link: `http://${city.host}/campaigns/x/edit` },
  });
  const statusOf = async (to: string, template: string): Promise<string[]> =>
    (await t.ds.query(`SELECT status FROM outbox_message WHERE to_address = $1 AND template = $2 ORDER BY created_at, id`, [to, template])).map(
      (r: { status: string }) => r.status,
    );
  /** The path of a mail's unsubscribe link (its URL names the authority's configured site, never a request's host). */
  const unsubscribePath = (url: string) => {
    const u = new URL(url);
    expect(u.pathname).toMatch(/^(\/t\/[a-z0-9-]+)?\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    return u.pathname.replace(/^\/t\/[a-z0-9-]+/, '');
  };

  it('sends the headers, unsubscribes in one POST without a cookie, and holds back only that stream', async () => {
    await queue([update('ada@example.org', 1), signIn('ada@example.org')]);
    await t.sendMail();
    const [bulk] = smtp.to('ada@example.org').filter((m) => /Nouvelle 1/.test(m.subject));
    const raw = bulk.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    // Folded after the colon (RFC 5322) when the line is long: the URL itself stays whole.
    expect(raw).toMatch(/^List-Unsubscribe:\s+<https?:\/\/[^>\s]+>$/);
    const url = /<(https?:\/\/[^>]+)>/.exec(raw)![1];
    expect(url.startsWith(`http://${city.host}`)).toBe(true);
    expect(bulk.parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')!.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // The footer has the same link; the sign-in link has none, and says why it was sent.
    expect(bulk.html).toContain(`href="${url}"`);
    expect(bulk.text).toContain(url);
    const own = smtp.to('ada@example.org').find((m) => m.subject !== bulk.subject)!;
    expect(own.parsed.headerLines.some((h) => h.key.startsWith('list-unsubscribe'))).toBe(false);
    expect(own.text).toContain('Vous recevez ce message parce que vous avez demandé un lien de connexion');
    expect(own.text).not.toMatch(/unsubscribe/);

    const path = unsubscribePath(url);
    // Opening the link changes nothing (mail scanners open links): it shows what will stop.
    const shown = await t.http().get(path).set('Host', city.host).set('Accept', 'text/html').expect(200);
    expect(shown.text).toContain('ada@example.org');
    expect(shown.text).toContain('Actualités d&#x27;une campagne que vous soutenez');
    expect((await t.ds.query('SELECT count(*)::int AS n FROM email_suppression'))[0].n).toBe(0);

    // The mail client's one-click POST: no cookie, no CSRF token. Twice is once.
    for (let i = 0; i < 2; i++) {
      const res = await t.http().post(path).set('Host', city.host).type('form').send('List-Unsubscribe=One-Click');
      expect(res.status).toBe(200);
      expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => /session/i.test(c.split('=')[0]))).toBe(false);
    }
    expect(await t.ds.query('SELECT email_key, stream, scope_id FROM email_suppression')).toEqual([
      { email_key: 'ada@example.org', stream: 'campaign_updates', scope_id: CAMPAIGN },
    ]);

    // The next update of that campaign (to the same address, however written) is not sent; a sign-in
    // link, another stream and another campaign's updates are.
    const before = smtp.mails.length;
    await queue([update('Ada@Example.org ', 2), update('ada@example.org', 3, OTHER_CAMPAIGN), signIn('ada@example.org'), nudge('ada@example.org')]);
    await t.sendMail();
    const sent = smtp.mails.slice(before);
    expect(sent.map((m) => m.subject).some((s) => /Nouvelle 2/.test(s))).toBe(false);
    expect(sent.filter((m) => /Nouvelle 3/.test(m.subject))).toHaveLength(1);
    expect(sent).toHaveLength(3);
    expect(await statusOf('Ada@Example.org ', 'campaign-update')).toEqual(['suppressed']);
    expect(await statusOf('ada@example.org', 'sign-in-link')).toEqual(['sent', 'sent']);
    expect(await statusOf('ada@example.org', 'campaign-nudge')).toEqual(['sent']);
    // Another address of the same campaign still gets its updates.
    await queue([update('bob@example.org', 4)]);
    await t.sendMail();
    expect(smtp.to('bob@example.org')).toHaveLength(1);
  });

  it('refuses a forged, altered or foreign token with 404', async () => {
    await queue([nudge('cy@example.org')]);
    await t.sendMail();
    const raw = smtp.to('cy@example.org')[0].parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    const path = unsubscribePath(/<(https?:\/\/[^>]+)>/.exec(raw)![1]);
    const [body, sig] = path.slice('/unsubscribe/'.length).split('.');
    const forged = Buffer.from(JSON.stringify([city.tenant.id, 'eve@example.org', 'campaign_nudges', null])).toString('base64url');
    const flipped = sig.slice(0, 5) + (sig[5] === 'A' ? 'B' : 'A') + sig.slice(6);
    for (const bad of [`${forged}.${sig}`, `${body}.${flipped}`, 'nothing', `${body}`]) {
      await t.http().get(`/unsubscribe/${bad}`).set('Host', city.host).set('Accept', 'text/html').expect(404);
      await t.http().post(`/unsubscribe/${bad}`).set('Host', city.host).type('form').send('List-Unsubscribe=One-Click').expect(404);
    }
    // A genuine token of one authority opens nothing on another's site.
    const other = await createTenant(t);
    await t.http().get(path).set('Host', other.host).set('Accept', 'text/html').expect(404);
    await t.http().post(path).set('Host', other.host).type('form').send('List-Unsubscribe=One-Click').expect(404);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM email_suppression WHERE email_key IN ('eve@example.org', 'cy@example.org')`))[0].n).toBe(0);
  });

  it('unsubscribes from the page, in the reader’s language, and subscribes again', async () => {
    await queue([{ ...nudge('dee@example.org'), locale: 'nl' }]);
    await t.sendMail();
    const raw = smtp.to('dee@example.org')[0].parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    const path = unsubscribePath(/<(https?:\/\/[^>]+)>/.exec(raw)![1]);
    const agent = t.http();
    const page = await openPage(agent, city.host, `${path}?lang=nl`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Mij afmelden');
    const posted = await agent.post(path).set('Host', city.host).type('form').send({ _csrf: page.csrf });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe(`${path}?saved=unsubscribed`);
    const done = await openPage(agent, city.host, posted.headers.location);
    expect(done.html).toContain('U bent afgemeld.');
    expect(done.html).toContain('Opnieuw aanmelden');
    expect((await t.ds.query(`SELECT stream FROM email_suppression WHERE email_key = 'dee@example.org'`)).map((r: { stream: string }) => r.stream)).toEqual([
      'campaign_nudges',
    ]);
    // Subscribing again is a normal form (its CSRF token checked), and the next nudge leaves.
    await agent.post(`${path}/resubscribe`).set('Host', city.host).type('form').send({}).expect(403);
    const again = await agent.post(`${path}/resubscribe`).set('Host', city.host).type('form').send({ _csrf: done.csrf });
    expect(again.status).toBe(303);
    expect((await openPage(agent, city.host, again.headers.location)).html).toContain('U bent opnieuw aangemeld.');
    await queue([{ ...nudge('dee@example.org'), dedupeKey: 'nudge:dee:2' }]);
    await t.sendMail();
    expect(smtp.to('dee@example.org')).toHaveLength(2);
  });
});
