import { ContributionTallies1796240000000 } from '../migrations/1796240000000-ContributionTallies.js';
import { ProgrammePeopleStripes1796270000000 } from '../migrations/1796270000000-ProgrammePeopleStripes.js';
import type pg from 'pg';
import { hashToken } from '../src/auth/domain/tokens.js';

export interface BenchCampaignProgramme {
  id: string;
  slug: string;
  campaigns: Array<{ id: string; slug: string }>;
  /** Distinct citizens the generated contributions come from. */
  citizens: number;
  /** Contributions inserted so far (all statuses). */
  contributions: number;
}

const STORY = '<p>Un atelier de réparation ouvert à tous, avec des pièces de réemploi et des soirées de formation pour le quartier.</p>';

/**
 * A large programme in its collection window, written straight to the tables: `n` laureates with a live
 * campaign each (goals from 1,000 to 20,000 EUR, a limited and an unlimited reward), the webhook
 * payment provider, and a partner's ratio match-funding budget large enough never to run out.
 */
export async function seedCampaignProgramme(db: pg.Client, tenantId: string, staffUserId: string, n: number): Promise<BenchCampaignProgramme> {
  const opens = new Date(Date.now() - 7 * 86_400_000);
  const closes = new Date(Date.now() + 30 * 86_400_000);
  const {
    rows: [p],
  } = await db.query(
    `INSERT INTO programme (tenant_id, slug, title, summary, phase, phase_changed_at, timeline, next_transition_at)
     VALUES ($1, 'bench-campaigns', '{"fr": "Makers : les campagnes", "en": "Makers: the campaigns"}',
             '{"fr": "Soutenez les projets des lauréats.", "en": "Back the laureates'' projects."}', 'campaign', $2, $3, $4) RETURNING id, slug`,
    [tenantId, opens, JSON.stringify({ campaign: opens.toISOString(), settlement: closes.toISOString() }), closes],
  );
  await db.query(
    `INSERT INTO app_user (tenant_id, email, display_name) SELECT $1, 'laureate' || g || '@bench.test', 'Lauréat ' || g FROM generate_series(1, $2) g`,
    [tenantId, n],
  );
  await db.query(
    `
    INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, title, summary, category, goal_cents, commune, postcode,
                             applicant_name, email, consent, answers, receipt_number, submitted_at, locale)
    SELECT $1, $2, u.id, 'submitted', 'eligible', 'Atelier ' || (ARRAY['vélo','textile','bois','électronique'])[1 + (g % 4)] || ' ' || g,
           'Un projet de réemploi pour le quartier.', (ARRAY['reuse','repair','recycling','local-making'])[1 + (g % 4)], 100000 + (g % 20) * 95000,
           'Roubaix', '59100', u.display_name, u.email, true, '{}', 'BCP-' || lpad(g::text, 5, '0'), now() - interval '90 days', 'fr'
      FROM generate_series(1, $3) g JOIN app_user u ON u.tenant_id = $1 AND u.email = 'laureate' || g || '@bench.test'`,
    [tenantId, p.id, n],
  );
  await db.query(
    `
    INSERT INTO jury_outcome (tenant_id, programme_id, application_id, status, rank, confirmed_by, confirmed_at)
    SELECT $1, $2, a.id, 'laureate', row_number() OVER (ORDER BY a.receipt_number), $3, now() - interval '60 days'
      FROM application a WHERE a.programme_id = $2`,
    [tenantId, p.id, staffUserId],
  );
  const { rows: campaigns } = await db.query(
    `
    INSERT INTO campaign (tenant_id, programme_id, application_id, laureate_user_id, slug, title, summary, story, goal_cents, status,
                          submitted_at, approved_at, approved_by, opened_at)
    SELECT $1, $2, a.id, a.applicant_user_id, 'atelier-' || substr(a.receipt_number, 5), jsonb_build_object('fr', a.title),
           jsonb_build_object('fr', a.summary), jsonb_build_object('fr', $3::text), a.goal_cents, 'live',
           now() - interval '20 days', now() - interval '15 days', $4, $5
      FROM application a WHERE a.programme_id = $2 ORDER BY a.receipt_number
    RETURNING id, slug`,
    [tenantId, p.id, STORY, staffUserId, opens],
  );
  await db.query(
    `
    INSERT INTO reward_tier (tenant_id, campaign_id, position, title, description, min_amount_cents, quantity, remaining)
    SELECT $1, c.id, x.position, jsonb_build_object('fr', x.title), '{}', x.min, x.quantity, x.quantity
      FROM campaign c, (VALUES (1, 'Merci', 500, NULL::int), (2, 'Édition limitée', 5000, 1000000)) AS x(position, title, min, quantity)
     WHERE c.programme_id = $2`,
    [tenantId, p.id],
  );
  await db.query(
    `INSERT INTO campaign_settings (tenant_id, programme_id, payment_provider, match_factor_percent, match_cap_per_contribution_cents) VALUES ($1, $2, 'webhook', 100, 1000)`,
    [tenantId, p.id],
  );
  const {
    rows: [partner],
  } = await db.query(`INSERT INTO partner (tenant_id, programme_id, name) VALUES ($1, $2, 'Mécène') RETURNING id`, [tenantId, p.id]);
  await db.query(
    `INSERT INTO match_budget (tenant_id, programme_id, partner_id, kind, total_cents, pool_cents) VALUES ($1, $2, $3, 'ratio', 10000000000, 10000000000)`,
    [tenantId, p.id, partner.id],
  );
  return { id: p.id, slug: p.slug, campaigns, citizens: 0, contributions: 0 };
}

/**
 * `count` more contributions over the programme's campaigns, from `citizens` distinct e-mails: 90 %
 * confirmed, 6 % failed, 4 % pending, spread over the window. Then the campaign counters (collected,
 * contributions, contributors) and the backer rows are set from the rows, as the app keeps them.
 */
export async function addContributions(db: pg.Client, tenantId: string, programme: BenchCampaignProgramme, count: number, citizens: number): Promise<void> {
  const from = programme.contributions + 1;
  const to = programme.contributions + count;
  const ids = programme.campaigns.map((c) => c.id);
  // The tallies' row trigger would run once per seeded row: off for the bulk insert, then the tallies
  // are filled from the rows as the migration does (the same figures, minutes sooner). All in one
  // transaction: the table stays locked, so no write of the running app escapes the tallies.
  await db.query('BEGIN');
  await db.query('ALTER TABLE contribution DISABLE TRIGGER contribution_tally_insert');
  // In slices, so that one statement does not hold a million rows' worth of work at once.
  for (let start = from; start <= to; start += 250_000) {
    const end = Math.min(to, start + 249_999);
    await db.query(
      `
      INSERT INTO contribution (id, tenant_id, programme_id, campaign_id, amount_cents, matched_cents, email, email_key, display_name, status, provider,
                                provider_ref, idempotency_key, request_hash, expires_at, confirmed_at, ended_at, receipt_number, created_at)
      SELECT x.id, $1, $2, ($3::uuid[])[1 + (g * 7919) % $4], x.amount, 0, x.email, x.email, 'Citoyen', x.status, 'webhook', x.id::text,
             'bench-seed-' || g, md5(g::text), x.at + interval '72 hours',
             CASE WHEN x.status = 'confirmed' THEN x.at + interval '2 minutes' END,
             CASE WHEN x.status = 'failed' THEN x.at + interval '2 minutes' END,
             CASE WHEN x.status = 'confirmed' THEN 'B-' || lpad(g::text, 8, '0') END, x.at
        FROM generate_series($5::bigint, $6::bigint) g,
             LATERAL (SELECT gen_random_uuid() AS id, 500 + (g % 40) * 250 AS amount, 'citizen' || ((g * 104729) % $7) || '@bench.test' AS email,
                             CASE WHEN g % 50 < 45 THEN 'confirmed' WHEN g % 50 < 48 THEN 'failed' ELSE 'pending' END AS status,
                             now() - interval '7 days' + (g % 600000) * interval '1 second' AS at) x`,
      [tenantId, programme.id, ids, ids.length, start, end, citizens],
    );
  }
  await db.query('ALTER TABLE contribution ENABLE TRIGGER contribution_tally_insert');
  await db.query(
    'TRUNCATE contribution_tally_campaign, contribution_tally_person, contribution_tally_programme_person, contribution_tally_programme_stripe, contribution_tally_day',
  );
  // The programme's people count likewise: counted once from the person rows, not once per row.
  await db.query('ALTER TABLE contribution_tally_programme_person DISABLE TRIGGER USER');
  await ContributionTallies1796240000000.fill(db);
  await ProgrammePeopleStripes1796270000000.fill(db);
  await db.query('ALTER TABLE contribution_tally_programme_person ENABLE TRIGGER USER');
  await db.query('COMMIT');
  await db.query(
    `
    INSERT INTO campaign_backer (campaign_id, email_key)
    SELECT DISTINCT campaign_id, email_key FROM contribution WHERE programme_id = $1 AND status = 'confirmed'
    ON CONFLICT (campaign_id, email_key) DO NOTHING`,
    [programme.id],
  );
  await db.query(
    `
    UPDATE campaign c SET collected_cents = s.collected, contribution_count = s.n, contributor_count = s.d
      FROM (SELECT campaign_id, sum(amount_cents) AS collected, count(*) AS n, count(DISTINCT email_key) AS d
              FROM contribution WHERE programme_id = $1 AND status = 'confirmed' GROUP BY campaign_id) s
     WHERE c.id = s.campaign_id`,
    [programme.id],
  );
  programme.contributions = to;
  programme.citizens = citizens;
}

/** A staff API token for the bench (the demo's staff person). */
export async function staffToken(db: pg.Client, tenantId: string, email: string, token: string): Promise<string> {
  const {
    rows: [u],
  } = await db.query(`SELECT id FROM app_user WHERE tenant_id = $1 AND email = $2`, [tenantId, email]);
  await db.query(`INSERT INTO api_token (tenant_id, user_id, token_hash, name, expires_at) VALUES ($1, $2, $3, 'bench', now() + interval '30 days')`, [
    tenantId,
    u.id,
    hashToken(token),
  ]);
  return u.id;
}
