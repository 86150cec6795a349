import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { contributionBody, createCampaignProgramme } from '../factories/campaigns.js';
import { createPerson, createTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * A contribution's idempotency key is locked and looked up in one statement (the function
 * `contribution_by_key_locked`). The look-up must read what the attempt it waited for committed: two
 * attempts with one key, for the last item of a reward, both waiting on the key's lock — the one that
 * goes second answers the first one's contribution, not "sold out" (what a look-up reading with the
 * snapshot taken before its wait would do).
 */
describe('contribution key look-up', () => {
  let t: TestApp;
  let holder: pg.Client;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-01T08:00:00Z');
    holder = new pg.Client({ connectionString: t.databaseUrl });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await t.close();
  });

  const waitingOnKeys = async () =>
    Number(
      (
        await t.ds.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND datname = current_database()`,
        )
      )[0].n,
    );

  it('answers the first attempt to a retry that waited for it, even for the last item of a reward', async () => {
    const city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const w = await createCampaignProgramme(t, city, staff, 1, {
      rewards: [{ title: 'Dernière affiche', minAmountCents: 2_000, quantity: 1 }],
      settings: { paymentProvider: 'webhook' },
    });
    await w.open();
    const [c] = w.campaigns;
    const key = `key-${randomUUID()}`;
    const body = contributionBody({ rewardTierId: c.rewards[0].id });

    // The key's lock held elsewhere, so that both attempts wait on it before either looks the key up.
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`contribution:${city.tenant.id}:${key}`]);
    const send = () =>
      t
        .http()
        .post(`/api/campaigns/${c.id}/contributions`)
        .set({ Host: city.host, 'Idempotency-Key': key })
        .send(body)
        .then((r) => r);
    const attempts = [send(), send()];
    for (let i = 0; i < 200 && (await waitingOnKeys()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await waitingOnKeys()).toBe(2);
    await holder.query('COMMIT');

    const answers = await Promise.all(attempts);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(answers[0].body.id).toBe(answers[1].body.id);
    expect(answers.find((a) => a.status === 200)!.body.replayed).toBe(true);
    const [{ n, left }] = await t.ds.query(
      `SELECT (SELECT count(*)::int FROM contribution WHERE campaign_id = $1) AS n, (SELECT remaining FROM reward_tier WHERE id = $2) AS left`,
      [c.id, c.rewards[0].id],
    );
    expect({ n, left }).toEqual({ n: 1, left: 0 });
  });
});
