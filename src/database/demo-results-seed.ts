import { randomUUID } from 'node:crypto';
import { drawDemoImages } from './demo-images.js';
import type { INestApplication } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UsersRepository } from '../auth/users.repository.js';
import type { CampaignStatus, ContributionStatus } from '../campaigns/domain/states.js';
import { Clock } from '../common/clock/clock.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { localDate } from '../reports/domain/report.js';
import { ReportsService } from '../reports/reports.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { DEMO_CATEGORIES, DEMO_CATEGORY_LABELS, DEMO_COMMUNES, DEMO_PROJECTS, seedProgrammeOnce } from './demo-data.js';

const DAY = 86_400_000;
const SEED_LOCK = 7_314_420_009;
const SLUG = 'makers-results-demo';

export interface SeedContribution {
  amountCents: number;
  email: string;
  status: ContributionStatus;
  confirmedAt: Date | null;
  /** When the contributor started paying; defaults to the confirmation, else the campaign's opening. */
  createdAt?: Date;
  anonymous?: boolean;
  /** Proportional match-funding from `ratioBudgetId`: confirmed with the contribution, reserved while pending, else released. */
  matchedCents?: number;
}

export interface SeedCampaign {
  tenantId: string;
  programmeId: string;
  applicationId: string;
  laureateUserId: string;
  slug: string;
  title: string;
  goalCents: number;
  status: CampaignStatus;
  pageViews: number;
  openedAt?: Date | null;
  closedAt?: Date | null;
  approvedBy?: string | null;
  contributions: SeedContribution[];
  ratioBudgetId?: string;
  grants?: Array<{ budgetId: string; amountCents: number }>;
}

/**
 * Writes a campaign with its contributions, match-funding and backers straight to the tables, and
 * sets the campaign's counters from those rows (confirmed money only), as the campaigns service
 * would have left them. Used by the results demo and by the report tests.
 */
export async function insertCampaignWithMoney(em: EntityManager, c: SeedCampaign): Promise<string> {
  const [{ id }] = await em.query(
    `INSERT INTO campaign (tenant_id, programme_id, application_id, laureate_user_id, slug, title, summary, goal_cents, status,
       submitted_at, approved_at, approved_by, opened_at, closed_at, settled_at, page_views)
     VALUES ($1, $2, $3, $4, $5, jsonb_build_object((SELECT default_locale FROM tenant WHERE id = $1), $6::text),
       jsonb_build_object((SELECT default_locale FROM tenant WHERE id = $1), $7::text), $8, $9, $10, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [
      c.tenantId,
      c.programmeId,
      c.applicationId,
      c.laureateUserId,
      c.slug,
      c.title,
      `${c.title} : une campagne de financement participatif.`,
      c.goalCents,
      c.status,
      c.openedAt ?? null,
      c.approvedBy ?? null,
      c.openedAt ?? null,
      c.closedAt ?? null,
      c.status === 'funded' || c.status === 'not_funded' ? (c.closedAt ?? null) : null,
      c.pageViews,
    ],
  );
  const rows = c.contributions.map((x) => ({ ...x, id: randomUUID(), emailKey: x.email.trim().toLowerCase() }));
  const at = (x: SeedContribution) => x.createdAt ?? x.confirmedAt ?? c.openedAt ?? new Date(0);
  if (rows.length) {
    await em.query(
      `INSERT INTO contribution (id, tenant_id, programme_id, campaign_id, amount_cents, matched_cents, email, email_key, anonymous, display_name, status,
         provider, idempotency_key, request_hash, expires_at, confirmed_at, ended_at, created_at, updated_at)
       SELECT u.id, $1, $2, $3, u.amount, u.matched, u.email, u.email_key, u.anonymous, CASE WHEN u.anonymous THEN NULL ELSE split_part(u.email, '@', 1) END,
              u.status, 'pledge', 'seed-' || u.id, 'seed', u.created + interval '72 hours', u.confirmed,
              CASE WHEN u.status IN ('refunded', 'failed', 'expired') THEN u.created + interval '1 hour' ELSE NULL END, u.created, u.created
         FROM unnest($4::uuid[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::timestamptz[], $12::timestamptz[])
           AS u(id, amount, matched, email, email_key, anonymous, status, confirmed, created)`,
      [
        c.tenantId,
        c.programmeId,
        id,
        rows.map((r) => r.id),
        rows.map((r) => r.amountCents),
        rows.map((r) => (r.status === 'confirmed' ? (r.matchedCents ?? 0) : 0)),
        rows.map((r) => r.email),
        rows.map((r) => r.emailKey),
        rows.map((r) => !!r.anonymous),
        rows.map((r) => r.status),
        rows.map((r) => r.confirmedAt),
        rows.map((r) => at(r)),
      ],
    );
    // Their refunds, as the settlement requested them (pledges are released at once): staff see them listed.
    await em.query(
      `INSERT INTO refund (tenant_id, programme_id, campaign_id, contribution_id, provider, state, cause, attempts, confirmed_at, created_at, updated_at)
       SELECT tenant_id, programme_id, campaign_id, id, provider, 'confirmed', 'settlement', 1, ended_at, ended_at, ended_at
         FROM contribution WHERE campaign_id = $1 AND status = 'refunded'`,
      [id],
    );
  }
  const allocations = [
    ...rows
      .filter((r) => (r.matchedCents ?? 0) > 0 && c.ratioBudgetId)
      .map((r) => ({
        budgetId: c.ratioBudgetId!,
        contributionId: r.id as string | null,
        kind: 'ratio',
        amount: r.matchedCents!,
        status: r.status === 'confirmed' ? 'confirmed' : r.status === 'pending' ? 'reserved' : 'released',
      })),
    ...(c.grants ?? []).map((g) => ({ budgetId: g.budgetId, contributionId: null, kind: 'grant', amount: g.amountCents, status: 'confirmed' })),
  ];
  for (const a of allocations) {
    await em.query(
      `INSERT INTO match_allocation (tenant_id, campaign_id, budget_id, contribution_id, kind, amount_cents, status) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.tenantId, id, a.budgetId, a.contributionId, a.kind, a.amount, a.status],
    );
    // Released money went back to the budget; reserved and confirmed money is taken from it.
    if (a.status !== 'released') await em.query('UPDATE match_budget SET pool_cents = pool_cents - $2 WHERE id = $1', [a.budgetId, a.amount]);
  }
  const confirmed = rows.filter((r) => r.status === 'confirmed');
  const backers = [...new Set(confirmed.map((r) => r.emailKey))];
  if (backers.length) {
    await em.query('INSERT INTO campaign_backer (campaign_id, email_key) SELECT $1, unnest($2::text[])', [id, backers]);
  }
  await em.query(`UPDATE campaign SET collected_cents = $2, matched_cents = $3, contribution_count = $4, contributor_count = $5 WHERE id = $1`, [
    id,
    confirmed.reduce((s, r) => s + r.amountCents, 0),
    allocations.filter((a) => a.status === 'confirmed').reduce((s, a) => s + a.amount, 0),
    confirmed.length,
    backers.length,
  ]);
  return id;
}

/** A small deterministic generator: the demo is the same on every machine. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Goals of the ten laureates, in euros; the last one does not reach its goal. */
const GOALS = [4_000, 5_000, 6_000, 4_500, 5_500, 7_000, 3_500, 6_500, 3_000, 8_000];
/** How far past its goal each funded campaign went (citizens only). */
const REACH = [1.18, 1.1, 1.08, 1.22, 1.05, 1.04, 1.3, 1.12, 1.25];
const VIEWS = [12_400, 9_800, 11_200, 8_300, 10_100, 13_600, 7_200, 9_900, 6_800, 11_700];
const AMOUNTS = [10, 15, 20, 20, 25, 30, 30, 40, 50, 50, 60, 80, 100, 150].map((e) => e * 100);

/**
 * A fourth demo programme, "Makers — results demo", shaped like the reference call once its window
 * is over: forty applications, ten laureates with campaigns, nine funded, about 55,000 EUR collected
 * (citizens and a partner's match-funding) from over 900 contributors over six weeks, 100,000 page
 * views, and version 1 of its report published. Idempotent under an advisory lock. Call after `seedDemo`.
 */
export async function seedDemoResults(app: INestApplication, say: (m: string) => void, tenantSlug = 'demo'): Promise<void> {
  await seedProgrammeOnce(app, SEED_LOCK, SLUG, tenantSlug, say, async (tenant) => {
    const version = await createResultsDemo(app, tenant);
    return version ? `demo programme "Makers — results demo" created: window over, 9 of 10 campaigns funded, report version ${version} published` : null;
  });
}

async function createResultsDemo(app: INestApplication, tenant: Tenant): Promise<number | null> {
  const ds = app.get(DataSource);
  const users = app.get(UsersRepository);
  const now = app.get(Clock).now().getTime();
  const staff = (
    await ds.query(
      `SELECT u.id FROM app_user u JOIN role_grant g ON g.user_id = u.id WHERE u.tenant_id = $1 AND g.role = 'staff' AND g.programme_id IS NULL ORDER BY u.email LIMIT 1`,
      [tenant.id],
    )
  )[0]?.id as string | undefined;
  if (!staff) return null;

  const programme = await app.get(ProgrammesService).create(
    tenant,
    {
      slug: SLUG,
      title: { fr: 'Makers — démonstration des résultats', en: 'Makers — results demo', nl: 'Makers — demo van de resultaten' },
      summary: {
        fr: 'Un programme de démonstration dont la collecte est terminée : dix lauréats, neuf campagnes financées, le rapport de résultats publié.',
        en: 'A demonstration programme whose collection is over: ten laureates, nine campaigns funded, the results report published.',
        nl: 'Een demonstratieprogramma waarvan de inzameling voorbij is: tien laureaten, negen gefinancierde campagnes, het resultatenrapport gepubliceerd.',
      },
    },
    staff,
  );
  // Six weeks of collection that ended eighteen days ago; the programme is in its results phase.
  // The window runs from local midnight to local midnight: exactly 42 days on the report's curve.
  const midnight = (at: number) => zonedWallTimeToInstant(`${localDate(new Date(at), tenant.timeZone)}T00:00`, tenant.timeZone)!;
  const opens = midnight(now - 60 * DAY);
  const closes = midnight(now - 18 * DAY);
  const timeline = {
    call_open: now - 250 * DAY,
    screening: now - 200 * DAY,
    jury: now - 185 * DAY,
    announced: now - 170 * DAY,
    coaching: now - 160 * DAY,
    communication: now - 90 * DAY,
    campaign: opens.getTime(),
    settlement: closes.getTime(),
    results: now - 10 * DAY,
  };
  const random = prng(20260614);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

  await app.get(TransactionRunner).run(async (em) => {
    await em.query(`UPDATE programme SET phase = 'results', phase_changed_at = $2, next_transition_at = NULL, timeline = $3 WHERE id = $1`, [
      programme.id,
      new Date(timeline.results),
      JSON.stringify(Object.fromEntries(Object.entries(timeline).map(([k, v]) => [k, new Date(v).toISOString()]))),
    ]);
    // The phase history the programme would have had: retention periods count from these instants.
    const phases = Object.keys(timeline);
    for (const [i, phase] of phases.entries()) {
      await em.query(
        `INSERT INTO phase_transition (tenant_id, programme_id, from_phase, to_phase, at, trigger) VALUES ($1, $2, $3, $4, $5, 'schedule') ON CONFLICT DO NOTHING`,
        [tenant.id, programme.id, i === 0 ? 'draft' : phases[i - 1], phase, new Date(timeline[phase as keyof typeof timeline])],
      );
    }
    await em.query(
      `INSERT INTO call (tenant_id, programme_id, text, categories, territory, goal_min_cents, goal_max_cents, deadline, receipt_prefix, receipt_seq)
       VALUES ($1, $2, $6, $3, $4, 100000, 1000000, $5, 'RES', 40)`,
      [
        tenant.id,
        programme.id,
        JSON.stringify(DEMO_CATEGORY_LABELS),
        JSON.stringify(DEMO_COMMUNES.map(([name, postcode]) => ({ name, postcode }))),
        new Date(timeline.screening),
        JSON.stringify({
          fr: 'Appel à projets de démonstration (terminé).',
          en: 'Demonstration call for projects (over).',
          nl: 'Projectoproep ter demonstratie (afgelopen).',
        }),
      ],
    );
    const [partner] = await em.query(
      `INSERT INTO partner (tenant_id, programme_id, name, description, capacity, match_funding_cents) VALUES ($1, $2, 'Banque coopérative', $3::jsonb, 3, 500000) RETURNING id`,
      [
        tenant.id,
        programme.id,
        JSON.stringify({
          fr: 'Abonde les collectes des lauréats.',
          en: 'Matches the laureates’ collections.',
          nl: 'Verdubbelt de inzamelingen van de laureaten.',
        }),
      ],
    );
    await em.query(
      `INSERT INTO campaign_settings (tenant_id, programme_id, settlement_policy, match_counts_toward_goal, match_factor_percent, match_cap_per_contribution_cents)
       VALUES ($1, $2, 'all_or_nothing', true, 50, 2500)`,
      [tenant.id, programme.id],
    );
    const [ratio] = await em.query(
      `INSERT INTO match_budget (tenant_id, programme_id, partner_id, kind, total_cents, pool_cents) VALUES ($1, $2, $3, 'ratio', 400000, 400000) RETURNING id`,
      [tenant.id, programme.id, partner.id],
    );
    const [grant] = await em.query(
      `INSERT INTO match_budget (tenant_id, programme_id, partner_id, kind, total_cents, pool_cents, grant_cents, grant_threshold_percent, grant_min_contributors)
       VALUES ($1, $2, $3, 'grant', 100000, 100000, 20000, 100, 50) RETURNING id`,
      [tenant.id, programme.id, partner.id],
    );

    // Forty applications: ten laureates first, thirty more (six of them found ineligible).
    const applications: Array<{ id: string; userId: string; title: string; category: string; commune: string }> = [];
    for (const [i, title] of DEMO_PROJECTS.entries()) {
      const n = i + 1;
      const email = `porteur-resultats${n}@demo.tremplin.test`;
      const user = await users.upsert(em, tenant.id, email, `Porteur ${n}`, 'fr');
      await users.grant(em, tenant.id, user.id, 'applicant', programme.id);
      const [commune, postcode] = DEMO_COMMUNES[i % DEMO_COMMUNES.length];
      const category = DEMO_CATEGORIES[i % DEMO_CATEGORIES.length];
      const [row] = await em.query(
        `INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, screening_reason, title, summary, category,
           goal_cents, commune, postcode, applicant_name, organisation, email, phone, consent, answers, receipt_number, submitted_at, locale)
         VALUES ($1, $2, $3, 'submitted', $4, 'Demo', $5, $6, $7, $8, $9, $10, $11, $12, $13, '', true, '{}', $14, $15, 'fr') RETURNING id`,
        [
          tenant.id,
          programme.id,
          user.id,
          i >= 34 ? 'ineligible' : 'eligible',
          title,
          `${title} : un projet d'économie circulaire porté par des makers du territoire.`,
          category,
          (GOALS[i] ?? 5_000) * 100,
          commune,
          postcode,
          `Porteur ${n}`,
          `Collectif ${n}`,
          email,
          `RES-${String(n).padStart(5, '0')}`,
          new Date(timeline.call_open + (i + 1) * DAY),
        ],
      );
      applications.push({ id: row.id, userId: user.id, title, category, commune });
    }

    // Contributors: most give once, some give again (to the same or another campaign), some anonymously.
    const known: string[] = [];
    let fresh = 0;
    const contributor = () => {
      if (known.length && random() < 0.09) return pick(known);
      const email = `soutien${++fresh}@exemple.fr`;
      known.push(email);
      return email;
    };
    const windowMs = closes.getTime() - opens.getTime();
    // More money at the opening and in the last days, as in every collection.
    const when = () => {
      const u = random();
      const shaped = u < 0.3 ? u * 0.5 : u > 0.8 ? 0.85 + (u - 0.8) * 0.75 : 0.15 + (u - 0.3) * 1.4;
      return new Date(opens.getTime() + Math.min(0.999, shaped) * windowMs);
    };
    let grantLeft = 100_000;
    for (const [i, a] of applications.slice(0, 10).entries()) {
      await em.query(
        `INSERT INTO jury_outcome (tenant_id, programme_id, application_id, status, rank, confirmed_by, confirmed_at) VALUES ($1, $2, $3, 'laureate', $4, $5, $6)`,
        [tenant.id, programme.id, a.id, i + 1, staff, new Date(timeline.announced)],
      );
      const funded = i < 9;
      const goal = GOALS[i] * 100;
      const target = funded ? Math.round(goal * REACH[i]) : Math.round(goal * 0.4);
      const contributions: SeedContribution[] = [];
      // The partner's proportional budget is shared evenly between the campaigns.
      let ratioLeft = 44_000;
      for (let sum = 0; sum < target;) {
        const amount = pick(AMOUNTS);
        const confirmedAt = when();
        // Half of each contribution is matched (at most 25 EUR) while the partner's budget lasts.
        const matched = funded ? Math.min(Math.floor(amount / 2), 2_500, ratioLeft) : 0;
        ratioLeft -= matched;
        contributions.push({
          amountCents: amount,
          email: contributor(),
          anonymous: random() < 0.15,
          confirmedAt,
          status: funded ? 'confirmed' : 'refunded',
          matchedCents: matched,
        });
        sum += amount;
      }
      // A few payments that never arrived, on funded campaigns too: they count nowhere.
      contributions.push({ amountCents: 5_000, email: contributor(), status: 'expired', confirmedAt: null, createdAt: when() });
      const grantAmount = funded && grantLeft > 0 && REACH[i] >= 1.1 ? Math.min(20_000, grantLeft) : 0;
      grantLeft -= grantAmount;
      await insertCampaignWithMoney(em, {
        tenantId: tenant.id,
        programmeId: programme.id,
        applicationId: a.id,
        laureateUserId: a.userId,
        slug: a.title
          .toLowerCase()
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, ''),
        title: a.title,
        goalCents: goal,
        status: funded ? 'funded' : 'not_funded',
        pageViews: VIEWS[i],
        openedAt: opens,
        closedAt: closes,
        approvedBy: staff,
        contributions,
        ratioBudgetId: ratio.id,
        grants: grantAmount ? [{ budgetId: grant.id, amountCents: grantAmount }] : [],
      });
    }
  });

  await drawDemoImages(app, tenant, programme.id, staff);
  const published = await app.get(ReportsService).publish(tenant, programme.id, staff);
  return published.version;
}
