import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ContributionTallies1796240000000 } from '../../migrations/1796240000000-ContributionTallies.js';
import { ProgrammePeopleStripes1796270000000 } from '../../migrations/1796270000000-ProgrammePeopleStripes.js';
import { createCampaignProgramme } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * The contribution tallies the report reads are kept by triggers: after any history of contributions
 * (confirmed, refunded, failed, deleted, moved to a pseudonym by an erasure, the authority's time zone
 * changed), and with several connections writing at once, they equal what counting the rows gives.
 */
describe('contribution tallies', () => {
  let t: TestApp;
  let city: TestTenant;
  let programmeId: string;
  let campaignIds: string[];

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff');
    const w = await createCampaignProgramme(t, city, staff, 3, { settings: { paymentProvider: 'webhook' } });
    await w.open();
    programmeId = w.programme.id;
    campaignIds = w.campaigns.map((c) => c.id);
  });
  afterAll(() => t.close());

  const q = (sql: string, args: unknown[] = []) => t.ds.query(sql, args);

  async function insert(
    db: { query: (sql: string, args: unknown[]) => Promise<unknown> },
    c: { campaign: number; person: number; cents: number; status: string; at: string | null },
  ) {
    await db.query(
      `INSERT INTO contribution (tenant_id, programme_id, campaign_id, amount_cents, email, email_key, status, provider, idempotency_key, request_hash, expires_at, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $5, $6, 'webhook', $7, 'x', now() + interval '1 day', $8)`,
      [city.tenant.id, programmeId, campaignIds[c.campaign], c.cents, `person${c.person}@tally.test`, c.status, randomUUID(), c.at],
    );
  }

  /** The tallies, and the same figures counted from the rows. */
  async function compare() {
    const [zone] = await q('SELECT time_zone FROM tenant WHERE id = $1', [city.tenant.id]);
    const reached = `FROM contribution x WHERE x.programme_id = $1 AND x.confirmed_at IS NOT NULL AND x.status IN ('confirmed', 'refund_due', 'refunded')`;
    const counted = await q(
      `SELECT x.campaign_id, coalesce(sum(x.amount_cents) FILTER (WHERE x.status = 'confirmed'), 0)::bigint::text AS kept_cents,
              count(*) FILTER (WHERE x.status = 'confirmed')::int AS kept_count, count(DISTINCT x.email_key) FILTER (WHERE x.status = 'confirmed')::int AS kept_people,
              sum(x.amount_cents)::bigint::text AS reached_cents, count(*)::int AS reached_count, count(DISTINCT x.email_key)::int AS reached_people
         ${reached} GROUP BY 1 ORDER BY 1`,
      [programmeId],
    );
    const tallied = await q(
      `SELECT campaign_id, kept_cents::text, kept_count, kept_people, reached_cents::text, reached_count, reached_people
         FROM contribution_tally_campaign WHERE programme_id = $1 AND reached_count > 0 ORDER BY 1`,
      [programmeId],
    );
    const emptied = await q(
      `SELECT * FROM contribution_tally_campaign WHERE programme_id = $1 AND reached_count = 0
          AND (kept_cents <> 0 OR kept_count <> 0 OR kept_people <> 0 OR reached_cents <> 0 OR reached_people <> 0)`,
      [programmeId],
    );
    const [people] = await q(
      `SELECT count(DISTINCT x.email_key) FILTER (WHERE x.status = 'confirmed')::int AS kept, count(DISTINCT x.email_key)::int AS reached ${reached}`,
      [programmeId],
    );
    const [persons] = await q(
      `SELECT count(*) FILTER (WHERE kept_count > 0)::int AS kept, count(*)::int AS reached FROM contribution_tally_programme_person WHERE programme_id = $1`,
      [programmeId],
    );
    // What the report reads: the striped count.
    const [stripes] = await q(
      `SELECT coalesce(sum(kept_people), 0)::int AS kept, coalesce(sum(reached_people), 0)::int AS reached FROM contribution_tally_programme_stripe WHERE programme_id = $1`,
      [programmeId],
    );
    const countedDays = await q(
      `SELECT x.campaign_id, to_char((x.confirmed_at AT TIME ZONE $2)::date, 'YYYY-MM-DD') AS day, sum(x.amount_cents)::bigint::text AS cents, count(*)::int AS n
         FROM contribution x WHERE x.programme_id = $1 AND x.confirmed_at IS NOT NULL AND x.status = 'confirmed' GROUP BY 1, 2 ORDER BY 1, 2`,
      [programmeId, zone.time_zone],
    );
    const talliedDays = await q(
      `SELECT campaign_id, to_char(day, 'YYYY-MM-DD') AS day, kept_cents::text AS cents, kept_count AS n FROM contribution_tally_day
        WHERE programme_id = $1 AND time_zone = $2 ORDER BY 1, 2`,
      [programmeId, zone.time_zone],
    );
    const [leftovers] = await q(
      `SELECT (SELECT count(*) FROM contribution_tally_person p JOIN contribution_tally_campaign c ON c.campaign_id = p.campaign_id
                WHERE c.programme_id = $1 AND p.reached_count <= 0)::int AS persons,
              (SELECT count(*) FROM contribution_tally_programme_person WHERE programme_id = $1 AND reached_count <= 0)::int AS programme_persons,
              (SELECT count(*) FROM contribution_tally_day WHERE programme_id = $1 AND (kept_count <= 0 OR time_zone <> $2))::int AS days`,
      [programmeId, zone.time_zone],
    );
    return {
      tallied: { campaigns: tallied, emptied, people: stripes, persons, days: talliedDays, leftovers },
      counted: { campaigns: counted, emptied: [], people, persons: people, days: countedDays, leftovers: { persons: 0, programme_persons: 0, days: 0 } },
    };
  }

  it('property: after any history of contributions, the tallies are what counting the rows gives', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('insert' as const),
        campaign: fc.integer({ min: 0, max: 2 }),
        person: fc.integer({ min: 0, max: 5 }),
        cents: fc.integer({ min: 100, max: 90_000 }),
        status: fc.constantFrom('pending', 'confirmed', 'confirmed', 'failed', 'refund_due', 'refunded'),
        hour: fc.integer({ min: 0, max: 24 * 10 }),
      }),
      fc.record({ kind: fc.constant('status' as const), pick: fc.nat(), status: fc.constantFrom('confirmed', 'refund_due', 'refunded', 'failed', 'expired') }),
      fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat(), hour: fc.integer({ min: 0, max: 24 * 10 }) }),
      fc.record({ kind: fc.constant('erase' as const), person: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('zone' as const), zone: fc.constantFrom('Europe/Paris', 'America/Cayenne', 'Pacific/Marquesas', 'Indian/Reunion') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
        await q('DELETE FROM contribution WHERE programme_id = $1', [programmeId]);
        const at = (hour: number) => new Date(Date.UTC(2026, 8, 1, 8) + hour * 3_600_000).toISOString();
        for (const o of ops) {
          const ids: string[] = (await q('SELECT id FROM contribution WHERE programme_id = $1 ORDER BY id', [programmeId])).map((r: { id: string }) => r.id);
          const picked = (n: number) => ids[n % Math.max(1, ids.length)];
          if (o.kind === 'insert') {
            const confirmedAt = o.status === 'pending' || o.status === 'failed' ? null : at(o.hour);
            await insert(t.ds, { campaign: o.campaign, person: o.person, cents: o.cents, status: o.status, at: confirmedAt });
          } else if (o.kind === 'status' && ids.length) await q('UPDATE contribution SET status = $2 WHERE id = $1', [picked(o.pick), o.status]);
          else if (o.kind === 'confirm' && ids.length)
            await q(`UPDATE contribution SET status = 'confirmed', confirmed_at = $2 WHERE id = $1`, [picked(o.pick), at(o.hour)]);
          else if (o.kind === 'erase') {
            // An erasure gives every row of the person one pseudonymous key.
            const key = `erased-${randomUUID().slice(0, 8)}@invalid`;
            await q('UPDATE contribution SET email = $3, email_key = $3 WHERE programme_id = $1 AND email_key = $2', [
              programmeId,
              `person${o.person}@tally.test`,
              key,
            ]);
          } else if (o.kind === 'delete' && ids.length) await q('DELETE FROM contribution WHERE id = $1', [picked(o.pick)]);
          else if (o.kind === 'zone') await q('UPDATE tenant SET time_zone = $2 WHERE id = $1', [city.tenant.id, o.zone]);
        }
        const { tallied, counted } = await compare();
        expect(tallied).toEqual(counted);
        // The migration's filling from existing contributions gives the same tallies.
        // (The person rows' trigger counts the programme's people as the filling inserts them.)
        await q(
          'TRUNCATE contribution_tally_campaign, contribution_tally_person, contribution_tally_programme_person, contribution_tally_programme_stripe, contribution_tally_day',
        );
        await ContributionTallies1796240000000.fill(t.ds);
        expect((await compare()).tallied).toEqual(counted);
        // And the people count's own filling, from the person rows, gives the same count.
        await q('TRUNCATE contribution_tally_programme_stripe');
        await ProgrammePeopleStripes1796270000000.fill(t.ds);
        expect((await compare()).tallied).toEqual(counted);
      }),
      { numRuns: 25, seed: 22 },
    );
  }, 120_000);

  it('stays exact with eight connections confirming at once, the same people across campaigns', async () => {
    await q('DELETE FROM contribution WHERE programme_id = $1', [programmeId]);
    const pool = new pg.Pool({ connectionString: t.databaseUrl, max: 8 });
    try {
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          const client = await pool.connect();
          try {
            for (let i = 0; i < 40; i++) {
              // As the app's transactions do: one that touches two people's rows may deadlock with
              // another and is then tried again (the deadlock undid all of it).
              for (let attempt = 0; ; attempt++) {
                try {
                  await client.query('BEGIN');
                  await insert(client, {
                    campaign: (w + i) % 3,
                    person: (w * 7 + i) % 23,
                    cents: 1_000 + i,
                    status: 'confirmed',
                    at: new Date().toISOString(),
                  });
                  if (i % 5 === 0)
                    await client.query(
                      `UPDATE contribution SET status = 'refund_due' WHERE id = (SELECT id FROM contribution WHERE programme_id = $1 AND status = 'confirmed' ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED)`,
                      [programmeId],
                    );
                  await client.query('COMMIT');
                  break;
                } catch (err) {
                  await client.query('ROLLBACK');
                  if ((err as { code?: string }).code !== '40P01' || attempt > 5) throw err;
                }
              }
            }
          } finally {
            client.release();
          }
        }),
      );
    } finally {
      await pool.end();
    }
    const { tallied, counted } = await compare();
    expect(tallied).toEqual(counted);
    expect(counted.campaigns.reduce((n: number, c: { reached_count: number }) => n + c.reached_count, 0)).toBe(320);
    // The people count was written in more than one stripe: the connections did not queue on one row.
    const [{ stripes }] = await q('SELECT count(*)::int AS stripes FROM contribution_tally_programme_stripe WHERE programme_id = $1', [programmeId]);
    expect(stripes).toBeGreaterThan(1);
  });

  it('counts people at commit: a long transaction that stops counting someone does not deadlock with a confirmation on its stripe', async () => {
    await q('DELETE FROM contribution WHERE programme_id = $1', [programmeId]);
    // Two connections writing the same stripe of the people count.
    const clients: pg.Client[] = [];
    const stripeOf = (c: pg.Client) => (c as unknown as { processID: number }).processID % 16;
    let pair: [pg.Client, pg.Client] | undefined;
    while (!pair) {
      const c = new pg.Client({ connectionString: t.databaseUrl });
      await c.connect();
      const twin = clients.find((x) => stripeOf(x) === stripeOf(c));
      clients.push(c);
      if (twin) pair = [twin, c];
    }
    const [closing, paying] = pair;
    try {
      await insert(t.ds, { campaign: 0, person: 1, cents: 1_000, status: 'confirmed', at: new Date().toISOString() });
      await insert(t.ds, { campaign: 1, person: 2, cents: 1_000, status: 'pending', at: null });
      const [{ id: pending }] = await q('SELECT id FROM contribution WHERE programme_id = $1 AND status = $2', [programmeId, 'pending']);
      // As the close of the window does: a campaign locked, its contributions owed back (person 1
      // stops counting), then the next campaign wanted.
      await closing.query('BEGIN');
      await closing.query('SELECT id FROM campaign WHERE id = $1 FOR UPDATE', [campaignIds[0]]);
      await closing.query(`UPDATE contribution SET status = 'refund_due' WHERE campaign_id = $1 AND status = 'confirmed'`, [campaignIds[0]]);
      // As a payment's confirmation does: its campaign locked, then person 2's first contribution confirmed.
      await paying.query('BEGIN');
      await paying.query('SELECT id FROM campaign WHERE id = $1 FOR UPDATE', [campaignIds[1]]);
      const next = closing.query('SELECT id FROM campaign WHERE id = $1 FOR UPDATE', [campaignIds[1]]);
      await paying.query(`UPDATE contribution SET status = 'confirmed', confirmed_at = now() WHERE id = $1`, [pending]);
      await paying.query('COMMIT');
      await next;
      await closing.query('COMMIT');
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    const { tallied, counted } = await compare();
    expect(tallied).toEqual(counted);
    expect(counted.people).toEqual({ kept: 1, reached: 2 });
  });
});
