import { randomUUID } from 'node:crypto';
import { createLaureates } from '../factories/coaching.js';
import { campaignsTick, contributionBody, createCampaignProgramme, DAY, HOUR, webhook, writeAndApprove } from '../factories/campaigns.js';
import { createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const key = () => `k-${randomUUID()}`;

describe('campaigns: review, synchronised window, contributions, webhooks, settlement', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let other: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t);
    other = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const contribute = (campaignId: string, body: Record<string, unknown>, idem: string | null = key(), host = city.host) => {
    const req = t.http().post(`/api/campaigns/${campaignId}/contributions`).set('Host', host);
    return (idem ? req.set('Idempotency-Key', idem) : req).send(body);
  };
  const publicView = (campaignId: string) => t.http().get(`/api/campaigns/${campaignId}/public`).set('Host', city.host);

  it('lets a laureate write a campaign that staff review, and keeps it to its laureate and tenant', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'coaching' });
    const [ana, ben] = await createLaureates(t, city, staff, programme.id, 2);
    const mine = await t.http().get(`/api/programmes/${programme.id}/campaigns/mine`).set(ana.headers).expect(200);
    expect(mine.body).toMatchObject({ status: 'draft', title: { fr: ana.title }, collectedCents: 0 });
    // The same call again finds the same draft.
    expect((await t.http().get(`/api/programmes/${programme.id}/campaigns/mine`).set(ana.headers)).body.id).toBe(mine.body.id);

    const incomplete = await t.http().post(`/api/campaigns/${mine.body.id}/submit`).set(ana.headers).expect(400);
    expect(incomplete.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(incomplete.body.errors.map((e: { field: string }) => e.field)).toContain('story');

    const bad = await t
      .http()
      .patch(`/api/campaigns/${mine.body.id}`)
      .set(ana.headers)
      .send({ goalCents: 50, rewards: [{ title: { fr: '' }, minAmountCents: 10 }] })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['goalCents', 'rewards.0.title', 'rewards.0.minAmountCents']),
    );

    const patched = await t
      .http()
      .patch(`/api/campaigns/${mine.body.id}`)
      .set(ana.headers)
      .send({
        summary: { fr: 'Vélos réparés', en: ' ' },
        goalCents: 300_000,
        story: {
          fr: '<p onclick="x()">Un atelier <script>alert(1)</script><strong>ouvert</strong> à tous, avec des pièces de réemploi.</p><a href="javascript:alert(1)">lien</a>',
          en: '<p>A <em>workshop</em> open to all<img src=x onerror="alert(1)"></p>',
        },
        rewards: [
          { title: { fr: 'Carte postale', en: 'Postcard' }, minAmountCents: 1_000 },
          { title: { fr: 'Révision' }, minAmountCents: 5_000, quantity: 10, estimatedDelivery: '2026-12' },
        ],
        faq: [{ question: { fr: 'Où ?', en: 'Where?' }, answer: { fr: 'Au port.' } }],
      })
      .expect(200);
    // Each language's story is sanitised on its own; an empty language is not stored.
    expect(patched.body.story.fr).toContain('<strong>ouvert</strong>');
    expect(patched.body.story.fr).not.toMatch(/script|onclick|javascript/);
    expect(patched.body.story.en).toContain('<em>workshop</em>');
    expect(patched.body.story.en).not.toMatch(/onerror|<img/);
    expect(patched.body.summary).toEqual({ fr: 'Vélos réparés' });
    expect(patched.body.faq).toEqual([{ question: { fr: 'Où ?', en: 'Where?' }, answer: { fr: 'Au port.' } }]);
    expect(patched.body.rewards.map((r: { title: Record<string, string>; remaining: number | null }) => [r.title, r.remaining])).toEqual([
      [{ fr: 'Carte postale', en: 'Postcard' }, null],
      [{ fr: 'Révision' }, 10],
    ]);
    // A text must be a map of the installation's languages, each within its length.
    const notAMap = await t
      .http()
      .patch(`/api/campaigns/${mine.body.id}`)
      .set(ana.headers)
      .send({ title: 'Vélo', summary: { xx: 'Vélo' } })
      .expect(400);
    expect(notAMap.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['title', 'summary']));
    await t
      .http()
      .patch(`/api/campaigns/${mine.body.id}`)
      .set(ana.headers)
      .send({ title: { fr: 'x'.repeat(141) } })
      .expect(400);
    await t
      .http()
      .patch(`/api/campaigns/${mine.body.id}`)
      .set(ana.headers)
      .send({ title: { fr: ' ', en: '' } })
      .expect(400);

    // Nobody else sees or edits it: another laureate, another tenant's staff.
    await t.http().get(`/api/campaigns/${mine.body.id}`).set(ben.headers).expect(404);
    await t
      .http()
      .patch(`/api/campaigns/${mine.body.id}`)
      .set(ben.headers)
      .send({ title: { fr: 'x' } })
      .expect(404);
    const otherStaff = await createPerson(t, other, 'staff');
    await t.http().get(`/api/campaigns/${mine.body.id}`).set(otherStaff.headers).expect(404);
    await t.http().post(`/api/programmes/${programme.id}/campaigns/${mine.body.id}/review`).set(otherStaff.headers).send({ decision: 'approve' }).expect(404);
    // Not public before approval and the communication phase.
    await publicView(mine.body.id).expect(404);

    await t.http().post(`/api/campaigns/${mine.body.id}/submit`).set(ana.headers).expect(200);
    const noComment = await t
      .http()
      .post(`/api/programmes/${programme.id}/campaigns/${mine.body.id}/review`)
      .set(staff.headers)
      .send({ decision: 'request_changes' })
      .expect(400);
    expect(noComment.body.errors[0].field).toBe('comment');
    await t
      .http()
      .post(`/api/programmes/${programme.id}/campaigns/${mine.body.id}/review`)
      .set(staff.headers)
      .send({ decision: 'request_changes', comment: 'Ajoutez une photo.' })
      .expect(200);
    await t.sendMail();
    expect(smtp.to(ana.email).some((m) => /Ajoutez une photo/.test(m.text))).toBe(true);
    await t.http().post(`/api/campaigns/${mine.body.id}/submit`).set(ana.headers).expect(200);
    const approved = await t
      .http()
      .post(`/api/programmes/${programme.id}/campaigns/${mine.body.id}/review`)
      .set(staff.headers)
      .send({ decision: 'approve' })
      .expect(200);
    expect(approved.body.status).toBe('approved');
    // Approving twice is harmless; a laureate's later edit sends it back to review.
    await t.http().post(`/api/programmes/${programme.id}/campaigns/${mine.body.id}/review`).set(staff.headers).send({ decision: 'approve' }).expect(200);
    const edited = await t
      .http()
      .patch(`/api/campaigns/${mine.body.id}`)
      .set(ana.headers)
      .send({ summary: { fr: 'Vélos réparés, vies changées' } })
      .expect(200);
    expect(edited.body.status).toBe('in_review');

    const list = await t.http().get(`/api/programmes/${programme.id}/campaigns`).set(staff.headers).expect(200);
    expect(list.body.laureates).toHaveLength(2);
    expect(list.body.laureates.find((l: { userId: string }) => l.userId === ben.userId).campaign).toBeNull();
  });

  it('opens every approved campaign at the same instant, e-mails subscribers once, and refuses money outside the window', async () => {
    const w = await createCampaignProgramme(t, city, staff, 3);
    // A fourth laureate not approved in time stays out of the collection.
    const [late] = await createLaureates(t, city, staff, w.programme.id, 1, { prefix: 'late' });
    const lateCampaign = await writeAndApprove(t, staff, w.programme.id, late, { approve: false });

    const before = await contribute(w.campaigns[0].id, contributionBody()).expect(409);
    expect(before.body.code).toBe('CONTRIBUTION_WINDOW_NOT_OPEN');
    const page = await publicView(w.campaigns[0].id).expect(200);
    expect(page.body.window.state).toBe('before');
    await t.http().post(`/api/campaigns/${w.campaigns[0].id}/subscribers`).set('Host', city.host).send({ email: 'fan@example.org', locale: 'en' }).expect(200);
    await t.http().post(`/api/campaigns/${w.campaigns[0].id}/subscribers`).set('Host', city.host).send({ email: ' FAN@example.org ' }).expect(200);
    const badEmail = await t.http().post(`/api/campaigns/${w.campaigns[0].id}/subscribers`).set('Host', city.host).send({ email: 'nope' }).expect(400);
    expect(badEmail.body.errors[0].field).toBe('email');

    // A second instance ticks at the same moment: the opening happens once.
    const second = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock });
    try {
      t.clock.set(w.opensAt);
      const [a, b] = await Promise.all([t.tick(), second.tick()]);
      expect(a + b).toBe(1);
    } finally {
      await second.close();
    }
    const live = await Promise.all(w.campaigns.map((c) => publicView(c.id).expect(200)));
    expect(live.map((r) => r.body.status)).toEqual(['live', 'live', 'live']);
    const opened = await t.ds.query(`SELECT DISTINCT opened_at FROM campaign WHERE programme_id = $1 AND status = 'live'`, [w.programme.id]);
    expect(opened).toHaveLength(1);
    expect(new Date(opened[0].opened_at).toISOString()).toBe(w.opensAt.toISOString());
    expect((await t.http().get(`/api/campaigns/${lateCampaign.id}`).set(staff.headers)).body.status).toBe('in_review');

    await t.sendMail();
    const notices = smtp.to('fan@example.org');
    expect(notices).toHaveLength(1);
    expect(notices[0].subject).toMatch(/is now open/);
    await t.http().post(`/api/campaigns/${w.campaigns[0].id}/subscribers`).set('Host', city.host).send({ email: 'fan2@example.org' }).expect(409);

    // After the closing instant, even before a tick moves the phase, money is refused.
    t.clock.set(new Date(w.closesAt.getTime() + 1000));
    const after = await contribute(w.campaigns[0].id, contributionBody()).expect(409);
    expect(after.body.code).toBe('CONTRIBUTION_WINDOW_CLOSED');
    // Another tenant's host does not find the campaign.
    t.clock.set(new Date(w.opensAt.getTime() + HOUR));
    await contribute(w.campaigns[0].id, contributionBody(), key(), other.host).expect(404);
  });

  it('takes pledges with idempotency keys, counts them only once confirmed, and keeps reward stock exact', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { rewards: [{ title: 'Atelier', minAmountCents: 5_000, quantity: 1 }] });
    await w.open();
    const [c] = w.campaigns;
    const reward = c.rewards[0];

    const noKey = await contribute(c.id, contributionBody(), null).expect(400);
    expect(noKey.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const tooLittle = await contribute(c.id, contributionBody({ amountCents: 99 })).expect(400);
    expect(tooLittle.body.errors[0].field).toBe('amountCents');
    const belowReward = await contribute(c.id, contributionBody({ amountCents: 2_000, rewardTierId: reward.id })).expect(400);
    expect(belowReward.body.errors[0].field).toBe('amountCents');
    expect((await publicView(c.id)).body.rewards[0].remaining).toBe(1); // the refused request took nothing

    const k = key();
    const body = contributionBody({ amountCents: 6_000, rewardTierId: reward.id, email: 'lea@example.org', displayName: 'Léa', message: 'Bravo' });
    const first = await contribute(c.id, body, k).expect(201);
    expect(first.body).toMatchObject({ status: 'pending', amountCents: 6_000, payment: { kind: 'confirm_by_email' }, replayed: false });
    const again = await contribute(c.id, body, k).expect(200);
    expect(again.body.id).toBe(first.body.id);
    const reused = await contribute(c.id, { ...body, amountCents: 7_000 }, k).expect(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const soldOut = await contribute(c.id, contributionBody({ amountCents: 6_000, rewardTierId: reward.id })).expect(409);
    expect(soldOut.body.code).toBe('REWARD_SOLD_OUT');

    let view = (await publicView(c.id)).body;
    expect(view).toMatchObject({ collectedCents: 0, contributors: 0 }); // pending does not count
    expect(view.rewards[0]).toMatchObject({ remaining: 0, soldOut: true });

    await t.sendMail();
    const mail = smtp.to('lea@example.org').find((m) => /Confirm|Confirmez/.test(m.subject))!;
    const token = new URL(linkIn(mail, '/contributions/confirm')).searchParams.get('token')!;
    const confirmed = await t.http().post('/api/contributions/confirm').set('Host', city.host).send({ token }).expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed' });
    expect(confirmed.body.receiptNumber).toMatch(/^C2026-\d{7}$/);
    await t.http().post('/api/contributions/confirm').set('Host', city.host).send({ token }).expect(200); // twice: once
    await t.http().post('/api/contributions/confirm').set('Host', other.host).send({ token }).expect(404);
    await t.http().post('/api/contributions/confirm').set('Host', city.host).send({ token: 'forged' }).expect(404);

    view = (await publicView(c.id)).body;
    expect(view).toMatchObject({ collectedCents: 6_000, contributions: 1, contributors: 1, percentOfGoal: 6 });

    // The same person giving again is one contributor; anonymity hides the name, not the count.
    const second = await contribute(c.id, contributionBody({ amountCents: 1_000, email: 'LEA@example.org ', anonymous: true })).expect(201);
    await t.sendMail();
    const toLea = smtp.mails.filter((m) => m.to.some((a) => a.toLowerCase() === 'lea@example.org') && /Confirm|Confirmez/.test(m.subject));
    expect(toLea).toHaveLength(2);
    const token2 = new URL(linkIn(toLea[1], '/contributions/confirm')).searchParams.get('token')!;
    await t.http().post('/api/contributions/confirm').set('Host', city.host).send({ token: token2 }).expect(200);
    view = (await publicView(c.id)).body;
    expect(view).toMatchObject({ collectedCents: 7_000, contributions: 2, contributors: 1 });
    const status = await t.http().get(`/api/contributions/${second.body.id}`).set('Host', city.host).expect(200);
    expect(status.body).toMatchObject({ status: 'confirmed', anonymous: true });
    expect(status.body.email).toBeUndefined();

    // A pending pledge never confirmed expires after the grace period and gives back its reward.
    const w2 = await createCampaignProgramme(t, city, staff, 1, { rewards: [{ title: 'Unique', minAmountCents: 1_000, quantity: 1 }] });
    await w2.open();
    await contribute(w2.campaigns[0].id, contributionBody({ rewardTierId: w2.campaigns[0].rewards[0].id })).expect(201);
    expect((await publicView(w2.campaigns[0].id)).body.rewards[0].remaining).toBe(0);
    t.clock.advance(73 * HOUR);
    expect((await campaignsTick(t)).expired).toBe(1);
    expect((await publicView(w2.campaigns[0].id)).body.rewards[0].remaining).toBe(1);
  });

  it('confirms payments from signed webhooks once, whatever their order, and refuses forged ones', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'webhook' } });
    await w.open();
    const [c] = w.campaigns;
    const made = await contribute(c.id, contributionBody({ amountCents: 4_000 })).expect(201);
    expect(made.body.payment).toMatchObject({ kind: 'redirect' });
    const ref = made.body.id;
    const ok = { id: 'evt_1', type: 'payment.succeeded', data: { reference: ref, amountCents: 4_000 } };

    const forged = await webhook(t, city, ok, { secret: 'another-secret-another-secret-000' }).expect(400);
    expect(forged.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    await webhook(t, city, ok, { at: new Date(t.clock.now().getTime() - 10 * 60_000) }).expect(400); // stale timestamp
    await webhook(t, city, ok, { signature: 'garbage' }).expect(400);
    const invalid = await webhook(t, city, { id: 'evt_x', type: 'payment.teleported', data: {} }).expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['type', 'data.reference']));
    expect((await publicView(c.id)).body.collectedCents).toBe(0);

    expect((await webhook(t, city, ok).expect(200)).body).toEqual({ outcome: 'confirmed', duplicate: false });
    expect((await webhook(t, city, ok).expect(200)).body).toEqual({ outcome: 'confirmed', duplicate: true }); // replay
    // A failure arriving after the success is old news.
    const late = await webhook(t, city, { id: 'evt_2', type: 'payment.failed', data: { reference: ref } }).expect(200);
    expect(late.body.outcome).toBe('ignored:confirmed');
    expect((await publicView(c.id)).body).toMatchObject({ collectedCents: 4_000, contributors: 1 });
    // Another tenant's host cannot confirm this tenant's contribution.
    const other2 = await contribute(c.id, contributionBody({ amountCents: 1_500 })).expect(201);
    const cross = await webhook(t, other, { id: 'evt_3', type: 'payment.succeeded', data: { reference: other2.body.id } }).expect(200);
    expect(cross.body.outcome).toBe('ignored:unknown_reference');

    // Failed first, then (out of order) succeeded: the money is owed back, never counted.
    const failedFirst = await contribute(c.id, contributionBody({ amountCents: 2_000 })).expect(201);
    await webhook(t, city, { id: 'evt_4', type: 'payment.failed', data: { reference: failedFirst.body.id } }).expect(200);
    const succeededLate = await webhook(t, city, {
      id: 'evt_5',
      type: 'payment.succeeded',
      data: { reference: failedFirst.body.id, amountCents: 2_000 },
    }).expect(200);
    expect(succeededLate.body.outcome).toBe('refund_due');
    // A payment of the wrong amount is not counted either.
    const wrong = await webhook(t, city, { id: 'evt_6', type: 'payment.succeeded', data: { reference: other2.body.id, amountCents: 1 } }).expect(200);
    expect(wrong.body.outcome).toBe('refund_due:amount_mismatch');
    expect((await publicView(c.id)).body).toMatchObject({ collectedCents: 4_000, contributions: 1 });
    // The operator's list of refunds to make, for staff only.
    const due = await t.http().get(`/api/programmes/${w.programme.id}/contributions.csv?status=refund_due`).set(staff.headers).expect(200);
    expect(due.text).toContain(failedFirst.body.id);
    expect(due.text).toContain(other2.body.id);
    expect(due.text).not.toContain(ref);
    const badStatus = await t.http().get(`/api/programmes/${w.programme.id}/contributions.csv?status=lost`).set(staff.headers).expect(400);
    expect(badStatus.body.errors[0].field).toBe('status');
    await t.http().get(`/api/programmes/${w.programme.id}/contributions.csv`).set(c.laureate.headers).expect(403);
    // Without a refund URL the refund is left to staff (asked once: a second tick asks nothing more); the
    // provider's webhook still ends it.
    await campaignsTick(t);
    const [asked] = await t.ds.query(`SELECT state, reason, attempts, next_attempt_at FROM refund WHERE contribution_id = $1`, [failedFirst.body.id]);
    expect(asked).toEqual({ state: 'requested', reason: 'manual_required', attempts: 1, next_attempt_at: null });
    expect((await campaignsTick(t)).refunded).toBe(0);
    await webhook(t, city, { id: 'evt_7', type: 'refund.succeeded', data: { reference: failedFirst.body.id } }).expect(200);
    expect((await t.http().get(`/api/contributions/${failedFirst.body.id}`).set('Host', city.host)).body.status).toBe('refunded');
    expect((await t.ds.query(`SELECT state FROM refund WHERE contribution_id = $1`, [failedFirst.body.id]))[0].state).toBe('confirmed');
    // A confirmed payment refunded by the provider during the window (a chargeback) stops counting.
    expect((await webhook(t, city, { id: 'evt_8', type: 'refund.succeeded', data: { reference: ref } }).expect(200)).body.outcome).toBe('refunded');
    expect((await publicView(c.id)).body).toMatchObject({ collectedCents: 0, contributions: 0, contributors: 0 });
  });

  it('settles all-or-nothing exactly once: funded campaigns send receipts, the others give the money back', async () => {
    const w = await createCampaignProgramme(t, city, staff, 2, { goalCents: 10_000, settings: { paymentProvider: 'webhook' } });
    await w.open();
    const [funded, short] = w.campaigns;
    let n = 0;
    const pay = async (campaignId: string, amountCents: number, email: string) => {
      const r = await contribute(campaignId, contributionBody({ amountCents, email })).expect(201);
      await webhook(t, city, { id: `settle-${++n}`, type: 'payment.succeeded', data: { reference: r.body.id, amountCents } }).expect(200);
      return r.body.id as string;
    };
    await pay(funded.id, 6_000, 'a@example.org');
    await pay(funded.id, 4_000, 'b@example.org');
    const refundMe = await pay(short.id, 3_000, 'c@example.org');
    // Pending at the close: the short campaign waits for it.
    t.clock.set(new Date(w.closesAt.getTime() - HOUR));
    const pending = await contribute(short.id, contributionBody({ amountCents: 1_000, email: 'd@example.org' })).expect(201);

    await w.close();
    expect((await publicView(funded.id)).body.status).toBe('funded');
    expect((await publicView(short.id)).body.status).toBe('awaiting_funds');
    // The pending payment arrives after the close: it counts, then the campaign settles (still short).
    await webhook(t, city, { id: 'settle-late', type: 'payment.succeeded', data: { reference: pending.body.id, amountCents: 1_000 } }).expect(200);
    const second = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock });
    try {
      const [a, b] = await Promise.all([campaignsTick(t), campaignsTick(second)]);
      expect((a.settled ?? 0) + (b.settled ?? 0)).toBe(1);
    } finally {
      await second.close();
    }
    expect((await publicView(short.id)).body).toMatchObject({ status: 'not_funded', collectedCents: 4_000 });
    expect((await t.http().get(`/api/contributions/${refundMe}`).set('Host', city.host)).body.status).toBe('refund_due');

    await t.sendMail();
    const receipt = smtp.to('a@example.org').find((m) => /Reçu|Receipt/.test(m.subject))!;
    expect(receipt.text).toMatch(/C2026-\d{7}/);
    expect(smtp.to('c@example.org').some((m) => /objectif|goal/.test(m.subject))).toBe(true);
    const laureateMails = smtp.to(short.laureate.email).filter((m) => /collecte est close|collection is closed/.test(m.subject));
    expect(laureateMails).toHaveLength(1);
    // Ticking again sends nothing more.
    await campaignsTick(t);
    const sent = smtp.mails.length;
    await t.sendMail();
    expect(smtp.mails.length).toBe(sent);
  });

  it('keeps it all when the programme says so, and releases pledges due back', async () => {
    const keep = await createCampaignProgramme(t, city, staff, 1, { goalCents: 50_000, settings: { settlementPolicy: 'keep_it_all' } });
    const none = await createCampaignProgramme(t, city, staff, 1, { goalCents: 50_000 });
    await keep.open();
    await none.open();
    for (const c of [keep.campaigns[0], none.campaigns[0]]) {
      const email = `pledger-${c.id.slice(0, 6)}@example.org`;
      await contribute(c.id, contributionBody({ amountCents: 2_000, email })).expect(201);
      await t.sendMail();
      const token = new URL(linkIn(smtp.to(email)[0], '/contributions/confirm')).searchParams.get('token')!;
      await t.http().post('/api/contributions/confirm').set('Host', city.host).send({ token }).expect(200);
    }
    t.clock.set(new Date(Math.max(keep.closesAt.getTime(), none.closesAt.getTime())));
    await t.tick(); // both programmes close: their campaigns settle in the transaction of the move
    expect((await publicView(keep.campaigns[0].id)).body.status).toBe('not_funded');
    expect((await publicView(none.campaigns[0].id)).body.status).toBe('not_funded');
    expect((await campaignsTick(t)).refunded).toBe(1);
    const rows = await t.ds.query(
      `SELECT c.status, p.phase FROM contribution c JOIN programme p ON p.id = c.programme_id WHERE c.campaign_id = ANY($1) ORDER BY c.campaign_id = $2 DESC`,
      [[keep.campaigns[0].id, none.campaigns[0].id], keep.campaigns[0].id],
    );
    expect(rows.map((r: { status: string }) => r.status)).toEqual(['confirmed', 'refunded']); // pledges are released at once
  });

  it('adds match-funding within every rule, shared between budgets, and pays fixed grants once', async () => {
    const w = await createCampaignProgramme(t, city, staff, 2, {
      goalCents: 20_000,
      settings: {
        paymentProvider: 'webhook',
        matchFactorPercent: 100,
        matchCapPerContributionCents: 3_000,
        matchCapPerCampaignCents: 5_000,
        matchMaxPerContributor: 1,
      },
    });
    const partners = [];
    for (const name of ['Banque locale', 'Fondation']) {
      const r = await t.http().post(`/api/programmes/${w.programme.id}/partners`).set(staff.headers).send({ name, capacity: 2 });
      expect(r.status).toBe(201);
      partners.push(r.body.id as string);
    }
    await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partners[0], kind: 'ratio', totalCents: 3_000 })
      .expect(200);
    await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partners[1], kind: 'ratio', totalCents: 1_000 })
      .expect(200);
    await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partners[1], kind: 'grant', totalCents: 2_500, grantCents: 2_000, grantThresholdPercent: 50, grantMinContributors: 2 })
      .expect(200);
    const badBudget = await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: randomUUID(), kind: 'grant', totalCents: -1 })
      .expect(400);
    expect(badBudget.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['totalCents', 'grantCents']));
    await w.open();
    const [c1, c2] = w.campaigns;
    let n = 0;
    const pay = async (campaignId: string, amountCents: number, email: string) => {
      const r = await contribute(campaignId, contributionBody({ amountCents, email })).expect(201);
      await webhook(t, city, { id: `m-${++n}`, type: 'payment.succeeded', data: { reference: r.body.id, amountCents } }).expect(200);
      return r.body;
    };
    // 1:1 capped at 30 EUR per contribution, shared 3:1 between the budgets (40 EUR in all).
    const a = await pay(c1.id, 4_000, 'x@example.org');
    expect(a.matchedCents).toBe(3_000);
    const alloc = await t.ds.query(
      `SELECT b.total_cents, a.amount_cents FROM match_allocation a JOIN match_budget b ON b.id = a.budget_id WHERE a.contribution_id = $1 ORDER BY b.total_cents DESC`,
      [a.id],
    );
    expect(alloc.map((r: { amount_cents: string }) => Number(r.amount_cents))).toEqual([2_250, 750]);
    // The same contributor's second gift is not matched (one per contributor and campaign).
    expect((await pay(c1.id, 1_000, 'X@example.org')).matchedCents).toBe(0);
    // The campaign cap (50 EUR) leaves 20 EUR; the budgets only have 10 EUR left.
    expect((await pay(c1.id, 4_000, 'y@example.org')).matchedCents).toBe(1_000);
    expect((await pay(c2.id, 4_000, 'z@example.org')).matchedCents).toBe(0); // budgets empty
    const budgets = await t.http().get(`/api/programmes/${w.programme.id}/campaign-settings`).set(staff.headers).expect(200);
    expect(budgets.body.budgets.filter((b: { kind: string }) => b.kind === 'ratio').map((b: { remainingCents: number }) => b.remainingCents)).toEqual([0, 0]);
    // c1 has 90 EUR from 2 contributors of a 200 EUR goal: 45 % < 50 %, no grant yet; 10 more EUR earns it.
    let view = (await publicView(c1.id)).body;
    expect(view).toMatchObject({ collectedCents: 9_000, matchedCents: 4_000, contributors: 2 });
    await pay(c1.id, 1_000, 'w@example.org');
    view = (await publicView(c1.id)).body;
    expect(view.matchedCents).toBe(6_000);
    await pay(c1.id, 1_000, 'v@example.org'); // paid once only
    expect((await publicView(c1.id)).body.matchedCents).toBe(6_000);
    // The grant budget has 5 EUR left: c2's grant is what is left, never more.
    await pay(c2.id, 6_000, 'u@example.org');
    expect((await publicView(c2.id)).body.matchedCents).toBe(500);
    // A budget cannot shrink below what it has given.
    const shrink = await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partners[0], kind: 'ratio', totalCents: 100 })
      .expect(409);
    expect(shrink.body.code).toBe('MATCH_BUDGET_BELOW_USED');
    expect(shrink.body.usedCents).toBe(3_000);
    expect(shrink.body.errors).toEqual([{ field: 'totalCents', message: expect.stringMatching(/^Budget : doit être au moins de 30,00\s€\.$/u) }]);
    // Resizing keeps what is reserved (security review, finding 5: this answered 500).
    const grown = await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partners[0], kind: 'ratio', totalCents: 5_000 });
    expect(grown.status).toBe(200);
    expect(grown.body).toMatchObject({ totalCents: 5_000, remainingCents: 2_000 });
    const exact = await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partners[0], kind: 'ratio', totalCents: 3_000 })
      .expect(200);
    expect(exact.body).toMatchObject({ totalCents: 3_000, remainingCents: 0 });
    const grantResized = await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partners[1], kind: 'grant', totalCents: 4_000, grantCents: 2_000, grantThresholdPercent: 50, grantMinContributors: 2 });
    expect(grantResized.status).toBe(200);
    expect(grantResized.body).toMatchObject({ totalCents: 4_000, remainingCents: 1_500 });
  });

  it('e-mails updates to contributors, exports them, and nudges the laureate once per nudge', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { goalCents: 100_000, days: 10, settings: { paymentProvider: 'webhook' } });
    const [c] = w.campaigns;
    await t
      .http()
      .post(`/api/campaigns/${c.id}/updates`)
      .set(c.laureate.headers)
      .send({ title: { fr: 'Trop tôt' }, body: { fr: 'x' } })
      .expect(409);
    await w.open();
    for (const [i, email] of ['p@example.org', 'q@example.org'].entries()) {
      // Only p ticks "this project's news": q's address serves their contribution only.
      const r = await contribute(
        c.id,
        contributionBody({ amountCents: 1_000 * (i + 1), email, displayName: `=cmd|${i}`, message: 'Go!', consentCampaignNews: i === 0 }),
      ).expect(201);
      await webhook(t, city, { id: `u-${i}`, type: 'payment.succeeded', data: { reference: r.body.id, amountCents: 1_000 * (i + 1) } }).expect(200);
    }
    await campaignsTick(t);
    await campaignsTick(t);
    await t.sendMail();
    expect(smtp.to(c.laureate.email).filter((m) => /C’est parti|is live/.test(m.subject))).toHaveLength(1);

    const k = key();
    const posted = await t
      .http()
      .post(`/api/campaigns/${c.id}/updates`)
      .set(c.laureate.headers)
      .set('Idempotency-Key', k)
      .send({ title: { fr: 'Premières pièces' }, body: { fr: 'Merci à vous !' } })
      .expect(201);
    await t
      .http()
      .post(`/api/campaigns/${c.id}/updates`)
      .set(c.laureate.headers)
      .set('Idempotency-Key', k)
      .send({ title: { fr: 'Premières pièces' }, body: { fr: 'Merci à vous !' } })
      .expect(201);
    await t.sendMail();
    expect(smtp.to('p@example.org').filter((m) => /Premières pièces/.test(m.subject))).toHaveLength(1);
    expect(smtp.to('q@example.org').filter((m) => /Premières pièces/.test(m.subject))).toHaveLength(0);
    const outbox = await t.ds.query(`SELECT to_address FROM outbox_message WHERE tenant_id = $1 AND dedupe_key LIKE $2`, [
      city.tenant.id,
      `campaign-update:${posted.body.id}:%`,
    ]);
    expect(outbox.map((r: { to_address: string }) => r.to_address)).toEqual(['p@example.org']);
    const given = await t.ds.query(`SELECT email_key, purpose, campaign_id, source FROM consent WHERE tenant_id = $1 AND campaign_id = $2`, [
      city.tenant.id,
      c.id,
    ]);
    expect(given).toEqual([{ email_key: 'p@example.org', purpose: 'campaign_news', campaign_id: c.id, source: 'contribution' }]);
    expect((await publicView(c.id)).body.updates.map((u: { id: string }) => u.id)).toEqual([posted.body.id]);

    const csv = await t.http().get(`/api/campaigns/${c.id}/contributors.csv`).set(c.laureate.headers).expect(200);
    expect(csv.text).toContain('p@example.org');
    expect(csv.text).toContain("'=cmd|0"); // formula injection neutralised
    // A list for people: its headers in the reader's language (the authority's French here).
    expect(csv.text.replace('\uFEFF', '').split('\n')[0]).toMatch(/^N° de reçu,Confirmée le,Nom affiché,/);
    await t
      .http()
      .get(`/api/campaigns/${c.id}/contributors.csv`)
      .set((await createPerson(t, city, 'applicant')).headers)
      .expect(404);

    // Six days without news: one reminder; 5, 3, 2, 1 days before the close: one alert each.
    t.clock.set(new Date(w.opensAt.getTime() + 6 * DAY + HOUR));
    await campaignsTick(t);
    await campaignsTick(t);
    for (const d of [5, 3, 2, 1]) {
      t.clock.set(new Date(w.closesAt.getTime() - d * DAY + HOUR));
      await campaignsTick(t);
      await campaignsTick(t);
    }
    await t.sendMail();
    const nudges = smtp.to(c.laureate.email).map((m) => m.subject);
    expect(nudges.filter((s) => /Donnez des nouvelles|Give news/.test(s))).toHaveLength(1);
    for (const d of [5, 3, 2, 1]) expect(nudges.filter((s) => new RegExp(`(Plus que ${d} jour|^${d} day)`).test(s))).toHaveLength(1);
  });

  it("e-mails an update in each contributor's language when it is written in it, else in the authority's default", async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { goalCents: 100_000, days: 10, settings: { paymentProvider: 'webhook' } });
    const [c] = w.campaigns;
    await t
      .http()
      .patch(`/api/campaigns/${c.id}`)
      .set(staff.headers)
      .send({ title: { fr: 'Atelier vélo', en: 'Bike workshop' } })
      .expect(200);
    await w.open();
    const people = [
      ['en@example.org', 'en'],
      ['fr@example.org', 'fr'],
    ] as const;
    for (const [i, [email, locale]] of people.entries()) {
      const r = await contribute(c.id, contributionBody({ amountCents: 1_000, email, locale, consentCampaignNews: true })).expect(201);
      await webhook(t, city, { id: `lang-${i}`, type: 'payment.succeeded', data: { reference: r.body.id, amountCents: 1_000 } }).expect(200);
    }
    await t
      .http()
      .post(`/api/campaigns/${c.id}/updates`)
      .set(c.laureate.headers)
      .send({ title: { fr: 'Les pièces sont arrivées', en: 'The parts have arrived' }, body: { fr: 'Merci à vous !', en: 'Thank you all!' } })
      .expect(201);
    await t
      .http()
      .post(`/api/campaigns/${c.id}/updates`)
      .set(c.laureate.headers)
      .send({ title: { fr: 'Portes ouvertes samedi' }, body: { fr: 'Venez nombreux.' } })
      .expect(201);
    await t.sendMail();
    const toEn = smtp.to('en@example.org').filter((m) => /arrived|arrivées|Portes ouvertes/.test(m.subject));
    const toFr = smtp.to('fr@example.org').filter((m) => /arrived|arrivées|Portes ouvertes/.test(m.subject));
    // Written in English: in English, with the campaign's English title.
    expect(toEn.find((m) => /arrived/.test(m.subject))).toMatchObject({ subject: '"Bike workshop": The parts have arrived' });
    expect(toEn.find((m) => /arrived/.test(m.subject))!.text).toContain('Thank you all!');
    // Written in French only: the English contributor reads the French text (in the English e-mail).
    const fallback = toEn.find((m) => /Portes ouvertes/.test(m.subject))!;
    expect(fallback.subject).toBe('"Bike workshop": Portes ouvertes samedi');
    expect(fallback.text).toContain('Venez nombreux.');
    expect(fallback.html).toMatch(/<h2 lang="fr">Portes ouvertes samedi<\/h2>/);
    expect(fallback.html).toMatch(/lang="fr"[^>]*>Venez nombreux\./);
    // The French contributor gets French, whatever else was written.
    expect(toFr.map((m) => m.subject).sort()).toEqual(['« Atelier vélo » : Les pièces sont arrivées', '« Atelier vélo » : Portes ouvertes samedi']);
    expect(toFr.every((m) => !/Thank you/.test(m.text))).toBe(true);
    // The page shows each language its own text.
    const en = await t.http().get(`/programmes/${w.programme.slug}/campaigns/${c.slug}?lang=en`).set('Host', city.host).expect(200);
    expect(en.text).toContain('The parts have arrived');
    expect(en.text).toMatch(/<h3 class="h-small"><span lang="fr">Portes ouvertes samedi<\/span><\/h3>/);
  });
});
