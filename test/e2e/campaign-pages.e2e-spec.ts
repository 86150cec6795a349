import { AuthService } from '../../src/auth/auth.service.js';
import { PageViewsService } from '../../src/campaigns/page-views.service.js';
import { createCampaignProgramme, STORY, webhook } from '../factories/campaigns.js';
import { createLaureates } from '../factories/coaching.js';
import { createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** A 1×1 PNG: recognised as an image by its first bytes. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

/** The campaign pages, server-rendered: every form works without JavaScript, in both languages. */
describe('campaign pages', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let other: TestTenant;
  let staff: TestPerson;

  async function signIn(tt: TestTenant, email: string, userId: string) {
    await t.app.get(AuthService).setPassword(tt.tenant.id, userId, 'a long enough password');
    const browser = t.http();
    const page = await openPage(browser, tt.host, '/sign-in');
    await browser.post('/sign-in/password').set('Host', tt.host).type('form').send({ _csrf: page.csrf, email, password: 'a long enough password' }).expect(303);
    return browser;
  }

  const keyOf = (html: string) => html.match(/name="idempotencyKey" value="([^"]+)"/)![1];
  const count = async (sql: string, params: unknown[]) => Number((await t.ds.query(sql, params))[0].n);

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url, paymentCheckoutUrl: 'https://pay.example/checkout' } });
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t);
    other = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('takes a citizen from the countdown to a confirmed contribution, with errors shown by field and one contribution per form', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, {
      slug: 'makers-pages',
      rewards: [
        { title: 'Atelier', minAmountCents: 5_000, quantity: 1 },
        { title: 'Carte postale', minAmountCents: 1_000 },
      ],
    });
    const [c] = w.campaigns;
    const path = `/programmes/makers-pages/campaigns/${c.slug}`;
    const citizen = t.http();

    // Staff add a cover with its description (a staff edit keeps the page approved); anyone may see a public campaign's image, cached.
    await t.http().post(`/api/campaigns/${c.id}/image`).set(staff.headers).field('imageAlt.fr', 'Un vélo réparé').attach('image', PNG, 'velo.png').expect(200);
    const img = await t.http().get(`/campaigns/${c.id}/image`).set('Host', city.host).expect(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    await t.http().get(`/campaigns/${c.id}/image`).set('Host', other.host).expect(404);

    // Before the window: a countdown and "notify me", no contribute form.
    const before = await openPage(citizen, city.host, `${path}?lang=en`);
    expect(before.html).toMatch(
      /<picture class="campaign-cover"><source type="image\/webp" srcset="\/images\/[0-9a-f-]+\.webp 1w" sizes="[^"]+"><img class="campaign-image" src="\/images\/[0-9a-f-]+\.png" srcset="\/images\/[0-9a-f-]+\.png 1w" sizes="[^"]+" width="1" height="1" alt="Un vélo réparé" lang="fr" fetchpriority="high"><\/picture>/,
    );
    expect(before.html).toMatch(
      new RegExp(`<meta property="og:image" content="http://${city.host}/images/[0-9a-f-]+\\.png">\\s*<meta property="og:image:width" content="1">`),
    );
    expect(before.status).toBe(200);
    expect(before.html).toContain('The collection opens very soon');
    expect(before.html).toContain('Be told when the collection opens');
    expect(before.html).not.toContain('name="idempotencyKey"');
    expect(before.html).toContain(STORY);
    expect(before.html).toMatch(/<meta property="og:title" content="[^"]+">/);
    const badNotify = await citizen.post(`${path}/notify`).set('Host', city.host).type('form').send({ _csrf: before.csrf, email: 'nope' });
    expect(badNotify.status).toBe(400);
    expect(badNotify.text).toContain('href="#field-notifyEmail"');
    const notified = await citizen
      .post(`${path}/notify`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: before.csrf, email: 'fan@example.org' })
      .expect(303);
    expect(notified.headers.location).toContain('subscribed=1');
    expect((await openPage(citizen, city.host, `${path}?subscribed=1&lang=fr`)).html).toContain('nous vous écrirons');

    await w.open();
    await t.sendMail();
    expect(smtp.to('fan@example.org')).toHaveLength(1);

    // In the window: mistakes are shown next to their fields, with what was typed kept.
    const open = await openPage(citizen, city.host, `${path}?lang=en`);
    expect(open.html).toContain('Contribute to this project');
    const key = keyOf(open.html);
    const wrong = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: open.csrf, idempotencyKey: key, locale: 'en', amount: 'twenty', email: 'not-an-address', displayName: 'Camille', message: 'Bravo !' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('class="error-summary"');
    expect(wrong.text).toContain('href="#field-amount"');
    expect(wrong.text).toContain('href="#field-email"');
    expect(wrong.text).toContain('Enter an amount in euros of at least €1');
    expect(wrong.text).toContain('value="Camille"');
    expect(wrong.text).toContain('Bravo !');
    // A billion euros is refused with the maximum, not the minimum.
    const tooMuch = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: open.csrf, idempotencyKey: key, locale: 'en', amount: '1000000000', email: 'camille@example.org' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.text).toContain('Enter an amount of at most €100,000,000');
    expect(tooMuch.text).not.toContain('of at least €1');
    const belowReward = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: open.csrf, idempotencyKey: key, locale: 'en', amount: '10', rewardTierId: c.rewards[0].id, email: 'camille@example.org' });
    expect(belowReward.status).toBe(400);
    expect(belowReward.text).toContain('This reward asks for at least €50');

    // A double submit of the same form makes one contribution.
    const form = {
      _csrf: open.csrf,
      idempotencyKey: key,
      locale: 'en',
      amount: '25,50',
      rewardTierId: '',
      email: 'camille@example.org',
      displayName: 'Camille',
      message: 'Bravo !',
    };
    const first = await citizen.post(`${path}/contribute`).set('Host', city.host).type('form').send(form).expect(303);
    const second = await citizen.post(`${path}/contribute`).set('Host', city.host).type('form').send(form).expect(303);
    expect(first.headers.location).toMatch(/^\/contributions\/[0-9a-f-]{36}$/);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await count(`SELECT count(*) AS n FROM contribution WHERE campaign_id = $1`, [c.id])).toBe(1);
    // The same key with other values is refused, with a new key to send again.
    const changed = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ ...form, amount: '30' });
    expect(changed.status).toBe(409);
    expect(keyOf(changed.text)).not.toBe(key);

    const pending = await openPage(citizen, city.host, `${first.headers.location}?lang=en`);
    expect(pending.status).toBe(200);
    expect(pending.html).toContain('Check your e-mail to confirm your contribution');
    expect(pending.html).toContain('€25.50');

    // The e-mailed link opens a page with a button; only the button confirms.
    await t.sendMail();
    const mail = smtp.to('camille@example.org').find((m) => /Confirm/.test(m.subject))!;
    const link = new URL(linkIn(mail, '/contributions/confirm'));
    const confirmPage = await openPage(citizen, city.host, `${link.pathname}${link.search}&lang=en`);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.html).toContain('Confirm my contribution');
    expect(await count(`SELECT count(*) AS n FROM contribution WHERE campaign_id = $1 AND status = 'confirmed'`, [c.id])).toBe(0);
    const forged = await citizen.post('/contributions/confirm').set('Host', city.host).type('form').send({ _csrf: confirmPage.csrf, token: 'forged-token' });
    expect(forged.status).toBe(404);
    const confirmed = await citizen
      .post('/contributions/confirm')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: confirmPage.csrf, token: link.searchParams.get('token') })
      .expect(303);
    expect(confirmed.headers.location).toBe(first.headers.location);
    const status = await openPage(citizen, city.host, `${first.headers.location}?lang=en`);
    expect(status.html).toContain('your contribution is confirmed');
    expect(status.html).toMatch(/Your receipt number is C2026-\d{7}/);

    // The totals on the campaign page; a sold-out reward is refused with its message.
    const after = await openPage(citizen, city.host, `${path}?lang=en`);
    expect(after.html).toContain('€25.50 collected');
    expect(after.html).toContain('1 supporter');
    const atelier = { ...form, idempotencyKey: keyOf(after.html), _csrf: after.csrf, amount: '50', rewardTierId: c.rewards[0].id, email: 'lea@example.org' };
    await citizen.post(`${path}/contribute`).set('Host', city.host).type('form').send(atelier).expect(303);
    const again = await openPage(citizen, city.host, `${path}?lang=en`);
    expect(again.html).toContain('Sold out');
    const soldOut = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ ...atelier, idempotencyKey: keyOf(again.html), email: 'max@example.org' });
    expect(soldOut.status).toBe(409);
    expect(soldOut.text).toContain('This reward is sold out.');
    expect(soldOut.text).toContain('href="#field-rewardTierId"');

    // Another authority's address knows neither the page nor the contribution.
    expect((await openPage(t.http(), other.host, path)).status).toBe(404);
    expect((await openPage(t.http(), other.host, first.headers.location)).status).toBe(404);

    // After the window: the outcome, and a late form is refused with the reason.
    const late = await openPage(citizen, city.host, `${path}?lang=en`);
    await w.close();
    const closed = await openPage(citizen, city.host, `${path}?lang=en`);
    expect(closed.html).toContain('This campaign did not reach its goal.');
    expect(closed.html).toContain('Not funded');
    expect(closed.html).not.toContain('name="idempotencyKey"');
    const refused = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ ...form, _csrf: late.csrf, idempotencyKey: keyOf(late.html), email: 'late@example.org' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('The collection is closed.');
  });

  it('shows a campaign written in French only to English readers in French, marked lang="fr", and two-language rewards and FAQ per language', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { slug: 'makers-languages' });
    const [c] = w.campaigns;
    await t
      .http()
      .patch(`/api/campaigns/${c.id}`)
      .set(staff.headers)
      .send({
        title: { fr: 'Atelier des langues' },
        summary: { fr: 'Un résumé en français seulement' },
        rewards: [
          { title: { fr: 'Carte postale', en: 'Postcard' }, description: { fr: 'Une carte dessinée', en: 'A hand-drawn card' }, minAmountCents: 1_000 },
          { title: { fr: 'Visite' }, minAmountCents: 2_000 },
        ],
        faq: [{ question: { fr: 'Où est l’atelier ?', en: 'Where is the workshop?' }, answer: { fr: 'Au port.', en: 'At the harbour.' } }],
      })
      .expect(200);
    const path = `/programmes/makers-languages/campaigns/${c.slug}`;

    const en = (await openPage(t.http(), city.host, `${path}?lang=en`)).html;
    expect(en).toContain('<html lang="en"');
    // Text the laureate wrote in French only: shown, and marked as French.
    expect(en).toContain('<h1><span lang="fr">Atelier des langues</span></h1>');
    expect(en).toContain('<p class="lead" lang="fr">Un résumé en français seulement</p>');
    expect(en).toMatch(new RegExp(`<div class="campaign-story"><div lang="fr"><p>${STORY}</p></div></div>`));
    expect(en).toContain('<title>Atelier des langues');
    expect(en).toMatch(/<meta property="og:title" content="Atelier des langues">/);
    // Written in both: each language its own, without a lang mark.
    expect(en).toContain('<h3>Postcard</h3>');
    expect(en).toContain('<p class="pre-line">A hand-drawn card</p>');
    expect(en).toContain('<h3><span lang="fr">Visite</span></h3>');
    expect(en).toContain('<dt>Where is the workshop?</dt>');
    expect(en).toContain('<dd class="pre-line">At the harbour.</dd>');
    expect(en).not.toContain('Carte postale');

    const fr = (await openPage(t.http(), city.host, `${path}?lang=fr`)).html;
    expect(fr).toContain('<h1>Atelier des langues</h1>');
    expect(fr).toMatch(new RegExp(`<div class="campaign-story"><p>${STORY}</p></div>`));
    expect(fr).toContain('<h3>Carte postale</h3>');
    expect(fr).toContain('<dt>Où est l’atelier ?</dt>');
    expect(fr).not.toContain('Postcard');
    expect(fr).not.toContain('lang="en">Postcard');

    // The programme page's card follows the same rule.
    const programme = (await openPage(t.http(), city.host, '/programmes/makers-languages?lang=en')).html;
    expect(programme).toContain('<span lang="fr">Atelier des langues</span></a></h3>');

    // The laureate's editor: one field per language the authority offers, named in that language, the missing ones marked.
    const laureate = await signIn(city, c.laureate.email, c.laureate.userId);
    const edit = (await openPage(laureate, city.host, `/campaigns/${c.id}/edit?lang=en`)).html;
    expect(edit).toMatch(/<label for="field-title"><span lang="fr">Français<\/span> <span class="required">/);
    expect(edit).toMatch(/<label for="field-title.en"><span lang="en">English<\/span> <span class="badge badge-muted">not translated yet<\/span><\/label>/);
    expect(edit).toMatch(/<input id="field-title.en" name="title.en" type="text" value="" lang="en"/);
    expect(edit).toMatch(/<input id="field-rewards.0.title.en" name="rewards.0.title.en" type="text" value="Postcard" lang="en"/);
  });

  it('lets a laureate write and submit their campaign through forms, and staff review it and set the money rules', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'coaching' });
    const [ana, ben] = await createLaureates(t, city, staff, programme.id, 2, { prefix: 'pages' });
    const laureate = await signIn(city, ana.email, ana.userId);

    const me = await openPage(laureate, city.host, '/me?lang=en');
    expect(me.html).toContain(`/programmes/${programme.id}/campaign`);
    const started = await laureate.get(`/programmes/${programme.id}/campaign`).set('Host', city.host).set('Accept', 'text/html').expect(303);
    const editPath = started.headers.location as string;
    expect(editPath).toMatch(/^\/campaigns\/[0-9a-f-]{36}\/edit$/);
    const campaignId = editPath.split('/')[2];
    const edit = await openPage(laureate, city.host, `${editPath}?lang=en`);
    expect(edit.status).toBe(200);
    expect(edit.html).toContain('Draft');

    const wrong = await laureate.post(editPath).set('Host', city.host).type('form').send({
      _csrf: edit.csrf,
      'title.fr': ana.title,
      'summary.fr': 'Vélos',
      'story.fr': STORY,
      goalEuros: 'a lot',
      'imageAlt.fr': '',
      'rewards.0.title.fr': '',
      'rewards.0.minAmount': '10',
      'faq.1.question.fr': 'Où ?',
      'faq.1.answer.fr': '',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('href="#field-goalEuros"');
    expect(wrong.text).toContain('href="#field-rewards.0.title"');
    expect(wrong.text).toContain('href="#field-faq.1.answer"');
    expect(wrong.text).toContain('value="Où ?"');

    await laureate
      .post(editPath)
      .set('Host', city.host)
      .type('form')
      .send({
        _csrf: edit.csrf,
        'title.fr': ana.title,
        'summary.fr': 'Des vélos réparés pour le quartier',
        'story.fr': `${STORY}\n\nDeuxième paragraphe.`,
        goalEuros: '3 000',
        'imageAlt.fr': '',
        'faq.0.question.fr': 'Où ?',
        'faq.0.answer.fr': 'Au port.',
        'rewards.0.title.fr': 'Révision',
        'rewards.0.minAmount': '25,50',
        'rewards.0.quantity': '10',
        'rewards.0.estimatedDelivery': '2026-12',
        'rewards.0.matchEligible': 'yes',
      })
      .expect(303);
    const saved = (await t.http().get(`/api/campaigns/${campaignId}`).set(ana.headers).expect(200)).body;
    expect(saved).toMatchObject({ goalCents: 300_000, faq: [{ question: { fr: 'Où ?' }, answer: { fr: 'Au port.' } }] });
    expect(saved.story.fr).toContain('<p>Deuxième paragraphe.</p>');
    expect(saved.rewards).toEqual([
      expect.objectContaining({
        title: { fr: 'Révision' },
        minAmountCents: 2_550,
        quantity: 10,
        remaining: 10,
        estimatedDelivery: '2026-12',
        matchEligible: true,
      }),
    ]);

    // A cover needs its description, and must be an image.
    const withImage = await openPage(laureate, city.host, `${editPath}?lang=en`);
    const coverPath = `/campaigns/${campaignId}/image?_csrf=${encodeURIComponent(withImage.csrf)}`;
    const noAlt = await laureate.post(coverPath).set('Host', city.host).attach('cover', PNG, 'velo.png');
    expect(noAlt.status).toBe(400);
    expect(noAlt.text).toContain('href="#field-imageAlt"');
    const notImage = await laureate
      .post(coverPath)
      .set('Host', city.host)
      .field('imageAlt.fr', 'Un vélo')
      .attach('cover', Buffer.from('not an image'), 'x.png');
    expect(notImage.status).toBe(400);
    expect(notImage.text).toContain('href="#field-cover"');
    expect(notImage.text).toContain('value="Un vélo"'); // the description typed is kept
    await laureate.post(coverPath).set('Host', city.host).field('imageAlt.fr', 'Un vélo réparé devant l’atelier').attach('cover', PNG, 'velo.png').expect(303);
    const img = await laureate.get(`/campaigns/${campaignId}/image`).set('Host', city.host).expect(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['cache-control']).toMatch(/private/);
    await t.http().get(`/campaigns/${campaignId}/image`).set('Host', city.host).expect(404); // not public yet
    const page = await openPage(laureate, city.host, `${editPath}?lang=en`);
    const fields: Record<string, string> = {};
    for (const m of page.html.matchAll(/<input id="field-([^"]+)" name="([^"]+)" type="(?:text|number|month)" value="([^"]*)"/g))
      fields[m[2]] = m[3].replace(/&#x27;/g, "'");
    for (const m of page.html.matchAll(/<input type="hidden" name="(rewards\.\d+\.id)" value="([^"]+)"/g)) fields[m[1]] = m[2];
    await laureate
      .post(editPath)
      .set('Host', city.host)
      .type('form')
      .send({
        ...fields,
        _csrf: page.csrf,
        'summary.fr': 'Des vélos réparés pour le quartier',
        'story.fr': STORY,
        'faq.0.answer.fr': 'Au port.',
        'rewards.0.matchEligible': 'yes',
      })
      .expect(303);
    expect((await t.http().get(`/api/campaigns/${campaignId}`).set(ana.headers)).body.rewards[0].id).toBe(saved.rewards[0].id); // the tier is kept, not recreated
    await laureate.post(`/campaigns/${campaignId}/submit`).set('Host', city.host).type('form').send({ _csrf: page.csrf }).expect(303);
    expect((await openPage(laureate, city.host, `${editPath}?lang=en`)).html).toContain('In review');

    // Nobody else's: another laureate, another authority.
    const benBrowser = await signIn(city, ben.email, ben.userId);
    expect((await openPage(benBrowser, city.host, editPath)).status).toBe(404);
    const otherStaff = await createPerson(t, other, 'staff');
    const otherBrowser = await signIn(other, otherStaff.email, otherStaff.userId);
    expect((await openPage(otherBrowser, other.host, editPath)).status).toBe(404);
    expect((await openPage(otherBrowser, other.host, `/staff/programmes/${programme.id}/campaigns`)).status).toBe(404);

    // Staff review through the form: a request for changes needs a comment; then approve.
    const st = await signIn(city, staff.email, staff.userId);
    const desk = await openPage(st, city.host, `/staff/programmes/${programme.id}?lang=en`);
    expect(desk.html).toContain(`/staff/programmes/${programme.id}/campaigns`);
    const list = await openPage(st, city.host, `/staff/programmes/${programme.id}/campaigns?lang=en`);
    expect(list.status).toBe(200);
    expect(list.html).toContain('In review');
    expect(list.html).toContain('Not started'); // ben has not opened his yet
    expect((await openPage(st, city.host, `${editPath}?lang=en`)).html).toContain('Un vélo réparé'); // the preview works for staff
    const review = `/staff/programmes/${programme.id}/campaigns/${campaignId}/review`;
    const noComment = await st.post(review).set('Host', city.host).type('form').send({ _csrf: list.csrf, decision: 'request_changes', comment: '' });
    expect(noComment.status).toBe(400);
    expect(noComment.text).toContain(`href="#field-comment-${campaignId}"`);
    await st.post(review).set('Host', city.host).type('form').send({ _csrf: list.csrf, decision: 'approve', comment: 'Bravo.' }).expect(303);
    expect((await t.http().get(`/api/campaigns/${campaignId}`).set(ana.headers)).body.status).toBe('approved');

    // The money rules: settings and a partner's budget, through forms.
    const settingsPath = `/staff/programmes/${programme.id}/campaign-settings`;
    const badSettings = await st.post(settingsPath).set('Host', city.host).type('form').send({
      _csrf: list.csrf,
      paymentProvider: 'pledge',
      settlementPolicy: 'all_or_nothing',
      pendingGraceHours: 'soon',
      matchFactorPercent: '100',
    });
    expect(badSettings.status).toBe(400);
    expect(badSettings.text).toContain('href="#field-pendingGraceHours"');
    await st
      .post(settingsPath)
      .set('Host', city.host)
      .type('form')
      .send({
        _csrf: list.csrf,
        paymentProvider: 'pledge',
        settlementPolicy: 'keep_it_all',
        matchCountsTowardGoal: 'yes',
        pendingGraceHours: '48',
        matchFactorPercent: '100',
        matchCapPerContributionEuros: '20',
        matchCapPerCampaignEuros: '',
        matchMaxPerContributor: '1',
      })
      .expect(303);
    const partner = (
      await t
        .http()
        .post(`/api/programmes/${programme.id}/partners`)
        .set(staff.headers)
        .send({ name: 'Banque locale', expertise: ['finance'], capacity: 2 })
        .expect(201)
    ).body;
    const budgetPath = `/staff/programmes/${programme.id}/match-budgets`;
    const noPartner = await st
      .post(budgetPath)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: list.csrf, partnerId: '', kind: 'ratio', scope: 'all', totalEuros: '500' });
    expect(noPartner.status).toBe(400);
    expect(noPartner.text).toContain('href="#field-partnerId"');
    await st
      .post(budgetPath)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: list.csrf, partnerId: partner.id, kind: 'ratio', scope: 'all', totalEuros: '500' })
      .expect(303);
    await st
      .post(budgetPath)
      .set('Host', city.host)
      .type('form')
      .send({
        _csrf: list.csrf,
        partnerId: partner.id,
        kind: 'grant',
        scope: 'all',
        totalEuros: '1000',
        grantEuros: '250',
        grantThresholdPercent: '50',
        grantMinContributors: '10',
      })
      .expect(303);
    const rules = (await t.http().get(`/api/programmes/${programme.id}/campaign-settings`).set(staff.headers).expect(200)).body;
    expect(rules.settings).toMatchObject({
      settlementPolicy: 'keep_it_all',
      pendingGraceHours: 48,
      matchFactorPercent: 100,
      matchCapPerContributionCents: 2_000,
      matchCapPerCampaignCents: null,
      matchMaxPerContributor: 1,
    });
    expect(rules.budgets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'ratio', totalCents: 50_000 }),
        expect.objectContaining({ kind: 'grant', totalCents: 100_000, grantCents: 25_000, grantThresholdPercent: 50, grantMinContributors: 10 }),
      ]),
    );
    const shown = await openPage(st, city.host, `/staff/programmes/${programme.id}/campaigns?lang=en`);
    expect(shown.html).toContain('Banque locale');
    expect(shown.html).toContain('Approved');
  });

  it('shows the laureate their totals during the window, lets them post news and download their contributors', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1);
    await w.open();
    const [c] = w.campaigns;
    await t
      .http()
      .post(`/api/campaigns/${c.id}/contributions`)
      .set({ Host: city.host, 'Idempotency-Key': 'k-news-0001' })
      .send({ amountCents: 4_000, email: 'supporter@example.org', displayName: 'Sam', consentCampaignNews: true })
      .expect(201);
    await t.sendMail();
    const token = new URL(linkIn(smtp.to('supporter@example.org').at(-1)!, '/contributions/confirm')).searchParams.get('token');
    await t.http().post('/api/contributions/confirm').set('Host', city.host).send({ token }).expect(200);

    const laureate = await signIn(city, c.laureate.email, c.laureate.userId);
    const edit = await openPage(laureate, city.host, `/campaigns/${c.id}/edit?lang=en`);
    expect(edit.html).toContain('€40 collected');
    expect(edit.html).not.toContain('action="/campaigns/' + c.id + '/edit"'); // live: no more editing
    const empty = await laureate
      .post(`/campaigns/${c.id}/updates`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: edit.csrf, idempotencyKey: keyOf(edit.html), 'update-title.fr': '', 'update-body.fr': '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('href="#field-update-title"');
    const news = {
      _csrf: edit.csrf,
      idempotencyKey: edit.html.match(/name="idempotencyKey" value="([^"]+)"/)![1],
      'update-title.fr': 'Premières pièces',
      'update-body.fr': 'Merci, les pièces sont commandées.',
    };
    await laureate.post(`/campaigns/${c.id}/updates`).set('Host', city.host).type('form').send(news).expect(303);
    await laureate.post(`/campaigns/${c.id}/updates`).set('Host', city.host).type('form').send(news).expect(303); // a double submit posts once
    expect(await count(`SELECT count(*) AS n FROM campaign_update WHERE campaign_id = $1`, [c.id])).toBe(1);
    await t.sendMail();
    expect(smtp.to('supporter@example.org').some((m) => m.text.includes('les pièces sont commandées'))).toBe(true);
    const pagePath = `/programmes/${w.programme.slug}/campaigns/${c.slug}`;
    expect((await openPage(t.http(), city.host, pagePath)).html).toContain('Premières pièces');

    // The CSV link works with the session cookie.
    const csv = await laureate.get(`/api/campaigns/${c.id}/contributors.csv`).set('Host', city.host).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain('supporter@example.org');
  });

  it('sends a contributor to the payment provider from the status page, which then shows the receipt or the refund', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'webhook' } });
    await w.open();
    const path = `/programmes/${w.programme.slug}/campaigns/${w.campaigns[0].slug}`;
    const citizen = t.http();
    const open = await openPage(citizen, city.host, `${path}?lang=en`);
    const made = await citizen
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: open.csrf, idempotencyKey: keyOf(open.html), locale: 'en', amount: '40.00', email: 'payer@example.org', anonymous: 'yes' })
      .expect(303);
    // Straight to the provider's page (https); the status page leads there again.
    const checkout = new URL(made.headers.location as string);
    expect(checkout.origin + checkout.pathname).toBe('https://pay.example/checkout');
    const id = checkout.searchParams.get('reference')!;
    made.headers.location = `/contributions/${id}`;
    const pending = await openPage(citizen, city.host, made.headers.location);
    expect(pending.html).toContain('Continue to payment');
    expect(pending.html).toContain(`href="https://pay.example/checkout?reference&#x3D;${id}&amp;amount&#x3D;4000`);
    expect(pending.html).not.toContain('Check your e-mail');

    await webhook(t, city, { id: `evt-${id}`, type: 'payment.succeeded', data: { reference: id, amountCents: 4_000 } }).expect(200);
    const paid = await openPage(citizen, city.host, made.headers.location);
    expect(paid.html).not.toContain('Continue to payment');
    expect(paid.html).toMatch(/Your receipt number is C2026-\d{7}/);
    expect(paid.html).toContain('Anonymous');
    await webhook(t, city, { id: `evt-r-${id}`, type: 'refund.succeeded', data: { reference: id } }).expect(200);
    expect((await openPage(citizen, city.host, made.headers.location)).html).toContain('This contribution was refunded');
  });

  it('counts a page view for a browser and not for a bot', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1);
    const [c] = w.campaigns;
    const path = `/programmes/${w.programme.slug}/campaigns/${c.slug}`;
    const views = t.app.get(PageViewsService);
    await views.flush();
    await t.http().get(path).set({ Host: city.host, 'User-Agent': BROWSER_UA }).expect(200);
    await t.http().get(`${path}?lang=en`).set({ Host: city.host, 'User-Agent': BROWSER_UA }).expect(200);
    await t.http().get(path).set({ Host: city.host, 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }).expect(200);
    await t.http().get(path).set({ Host: city.host, 'User-Agent': 'facebookexternalhit/1.1' }).expect(200);
    await views.flush();
    expect(await count(`SELECT page_views AS n FROM campaign WHERE id = $1`, [c.id])).toBe(2);
    // Another authority's address does not find it (and counts nothing).
    await t.http().get(path).set({ Host: other.host, 'User-Agent': BROWSER_UA }).expect(404);
    await views.flush();
    expect(await count(`SELECT page_views AS n FROM campaign WHERE id = $1`, [c.id])).toBe(2);
    // A flush called while the timer's is still writing waits for it: what was recorded before it is
    // in the database when it resolves.
    // (The campaign's row held by another transaction for a moment keeps the first one writing.)
    await t.http().get(path).set({ Host: city.host, 'User-Agent': BROWSER_UA }).expect(200);
    const holder = t.ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT 1 FROM campaign WHERE id = $1 FOR UPDATE', [c.id]);
    void views.flush();
    const released = new Promise((r) => setTimeout(r, 300)).then(() => holder.commitTransaction());
    await views.flush();
    expect(await count(`SELECT page_views AS n FROM campaign WHERE id = $1`, [c.id])).toBe(3);
    await released;
    await holder.release();
  });
});
