import type pg from 'pg';
import { hashToken } from '../../src/auth/domain/tokens.js';
import { httpCall, type HttpResult } from '../lib/http-client.js';

export const SOAK_HOST = 'soak.localhost';
export const STORY = 'Un atelier de réparation ouvert à tous, avec des pièces de réemploi et des soirées de formation pour le quartier.';
export const CRITERIA = ['impact', 'feasibility'];

export interface SoakCampaign {
  id: string;
  slug: string;
  goalCents: number;
  /** The limited reward (a few units): sold out during the soak. */
  limitedRewardId: string;
  limitedQuantity: number;
  /** An unlimited reward. */
  openRewardId: string;
}

export interface SoakJuror {
  memberId: string;
  token: string;
  applicationIds: string[];
}

export interface SoakWorld {
  tenantId: string;
  host: string;
  staffToken: string;
  programme: { id: string; slug: string; opensAt: string };
  campaigns: SoakCampaign[];
  /** Null when the jury could not be opened (then there are no ballots in the load). */
  jury: { programmeId: string; jurors: SoakJuror[] } | null;
  juryProblem?: string;
}

const token = (label: string, i = 0) => `soak-${label}-${String(i).padStart(4, '0')}-${'x'.repeat(24)}`;

async function user(
  db: pg.Client,
  tenantId: string,
  email: string,
  name: string,
  role: string | null,
  programmeId: string | null,
  apiToken?: string,
): Promise<string> {
  const {
    rows: [u],
  } = await db.query(`INSERT INTO app_user (tenant_id, email, display_name) VALUES ($1, $2, $3) RETURNING id`, [tenantId, email, name]);
  if (role) await db.query(`INSERT INTO role_grant (tenant_id, user_id, role, programme_id) VALUES ($1, $2, $3, $4)`, [tenantId, u.id, role, programmeId]);
  if (apiToken)
    await db.query(`INSERT INTO api_token (tenant_id, user_id, token_hash, name, expires_at) VALUES ($1, $2, $3, 'soak', now() + interval '30 days')`, [
      tenantId,
      u.id,
      hashToken(apiToken),
    ]);
  return u.id;
}

async function application(
  db: pg.Client,
  tenantId: string,
  programmeId: string,
  userId: string,
  email: string,
  title: string,
  receipt: string,
): Promise<string> {
  const {
    rows: [a],
  } = await db.query(
    `INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, title, summary, category, goal_cents, commune,
       postcode, applicant_name, organisation, email, phone, consent, answers, receipt_number, submitted_at, locale)
     VALUES ($1, $2, $3, 'submitted', 'eligible', $4, 'Un atelier de réemploi pour le quartier.', 'repair', 500000, 'Roubaix', '59100',
       $5, 'Atelier', $6, '+33 6 11 22 33 44', true, '{"team_size": 3, "has_prototype": true}', $7, now(), 'fr')
     RETURNING id`,
    [tenantId, programmeId, userId, title, title, email, receipt],
  );
  return a.id;
}

/**
 * What can be written straight to the tables before the app starts: the authority, its staff, a
 * programme in `communication` with `n` laureates (applications with a confirmed `laureate` outcome, as
 * the jury would leave them), and a second programme in `jury` with eligible applications.
 */
export async function seedTables(db: pg.Client, n: number, juryApplications: number) {
  const {
    rows: [tenant],
  } = await db.query(
    `INSERT INTO tenant (slug, name, sender_name, sender_email) VALUES ('soak', 'Ville de Soak', 'Ville de Soak', 'contact@soak.localhost') RETURNING id`,
  );
  await db.query(`INSERT INTO tenant_host (host, tenant_id) VALUES ($1, $2)`, [SOAK_HOST, tenant.id]);
  const staffToken = token('staff');
  const staffId = await user(db, tenant.id, 'staff@soak.localhost', 'Équipe', 'staff', null, staffToken);
  const {
    rows: [programme],
  } = await db.query(
    `INSERT INTO programme (tenant_id, slug, title, summary, phase, phase_changed_at)
     VALUES ($1, 'soak-2026', '{"fr": "Makers : campagnes", "en": "Makers: campaigns"}', '{"fr": "Les campagnes des lauréats", "en": "The laureates'' campaigns"}', 'communication', now()) RETURNING id, slug`,
    [tenant.id],
  );
  const laureates: Array<{ token: string; applicationId: string }> = [];
  for (let i = 0; i < n; i++) {
    const email = `laureate${i}@soak.localhost`;
    const t = token('laureate', i);
    const uid = await user(db, tenant.id, email, `Lauréat ${i}`, 'applicant', programme.id, t);
    const applicationId = await application(
      db,
      tenant.id,
      programme.id,
      uid,
      email,
      `Atelier ${String(i).padStart(2, '0')}`,
      `SOAK-${String(i).padStart(5, '0')}`,
    );
    await db.query(
      `INSERT INTO jury_outcome (tenant_id, programme_id, application_id, status, rank, confirmed_by, confirmed_at) VALUES ($1, $2, $3, 'laureate', $4, $5, now())`,
      [tenant.id, programme.id, applicationId, i + 1, staffId],
    );
    laureates.push({ token: t, applicationId });
  }
  const {
    rows: [juryProgramme],
  } = await db.query(
    `INSERT INTO programme (tenant_id, slug, title, phase, phase_changed_at) VALUES ($1, 'soak-jury', '{"fr": "Jury", "en": "Jury"}', 'jury', now()) RETURNING id`,
    [tenant.id],
  );
  for (let i = 0; i < juryApplications; i++) {
    const email = `applicant${i}@soak.localhost`;
    const uid = await user(db, tenant.id, email, `Porteur ${i}`, 'applicant', juryProgramme.id);
    await application(db, tenant.id, juryProgramme.id, uid, email, `Projet ${String(i).padStart(2, '0')}`, `JURY-${String(i).padStart(5, '0')}`);
  }
  return {
    tenantId: tenant.id as string,
    staffToken,
    programme: { id: programme.id as string, slug: programme.slug as string },
    laureates,
    juryProgrammeId: juryProgramme.id as string,
  };
}

function expectOk(what: string, r: HttpResult, statuses = [200, 201]): Record<string, unknown> {
  if (!r.ok) throw new Error(`${what}: ${r.error}`);
  if (!statuses.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 500)}`);
  return r.body as Record<string, unknown>;
}

/**
 * The rest through the API, as people would do it: each laureate writes and submits a campaign with a
 * limited and an unlimited reward, staff approve them, choose the webhook provider with a small
 * match-funding budget and a few fixed grants, and set the window. The scheduler then opens it.
 */
export async function setUpThroughApi(
  port: number,
  db: pg.Client,
  seeded: Awaited<ReturnType<typeof seedTables>>,
  opts: { limitedQuantity: number; jurors: number; provider: 'stripe' | 'webhook'; stripeKeys?: { stripeSecretKey: string; stripeEndpointSecret: string } },
): Promise<SoakWorld> {
  const host = SOAK_HOST;
  const staff = { Host: host, Authorization: `Bearer ${seeded.staffToken}` };
  const pid = seeded.programme.id;
  const campaigns: SoakCampaign[] = [];
  for (const [i, l] of seeded.laureates.entries()) {
    const h = { Host: host, Authorization: `Bearer ${l.token}` };
    const mine = expectOk('campaign draft', await httpCall(port, 'GET', `/api/programmes/${pid}/campaigns/mine`, { headers: h }));
    // Goals from 100 EUR doubling: the first campaigns are funded, the last ones are not.
    const goalCents = 10_000 * 2 ** i;
    const patched = expectOk(
      'campaign edit',
      await httpCall(port, 'PATCH', `/api/campaigns/${mine.id}`, {
        headers: h,
        body: {
          summary: { fr: `Projet ${i}` },
          story: { fr: STORY },
          goalCents,
          rewards: [
            { title: { fr: 'Édition limitée' }, minAmountCents: 2_000, quantity: opts.limitedQuantity },
            { title: { fr: 'Merci' }, minAmountCents: 500 },
          ],
        },
      }),
    );
    expectOk('campaign submit', await httpCall(port, 'POST', `/api/campaigns/${mine.id}/submit`, { headers: h }));
    expectOk(
      'campaign review',
      await httpCall(port, 'POST', `/api/programmes/${pid}/campaigns/${mine.id}/review`, { headers: staff, body: { decision: 'approve' } }),
    );
    const rewards = patched.rewards as Array<{ id: string; quantity: number | null }>;
    campaigns.push({
      id: String(mine.id),
      slug: String(mine.slug),
      goalCents,
      limitedRewardId: rewards.find((r) => r.quantity !== null)!.id,
      limitedQuantity: opts.limitedQuantity,
      openRewardId: rewards.find((r) => r.quantity === null)!.id,
    });
  }
  if (opts.stripeKeys) expectOk('stripe keys', await httpCall(port, 'PUT', '/api/payment-settings', { headers: staff, body: opts.stripeKeys }));
  expectOk(
    'campaign settings',
    await httpCall(port, 'PUT', `/api/programmes/${pid}/campaign-settings`, {
      headers: staff,
      body: { paymentProvider: opts.provider, settlementPolicy: 'all_or_nothing', matchFactorPercent: 100, matchCapPerContributionCents: 1_000 },
    }),
  );
  const ratioPartner = expectOk(
    'partner',
    await httpCall(port, 'POST', `/api/programmes/${pid}/partners`, { headers: staff, body: { name: 'Mécène', capacity: 1 } }),
  );
  const grantPartner = expectOk(
    'partner',
    await httpCall(port, 'POST', `/api/programmes/${pid}/partners`, { headers: staff, body: { name: 'Fondation', capacity: 1 } }),
  );
  // A small ratio budget (300 EUR) that runs out during the soak, and three fixed grants of 50 EUR.
  expectOk(
    'ratio budget',
    await httpCall(port, 'PUT', `/api/programmes/${pid}/match-budgets`, {
      headers: staff,
      body: { partnerId: ratioPartner.id, kind: 'ratio', totalCents: 30_000 },
    }),
  );
  expectOk(
    'grant budget',
    await httpCall(port, 'PUT', `/api/programmes/${pid}/match-budgets`, {
      headers: staff,
      body: { partnerId: grantPartner.id, kind: 'grant', totalCents: 15_000, grantCents: 5_000, grantThresholdPercent: 50, grantMinContributors: 3 },
    }),
  );
  const opensAt = new Date(Date.now() + 1_500).toISOString();
  const closesAt = new Date(Date.now() + 86_400_000).toISOString();
  expectOk(
    'timeline',
    await httpCall(port, 'PUT', `/api/programmes/${pid}/timeline`, { headers: staff, body: { timeline: { campaign: opensAt, settlement: closesAt } } }),
  );
  await waitUntil('the scheduler opens the window', 60_000, async () => {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM campaign WHERE programme_id = $1 AND status = 'live'`, [pid]);
    return rows[0].n === campaigns.length;
  });

  let jury: SoakWorld['jury'] = null;
  let juryProblem: string | undefined;
  try {
    jury = await openJury(port, db, seeded, opts.jurors);
  } catch (err) {
    juryProblem = (err as Error).message;
  }
  return {
    tenantId: seeded.tenantId,
    host,
    staffToken: seeded.staffToken,
    programme: { id: pid, slug: seeded.programme.slug, opensAt },
    campaigns,
    jury,
    juryProblem,
  };
}

/** A jury on the second programme, scored criteria, open for ballots. */
async function openJury(port: number, db: pg.Client, seeded: Awaited<ReturnType<typeof seedTables>>, n: number): Promise<NonNullable<SoakWorld['jury']>> {
  const staff = { Host: SOAK_HOST, Authorization: `Bearer ${seeded.staffToken}` };
  const base = `/api/programmes/${seeded.juryProgrammeId}/jury`;
  expectOk(
    'jury settings',
    await httpCall(port, 'PUT', `${base}/settings`, {
      headers: staff,
      body: { method: 'scored_criteria', criteria: CRITERIA.map((id) => ({ id, labelFr: id, labelEn: id, min: 0, max: 5 })), laureates: 3 },
    }),
  );
  const members: Array<{ memberId: string; email: string }> = [];
  for (let i = 0; i < n; i++) {
    const email = `juror${i}@soak.localhost`;
    const m = expectOk(
      'jury member',
      await httpCall(port, 'POST', `${base}/members`, { headers: staff, body: { email, displayName: `Juré ${i}`, organisation: 'Partenaire' } }),
    );
    members.push({ memberId: String(m.id), email });
  }
  expectOk('vote open', await httpCall(port, 'POST', `${base}/vote/open`, { headers: staff }));
  const jurors: SoakJuror[] = [];
  for (const [i, m] of members.entries()) {
    const t = token('juror', i);
    await db.query(
      `INSERT INTO api_token (tenant_id, user_id, token_hash, name, expires_at) SELECT tenant_id, id, $3, 'soak', now() + interval '30 days' FROM app_user WHERE tenant_id = $1 AND email = $2`,
      [seeded.tenantId, m.email, hashToken(t)],
    );
    const me = expectOk('juror assignment', await httpCall(port, 'GET', `${base}/me`, { headers: { Host: SOAK_HOST, Authorization: `Bearer ${t}` } }));
    jurors.push({ memberId: m.memberId, token: t, applicationIds: (me.items as Array<{ applicationId: string }>).map((x) => x.applicationId) });
  }
  return { programmeId: seeded.juryProgrammeId, jurors };
}

export async function waitUntil(what: string, timeoutMs: number, test: () => Promise<boolean>, everyMs = 250): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      if (await test()) return Date.now() - t0;
    } catch {
      // The database may be restarting: try again.
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
