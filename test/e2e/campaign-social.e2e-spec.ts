import { randomUUID } from 'node:crypto';
import { AuthService } from '../../src/auth/auth.service.js';
import { mastodonInstance } from '../../src/campaigns/domain/share.js';
import { formatMoney } from '../../src/common/i18n/format.js';
import { campaignsTick, contributionBody, createCampaignProgramme, HOUR, webhook } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** An attribute's value as the browser reads it (Handlebars escapes `=`, `&`, quotes). */
const unescape = (s: string) =>
  s
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const hrefOf = (html: string, cls: string) => unescape(html.match(new RegExp(`<a class="${cls}" href="([^"]+)"`))![1]);

/** The campaign page around the collection (issue 17): wall, hero facts, sharing, reward picks, honest outcome. */
describe('campaign page: supporters, hero, sharing, rewards, outcome', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  const contribute = (campaignId: string, body: Record<string, unknown>) =>
    t.http().post(`/api/campaigns/${campaignId}/contributions`).set('Host', city.host).set('Idempotency-Key', randomUUID()).send(body);
  /** A contribution confirmed by the payment provider's webhook. */
  async function confirmed(campaignId: string, body: Record<string, unknown>): Promise<string> {
    const made = await contribute(campaignId, contributionBody(body)).expect(201);
    await webhook(t, city, {
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      data: { reference: made.body.id, amountCents: body.amountCents ?? 2_500 },
    }).expect(200);
    return made.body.id as string;
  }
  async function signIn(email: string, userId: string) {
    await t.app.get(AuthService).setPassword(city.tenant.id, userId, 'a long enough password');
    const browser = t.http();
    const page = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, email, password: 'a long enough password' })
      .expect(303);
    return browser;
  }

  beforeAll(async () => {
    t = await startTestApp({ config: { contributionRateLimit: 1000 } });
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows confirmed supporters newest first, ten a page, anonymous ones as "Anonyme", escaped, and lets only the laureate hide a message', async () => {
    const w = await createCampaignProgramme(t, city, staff, 2, { slug: 'wall', days: 14, settings: { paymentProvider: 'webhook' } });
    await w.open();
    const [c, c2] = w.campaigns;
    const path = `/programmes/wall/campaigns/${c.slug}`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      t.clock.advance(60_000);
      ids.push(
        await confirmed(c.id, {
          amountCents: 1_000 + i,
          displayName: `Soutien ${String(i).padStart(2, '0')}`,
          anonymous: i === 10,
          message: i === 11 ? '<script>alert(1)</script> Bravo & merci' : `Message numéro ${i}`,
          email: `wall-${i}@example.org`,
        }),
      );
    }
    await contribute(c.id, contributionBody({ displayName: 'Pas encore payé', email: 'pending@example.org' })).expect(201); // pending: not a supporter

    const first = (await openPage(t.http(), city.host, path)).html;
    const names = [...first.matchAll(/<p class="wall-name"><strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
    expect(names).toEqual([
      'Soutien 11',
      'Anonyme',
      'Soutien 09',
      'Soutien 08',
      'Soutien 07',
      'Soutien 06',
      'Soutien 05',
      'Soutien 04',
      'Soutien 03',
      'Soutien 02',
    ]);
    expect(first).not.toContain('Soutien 10'); // anonymous: never their name
    expect(first).not.toContain('Pas encore payé');
    expect(first).not.toContain('@example.org'); // never an e-mail
    expect(first).not.toContain('<script>alert');
    expect(first).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Bravo &amp; merci');
    expect(first).toContain('<p class="muted">12 contributions</p>');
    // The hero: supporters and days left (the window closes 14 days after it opened, 12 minutes ago).
    expect(first).toContain('<li class="hero-supporters">12 contributeurs</li>');
    expect(first).toContain('<li class="hero-days">14 jours restants</li>');
    expect(first).toMatch(new RegExp(`<a href="${path}\\?supporters&#x3D;2#supporters-title" rel="next">`));

    const second = (await openPage(t.http(), city.host, `${path}?supporters=2`)).html;
    expect([...second.matchAll(/<p class="wall-name"><strong>([^<]+)<\/strong>/g)].map((m) => m[1])).toEqual(['Soutien 01', 'Soutien 00']);
    expect(second).toMatch(new RegExp(`<a href="${path}#supporters-title" rel="prev">`));
    // A page past the end shows the last one; garbage shows the first.
    expect((await openPage(t.http(), city.host, `${path}?supporters=99`)).html).toContain('Soutien 00');
    expect((await openPage(t.http(), city.host, `${path}?supporters=abc`)).html).toContain('Soutien 11');

    // Only the campaign's laureate may hide a message: another laureate, staff and anonymous callers may not.
    const target = ids[5];
    const otherLaureate = await signIn(w.laureates[1].email, w.laureates[1].userId);
    const otherPage = await openPage(otherLaureate, city.host, `/campaigns/${c2.id}/edit`);
    await otherLaureate.post(`/campaigns/${c.id}/supporters/${target}/hide`).set('Host', city.host).type('form').send({ _csrf: otherPage.csrf }).expect(404);
    const staffBrowser = await signIn(staff.email, staff.userId);
    const staffPage = await openPage(staffBrowser, city.host, `/campaigns/${c.id}/edit`);
    expect(staffPage.html).toContain('Message numéro 5');
    expect(staffPage.html).not.toContain('/hide"'); // staff see the messages, without the button
    await staffBrowser.post(`/campaigns/${c.id}/supporters/${target}/hide`).set('Host', city.host).type('form').send({ _csrf: staffPage.csrf }).expect(404);
    const anonymous = await t.http().post(`/campaigns/${c.id}/supporters/${target}/hide`).set('Host', city.host).type('form').send({});
    expect([401, 403]).toContain(anonymous.status);
    // The other laureate's own campaign does not have this contribution either.
    await otherLaureate.post(`/campaigns/${c2.id}/supporters/${target}/hide`).set('Host', city.host).type('form').send({ _csrf: otherPage.csrf }).expect(404);

    const laureate = await signIn(w.laureates[0].email, w.laureates[0].userId);
    const editor = await openPage(laureate, city.host, `/campaigns/${c.id}/edit`);
    expect(editor.html).toContain(`/campaigns/${c.id}/supporters/${target}/hide`);
    // Without the CSRF token, nothing happens.
    expect((await laureate.post(`/campaigns/${c.id}/supporters/${target}/hide`).set('Host', city.host).type('form').send({})).status).toBe(403);
    const hidden = await laureate
      .post(`/campaigns/${c.id}/supporters/${target}/hide`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: editor.csrf, supporters: '1' })
      .expect(303);
    expect(hidden.headers.location).toBe(`/campaigns/${c.id}/edit?saved=message#wall-title`);
    const after = await openPage(laureate, city.host, `/campaigns/${c.id}/edit?saved=message`);
    expect(after.html).toContain('Le message est masqué sur le mur des soutiens.');
    expect(after.html).toContain('Message masqué');
    // Hiding again is harmless and audited once.
    await laureate.post(`/campaigns/${c.id}/supporters/${target}/hide`).set('Host', city.host).type('form').send({ _csrf: editor.csrf }).expect(303);
    const audit = await t.ds.query(`SELECT actor_user_id, data FROM audit_entry WHERE tenant_id = $1 AND action = 'campaign.message_hidden'`, [city.tenant.id]);
    expect(audit).toEqual([{ actor_user_id: w.laureates[0].userId, data: { contributionId: target } }]);

    // The public page forgets its cache at once (no clock moved): the message is gone, the name stays.
    const now = (await openPage(t.http(), city.host, path)).html;
    expect(now).not.toContain('Message numéro 5');
    expect(now).toContain('Soutien 05');
    expect(now).toContain('Message numéro 6');
    // A new confirmation shows at once too.
    await confirmed(c.id, { displayName: 'Nouvelle venue', email: 'new@example.org' });
    const fresh = (await openPage(t.http(), city.host, path)).html;
    expect(fresh).toContain('Nouvelle venue');
    expect(fresh).toContain('<li class="hero-supporters">13 contributeurs</li>');

    // In English, the same wall.
    const en = (await openPage(t.http(), city.host, `${path}?lang=en`)).html;
    expect(en).toContain('Anonymous');
    expect(en).toContain('13 supporters');
    expect(en).toContain('14 days left');
  });

  it('shares with plain links carrying the canonical URL, and sends Mastodon sharers only to an instance named by its host', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { slug: 'share' });
    await w.open();
    const [c] = w.campaigns;
    const path = `/programmes/share/campaigns/${c.slug}`;
    // The canonical URL comes from the authority's configured host, never from the request's headers.
    const res = await t.http().get(path).set('Host', city.host).set('X-Forwarded-Host', 'evil.example').set('X-Forwarded-Proto', 'https');
    const html = res.text;
    // The Mastodon form's redirect leaves the site: the page's policy lets a form lead to https only.
    expect(res.headers['content-security-policy']).toContain("form-action 'self' https:");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const url = unescape(html.match(/<input id="share-url" type="text" readonly value="([^"]+)">/)![1]);
    expect(url).toBe(`http://${city.host}${path}?lang=fr`);
    expect(unescape(html)).toContain(`<link rel="canonical" href="${url}">`);
    const title = unescape(html.match(/<input type="hidden" name="text" value="([^"]+)">/)![1]);
    expect(title).toBe(w.laureates[0].title);
    const enc = encodeURIComponent;
    expect(hrefOf(html, 'share-email')).toBe(`mailto:?subject=${enc(title)}&body=${enc(`Je soutiens « ${title} » et vous invite à le découvrir : ${url}`)}`);
    expect(hrefOf(html, 'share-facebook')).toBe(`https://www.facebook.com/sharer/sharer.php?u=${enc(url)}`);
    expect(hrefOf(html, 'share-linkedin')).toBe(`https://www.linkedin.com/sharing/share-offsite/?url=${enc(url)}`);
    expect(hrefOf(html, 'share-x')).toBe(`https://x.com/intent/post?text=${enc(title)}&url=${enc(url)}`);
    expect(hrefOf(html, 'share-whatsapp')).toBe(`https://wa.me/?text=${enc(`${title} ${url}`)}`);
    expect(hrefOf(html, 'share-bluesky')).toBe(`https://bsky.app/intent/compose?text=${enc(`${title} ${url}`)}`);
    expect(html).toMatch(/<a class="share-facebook" href="[^"]+">Partager sur Facebook<\/a>/); // an accessible name each
    expect(html).not.toMatch(/target="_blank"(?![^>]*noopener)/);
    // No third-party script: the only script is the site's own copy button, hidden until it runs.
    expect([...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])).toEqual(['/assets/share.js']);
    expect(html).toMatch(/<button type="button" class="secondary" data-copy="share-url" data-copied="Lien copié" hidden>Copier le lien<\/button>/);
    await t
      .http()
      .get('/assets/share.js')
      .set('Host', city.host)
      .expect(200)
      .expect('Content-Type', /javascript/);

    const mastodon = (instance: string, u = url) => t.http().get('/share/mastodon').set('Host', city.host).query({ url: u, text: title, instance });
    const ok = await mastodon('mastodon.social').expect(303);
    expect(ok.headers.location).toBe(`https://mastodon.social/share?text=${enc(`${title} ${url}`)}`);
    expect((await mastodon(' https://Piaille.FR/ ').expect(303)).headers.location).toMatch(/^https:\/\/piaille\.fr\/share\?text=/);
    expect((await mastodon('toot.café').expect(303)).headers.location).toMatch(/^https:\/\/toot\.xn--caf-dma\/share\?text=/);
    for (const bad of [
      'javascript:alert(1)',
      'javascript://mastodon.social/%0aalert(1)',
      'data:text/html,hi',
      'http://mastodon.social',
      '//evil.example',
      'evil.example/path',
      'evil.example/share?x=1',
      'evil.example:8443',
      'user@evil.example',
      'mastodon.social@evil.example',
      'evil.example#frag',
      'evil.example\\path',
      'evil..example',
      '-evil.example',
      'localhost',
      '127.0.0.1',
      'evil.example\r\nSet-Cookie: x=1',
    ]) {
      const res = await mastodon(bad);
      expect([bad, res.status, res.headers.location]).toEqual([bad, 400, undefined]);
    }
    const refused = await mastodon('evil.example:8443');
    expect(refused.text).toContain('Indiquez le nom d&#x27;une instance');
    expect(refused.text).toContain('value="evil.example:8443"');
    // Without an instance: the form alone. Another site's page is never shared through this route.
    expect((await mastodon('').expect(200)).text).toContain('name="instance"');
    await mastodon('mastodon.social', 'https://evil.example/phish').expect(404);
    await mastodon('mastodon.social', `http://${city.host}.evil.example${path}`).expect(404);
    expect(mastodonInstance('MASTODON.social.')).toBeNull();
  });

  it('links each available reward to the form with it chosen and its minimum filled in; a sold-out one is no link', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, {
      slug: 'rewards',
      rewards: [
        { title: 'Atelier', minAmountCents: 5_000, quantity: 1 },
        { title: 'Carte postale', minAmountCents: 1_500, quantity: 3, estimatedDelivery: '2027-03' },
        { title: 'Merci sur notre mur', minAmountCents: 1_000 },
      ],
    });
    const [c] = w.campaigns;
    const path = `/programmes/rewards/campaigns/${c.slug}`;
    const [atelier, carte] = c.rewards;
    // Before the window, no form: no links.
    expect((await openPage(t.http(), city.host, path)).html).not.toContain('?reward');
    await w.open();
    await contribute(c.id, contributionBody({ amountCents: 5_000, rewardTierId: atelier.id })).expect(201); // the only Atelier
    const html = (await openPage(t.http(), city.host, path)).html;
    expect(html).toContain('3 restantes');
    expect(html).toContain('Épuisée');
    expect(html).toContain('Livraison estimée : mars 2027');
    expect(html).not.toContain(`?reward&#x3D;${atelier.id}`);
    expect(html).toContain(
      `<a class="button reward-pick" href="${path}?reward&#x3D;${carte.id}#contribute-title">Choisir la contrepartie « Carte postale »</a>`,
    );

    const picked = t.http();
    const form = await openPage(picked, city.host, `${path}?reward=${carte.id}`);
    expect(form.html).toMatch(new RegExp(`id="reward-${carte.id}" name="rewardTierId" value="${carte.id}" checked`));
    expect(form.html).toMatch(/id="field-amount" name="amount" type="text" inputmode="decimal" autocomplete="transaction-amount" value="15"/);
    expect(form.html).not.toMatch(/id="reward-none" name="rewardTierId" value="" checked/);
    // A sold-out or unknown reward in the link is not picked.
    expect((await openPage(t.http(), city.host, `${path}?reward=${atelier.id}`)).html).toMatch(/id="reward-none" name="rewardTierId" value="" checked/);
    expect((await openPage(t.http(), city.host, `${path}?reward=nonsense`)).html).toMatch(/id="reward-none" name="rewardTierId" value="" checked/);

    // The form still checks the amount against the reward's minimum.
    const key = form.html.match(/name="idempotencyKey" value="([^"]+)"/)![1];
    const low = await picked
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, idempotencyKey: key, amount: '10', rewardTierId: carte.id, email: 'low@example.org' })
      .expect(400);
    expect(low.text).toContain(formatMoney(1_500, 'fr'));
    await picked
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, idempotencyKey: key, amount: '15', rewardTierId: carte.id, email: 'ok@example.org' })
      .expect(303);
    expect((await openPage(t.http(), city.host, path)).html).toContain('2 restantes');
  });

  it('shows what an unfunded campaign reached before its refunds, the laureate behind it, and the latest news', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, {
      slug: 'near-miss',
      goalCents: 700_000,
      days: 10,
      settings: { paymentProvider: 'webhook', settlementPolicy: 'all_or_nothing' },
    });
    await w.open();
    const [c] = w.campaigns;
    const path = `/programmes/near-miss/campaigns/${c.slug}`;
    await confirmed(c.id, { amountCents: 500_000, email: 'a@example.org' });
    await confirmed(c.id, { amountCents: 190_000, email: 'b@example.org' });
    await confirmed(c.id, { amountCents: 7_000, email: 'b@example.org' });
    // A chargeback during the window does not count at all.
    const back = await confirmed(c.id, { amountCents: 3_000, email: 'c@example.org' });
    await webhook(t, city, { id: `evt_${randomUUID()}`, type: 'refund.succeeded', data: { reference: back } }).expect(200);

    await t
      .http()
      .post(`/api/campaigns/${c.id}/updates`)
      .set(w.laureates[0].headers)
      .send({ title: { fr: 'L’atelier ouvre' }, body: { fr: `Nous avons trouvé un local. ${'Des vélos partout. '.repeat(20)}` } })
      .expect(201);
    const live = (await openPage(t.http(), city.host, path)).html;
    expect(live).toContain('Dernière actualité');
    expect(live).toContain('L’atelier ouvre');
    expect(live).toMatch(/Nous avons trouvé un local\. Des vélos[^<]{50,190}…<\/p>/);
    expect(live).toContain('<a href="#updates-title">Lire les actualités</a>');
    expect(live).toContain('Qui porte ce projet');
    expect(live).toContain('<strong>Porteur 1</strong>');
    expect(live).toContain('Structure : Structure 1');
    expect(live).toContain('Commune : Roubaix');

    t.clock.set(new Date(w.closesAt.getTime() - 12 * HOUR));
    expect((await openPage(t.http(), city.host, path)).html).toContain('<li class="hero-days">Dernier jour</li>');

    await w.close();
    await campaignsTick(t);
    const statuses = await t.ds.query(`SELECT status, count(*)::int AS n FROM contribution WHERE campaign_id = $1 GROUP BY status ORDER BY status`, [c.id]);
    expect(statuses).toEqual([
      { status: 'refund_due', n: 3 },
      { status: 'refunded', n: 1 },
    ]);
    const figure = `${formatMoney(697_000, 'fr')} sur ${formatMoney(700_000, 'fr')} — les contributions ont été remboursées`;
    const closed = (await openPage(t.http(), city.host, path)).html;
    expect(closed).toContain(figure);
    expect(closed).toContain('<li class="hero-days">Collecte terminée</li>');
    expect(closed).toContain('<li class="hero-supporters">2 contributeurs</li>');
    expect(closed).toContain('99'); // the bar: 99 %, never 100 % or 0 %

    // The refunds done and the counters zeroed (as the demo's history has them): the figure comes from the rows.
    await t.ds.query(`UPDATE contribution SET status = 'refunded' WHERE campaign_id = $1 AND status = 'refund_due'`, [c.id]);
    await t.ds.query(`UPDATE campaign SET collected_cents = 0, contributor_count = 0 WHERE id = $1`, [c.id]);
    t.clock.advance(5_000);
    const settled = (await openPage(t.http(), city.host, path)).html;
    expect(settled).toContain(figure);
    expect(settled).toContain('<li class="hero-supporters">2 contributeurs</li>');
    expect((await openPage(t.http(), city.host, `${path}?lang=en`)).html).toContain(
      `${formatMoney(697_000, 'en')} of ${formatMoney(700_000, 'en')} — the contributions were refunded`,
    );
    // The refunded supporters stay on the wall; the chargeback does not.
    expect([...settled.matchAll(/<p class="wall-name">/g)]).toHaveLength(3);
  });
});
