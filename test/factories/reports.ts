import { UsersRepository } from '../../src/auth/users.repository.js';
import type { CampaignStatus } from '../../src/campaigns/domain/states.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { insertCampaignWithMoney, type SeedContribution } from '../../src/database/demo-results-seed.js';
import type { Programme } from '../../src/programmes/programme.entity.js';
import type { TestApp } from '../setup/test-app.js';
import { createProgramme, type TestPerson, type TestTenant } from './index.js';

export interface ScenarioCampaign {
  title: string;
  commune?: string;
  category?: string;
  goalCents: number;
  status: CampaignStatus;
  pageViews?: number;
  contributions?: SeedContribution[];
  /** Proportional match-funding is given per contribution (SeedContribution.matchedCents); grants per campaign. */
  grantCents?: number;
}

export interface ResultsScenario {
  programme: Programme;
  campaigns: Array<{ id: string; applicationId: string; title: string }>;
  ratioBudgetId: string;
  grantBudgetId: string;
}

/** The collection window of the scenario: the first week of September 2026, Paris time. */
export const WINDOW = { opens: new Date('2026-08-31T22:00:00Z'), closes: new Date('2026-09-07T22:00:00Z') };

/**
 * A programme whose collection is over (phase `results`), written straight to the tables: one
 * submitted application per campaign plus `extraApplications` more (every other one ineligible),
 * a laureate outcome and a campaign with its money for each campaign given, a call with categories,
 * and a partner's ratio and grant budgets.
 */
export async function createResultsProgramme(
  t: TestApp,
  tt: TestTenant,
  staff: TestPerson,
  opts: { slug?: string; campaigns: ScenarioCampaign[]; extraApplications?: number; phase?: string },
): Promise<ResultsScenario> {
  const programme = await createProgramme(t, tt, staff, opts.slug ? { slug: opts.slug } : {});
  const users = t.app.get(UsersRepository);
  const tenantId = tt.tenant.id;
  return t.app.get(TransactionRunner).run(async (em) => {
    const timeline = {
      call_open: '2026-04-01T08:00:00.000Z',
      screening: '2026-05-01T08:00:00.000Z',
      jury: '2026-05-15T08:00:00.000Z',
      announced: '2026-06-01T08:00:00.000Z',
      coaching: '2026-06-15T08:00:00.000Z',
      communication: '2026-08-15T08:00:00.000Z',
      campaign: WINDOW.opens.toISOString(),
      settlement: WINDOW.closes.toISOString(),
      results: '2026-09-20T08:00:00.000Z',
    };
    await em.query(`UPDATE programme SET phase = $2, next_transition_at = NULL, timeline = $3 WHERE id = $1`, [
      programme.id,
      opts.phase ?? 'results',
      JSON.stringify(timeline),
    ]);
    await em.query(
      `INSERT INTO call (tenant_id, programme_id, categories, goal_min_cents, goal_max_cents, deadline, receipt_prefix)
       VALUES ($1, $2, $3, 100000, 1000000, '2026-05-01T08:00:00Z', 'REP')`,
      [
        tenantId,
        programme.id,
        JSON.stringify([
          { key: 'repair', label: { fr: 'Réparation', en: 'Repair' } },
          { key: 'reuse', label: { fr: 'Réemploi', en: 'Reuse' } },
        ]),
      ],
    );
    const [partner] = await em.query(`INSERT INTO partner (tenant_id, programme_id, name) VALUES ($1, $2, 'Banque coopérative') RETURNING id`, [
      tenantId,
      programme.id,
    ]);
    const budget = async (kind: 'ratio' | 'grant') =>
      (
        await em.query(
          `INSERT INTO match_budget (tenant_id, programme_id, partner_id, kind, total_cents, pool_cents, grant_cents, grant_threshold_percent, grant_min_contributors)
       VALUES ($1, $2, $3, $4, 10000000, 10000000, $5, $6, $7) RETURNING id`,
          [tenantId, programme.id, partner.id, kind, kind === 'grant' ? 10_000 : null, kind === 'grant' ? 100 : null, kind === 'grant' ? 1 : null],
        )
      )[0].id as string;
    const ratioBudgetId = await budget('ratio');
    const grantBudgetId = await budget('grant');

    const application = async (n: number, title: string, commune: string, category: string, eligible: boolean) => {
      const email = `porteur-${n}-${programme.id.slice(0, 8)}@example.org`;
      const user = await users.upsert(em, tenantId, email, `Porteur ${n}`, 'fr');
      const [row] = await em.query(
        `INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, screening, title, category, goal_cents, commune, postcode, email, consent, submitted_at)
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, 500000, $7, '59000', $8, true, '2026-04-20T08:00:00Z') RETURNING id`,
        [tenantId, programme.id, user.id, eligible ? 'eligible' : 'ineligible', title, category, commune, email],
      );
      return { id: row.id as string, userId: user.id };
    };

    const campaigns: ResultsScenario['campaigns'] = [];
    for (const [i, c] of opts.campaigns.entries()) {
      const a = await application(i + 1, c.title, c.commune ?? 'Roubaix', c.category ?? 'repair', true);
      await em.query(
        `INSERT INTO jury_outcome (tenant_id, programme_id, application_id, status, rank, confirmed_by, confirmed_at) VALUES ($1, $2, $3, 'laureate', $4, $5, now())`,
        [tenantId, programme.id, a.id, i + 1, staff.userId],
      );
      const id = await insertCampaignWithMoney(em, {
        tenantId,
        programmeId: programme.id,
        applicationId: a.id,
        laureateUserId: a.userId,
        slug: `campagne-${i + 1}`,
        title: c.title,
        goalCents: c.goalCents,
        status: c.status,
        pageViews: c.pageViews ?? 0,
        openedAt: WINDOW.opens,
        closedAt: WINDOW.closes,
        approvedBy: staff.userId,
        contributions: c.contributions ?? [],
        ratioBudgetId,
        grants: c.grantCents ? [{ budgetId: grantBudgetId, amountCents: c.grantCents }] : [],
      });
      campaigns.push({ id, applicationId: a.id, title: c.title });
    }
    for (let n = 0; n < (opts.extraApplications ?? 0); n++) {
      await application(opts.campaigns.length + n + 1, `Candidature ${n + 1}`, 'Lille', 'reuse', n % 2 === 0);
    }
    return { programme, campaigns, ratioBudgetId, grantBudgetId };
  });
}

/** A confirmed contribution during the scenario's window (day 0 to 6). */
export function gift(amountCents: number, email: string, day = 0, over: Partial<SeedContribution> = {}): SeedContribution {
  return { amountCents, email, status: 'confirmed', confirmedAt: new Date(WINDOW.opens.getTime() + day * 86_400_000 + 10 * 3_600_000), ...over };
}
