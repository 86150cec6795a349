import type { Localized } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Programme } from '../programmes/programme.entity.js';
import type { CampaignStatusLike, ReportInput } from './domain/report.js';
import { upgradeFigures, type ReportFigures } from './domain/report.js';

/** SQL: campaign `c`'s title in its authority's default language, else in any language written. */
const TITLE_IN_DEFAULT_LANGUAGE = `COALESCE(NULLIF(c.title ->> (SELECT t.default_locale FROM tenant t WHERE t.id = c.tenant_id), ''),
  (SELECT e.value FROM jsonb_each_text(c.title) e WHERE e.value <> '' ORDER BY e.key LIMIT 1), '')`;

export interface SnapshotRow {
  id: string;
  version: number;
  figures: ReportFigures;
  publishedAt: Date;
  publishedBy: string;
  publishedByName: string | null;
}

export interface AuditFilter {
  action?: string;
  /** A user id, or 'system' for entries without an actor. */
  actor?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

export interface ProgrammeAuditEntry {
  id: string;
  at: Date;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
  actorUserId: string | null;
  actorName: string | null;
}

export interface LiveCampaign {
  id: string;
  applicationId: string;
  /** Per language: the live view shows it in the reader's language. */
  title: Localized;
  status: CampaignStatusLike;
  goalCents: number;
  collectedCents: number;
  matchedCents: number;
  contributorCount: number;
  contributionCount: number;
  pageViews: number;
}

const num = (v: string | number | null) => (v === null ? 0 : Number(v));

/**
 * What the report and the dashboard read, with plain SQL over the campaign tables (owned by the
 * campaigns module): every query is filtered by tenant and programme.
 */
/** Campaigns whose contributions the report counts: opened ones. */
const COUNTED_CAMPAIGNS = `('live', 'awaiting_funds', 'funded', 'not_funded')`;
/** Contributions a campaign reached (confirmed, and confirmed then refunded), when they must be read one by one. */
const REACHED_ROWS = `FROM contribution x JOIN campaign c ON c.id = x.campaign_id AND c.tenant_id = x.tenant_id
        WHERE x.tenant_id = $1 AND x.programme_id = $2 AND x.status IN ('confirmed', 'refund_due', 'refunded') AND x.confirmed_at IS NOT NULL
          AND c.status IN ${COUNTED_CAMPAIGNS}`;

// Read model: joins across modules (jury_outcome, application, campaigns...) for speed (a read model may; see STYLE.md, "Modules own their tables").
@Injectable()
export class ReportsRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  /** Every row the report is computed from, read in one transaction so the figures agree with each other. */
  async input(em: EntityManager, tenantId: string, p: Programme, timeZone: string, now: Date): Promise<ReportInput> {
    const args = [tenantId, p.id];
    const [call] = await em.query('SELECT categories FROM call WHERE tenant_id = $1 AND programme_id = $2', args);
    const applications = await em.query(
      `SELECT id, screening = 'eligible' AS eligible FROM application WHERE tenant_id = $1 AND programme_id = $2 AND submitted_at IS NOT NULL`,
      args,
    );
    const laureates = await em.query(`SELECT application_id FROM jury_outcome WHERE tenant_id = $1 AND programme_id = $2 AND status = 'laureate'`, args);
    const campaigns = await em.query(
      // The report keeps one text per campaign, in the authority's default language (its open data has one title).
      `SELECT c.id, c.application_id, c.slug, ${TITLE_IN_DEFAULT_LANGUAGE} AS title, a.commune, a.category, c.goal_cents, c.status, c.page_views
         FROM campaign c JOIN application a ON a.id = c.application_id AND a.tenant_id = c.tenant_id
        WHERE c.tenant_id = $1 AND c.programme_id = $2`,
      args,
    );
    // Confirmed contributions of opened campaigns count. They are read from the tallies the database
    // keeps with every contribution (migration ContributionTallies), so that a report of a million
    // contributions reads a few hundred rows; payments confirmed then refunded are counted apart: what a
    // campaign reached before its refunds.
    type Sums = { cents: string | null; n: string; people: string; all_cents: string | null; all_n: string; all_people: string };
    const perCampaign: Array<Sums & { campaign_id: string }> = await em.query(
      `SELECT t.campaign_id, t.kept_cents AS cents, t.kept_count AS n, t.kept_people AS people,
              t.reached_cents AS all_cents, t.reached_count AS all_n, t.reached_people AS all_people
         FROM contribution_tally_campaign t JOIN campaign c ON c.id = t.campaign_id AND c.tenant_id = t.tenant_id
        WHERE t.tenant_id = $1 AND t.programme_id = $2 AND t.reached_count > 0 AND c.status IN ${COUNTED_CAMPAIGNS}`,
      args,
    );
    const [days]: Array<{ other_zones: boolean; uncounted: boolean }> = await em.query(
      `SELECT EXISTS (SELECT 1 FROM contribution_tally_day d WHERE d.programme_id = $2 AND d.time_zone <> $3) AS other_zones,
              EXISTS (SELECT 1 FROM contribution_tally_campaign t JOIN campaign c ON c.id = t.campaign_id AND c.tenant_id = t.tenant_id
                       WHERE t.tenant_id = $1 AND t.programme_id = $2 AND t.reached_count > 0 AND c.status NOT IN ${COUNTED_CAMPAIGNS}) AS uncounted`,
      [...args, timeZone],
    );
    // The tallies' days are the authority's time zone and their people span all its campaigns: a report
    // in another zone, or with contributions to a campaign the report leaves out, is counted from the rows.
    const perDay: Array<{ day: string; cents: string; n: number }> = days.other_zones
      ? await em.query(
          `SELECT to_char(x.confirmed_at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, sum(x.amount_cents) AS cents, count(*)::int AS n
             ${REACHED_ROWS} AND x.status = 'confirmed' GROUP BY 1`,
          [...args, timeZone],
        )
      : await em.query(
          `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, sum(d.kept_cents) AS cents, sum(d.kept_count)::int AS n
             FROM contribution_tally_day d JOIN campaign c ON c.id = d.campaign_id
            WHERE c.tenant_id = $1 AND d.programme_id = $2 AND d.time_zone = $3 AND c.status IN ${COUNTED_CAMPAIGNS} GROUP BY d.day`,
          [...args, timeZone],
        );
    const [people]: Array<{ people: string; all_people: string }> = days.uncounted
      ? await em.query(
          `SELECT count(DISTINCT x.email_key COLLATE "C") FILTER (WHERE x.status = 'confirmed') AS people, count(DISTINCT x.email_key COLLATE "C") AS all_people
             ${REACHED_ROWS}`,
          args,
        )
      : await em.query(
          `SELECT coalesce(sum(kept_people), 0) AS people, coalesce(sum(reached_people), 0) AS all_people FROM contribution_tally_programme_stripe WHERE programme_id = $1`,
          [p.id],
        );
    const total = (pick: (r: Sums) => string | null) => perCampaign.reduce((sum, r) => sum + num(pick(r)), 0);
    const overall = {
      n: total((r) => r.n),
      people: num(people.people),
      all_cents: total((r) => r.all_cents),
      all_n: total((r) => r.all_n),
      all_people: num(people.all_people),
    };
    const allocations = await em.query(
      `SELECT m.campaign_id, b.partner_id, m.amount_cents, m.kind, m.status FROM match_allocation m
         JOIN campaign c ON c.id = m.campaign_id AND c.tenant_id = m.tenant_id
         JOIN match_budget b ON b.id = m.budget_id AND b.tenant_id = m.tenant_id
        WHERE m.tenant_id = $1 AND c.programme_id = $2 AND m.status = 'confirmed'`,
      args,
    );
    const partners: Array<{ id: string; name: string; budget: string }> = await em.query(
      `SELECT p.id, p.name, sum(b.total_cents) AS budget FROM partner p
         JOIN match_budget b ON b.partner_id = p.id AND b.tenant_id = p.tenant_id AND b.programme_id = p.programme_id
        WHERE p.tenant_id = $1 AND p.programme_id = $2 GROUP BY p.id, p.name`,
      args,
    );
    const [settings] = await em.query('SELECT match_counts_toward_goal FROM campaign_settings WHERE tenant_id = $1 AND programme_id = $2', args);
    const at = (phase: string) => (p.timeline?.[phase] ? new Date(p.timeline[phase]) : null);
    return {
      programme: { id: p.id, slug: p.slug, title: p.title, phase: p.phase },
      categories: (call?.categories ?? []).map((c: { key: string; label: Localized }) => ({ key: c.key, label: c.label })),
      applications: applications.map((a: { id: string; eligible: boolean }) => ({ id: a.id, submitted: true, eligible: a.eligible })),
      laureateIds: laureates.map((l: { application_id: string }) => l.application_id),
      campaigns: campaigns.map((c: Record<string, string>) => ({
        id: c.id,
        applicationId: c.application_id,
        slug: c.slug,
        title: c.title,
        commune: c.commune,
        category: c.category,
        goalCents: num(c.goal_cents),
        status: c.status as CampaignStatusLike,
        pageViews: num(c.page_views),
      })),
      contributions: [],
      contributionSummary: {
        perCampaign: Object.fromEntries(
          perCampaign
            .filter((r) => num(r.n) > 0)
            .map((r) => [r.campaign_id, { citizensCents: num(r.cents), contributions: num(r.n), contributors: num(r.people) }]),
        ),
        reachedPerCampaign: Object.fromEntries(
          perCampaign.map((r) => [r.campaign_id, { citizensCents: num(r.all_cents), contributions: num(r.all_n), contributors: num(r.all_people) }]),
        ),
        perDay: perDay.map((r) => ({ date: r.day, citizensCents: num(r.cents), contributions: r.n })),
        contributions: overall.n,
        uniqueContributors: overall.people,
        everyone: { citizensCents: overall.all_cents, contributions: overall.all_n, uniqueContributors: overall.all_people },
      },
      partners: partners.map((r) => ({ id: r.id, name: r.name, budgetCents: num(r.budget) })),
      allocations: allocations.map((m: Record<string, string>) => ({
        campaignId: m.campaign_id,
        partnerId: m.partner_id,
        amountCents: num(m.amount_cents),
        kind: m.kind as 'ratio' | 'grant',
        status: m.status as 'confirmed',
      })),
      window: { opensAt: at('campaign'), closesAt: at('settlement') },
      matchCountsTowardGoal: settings ? settings.match_counts_toward_goal !== false : true,
      timeZone,
      generatedAt: now,
    };
  }

  /** Locks the programme row: publications of one programme queue behind each other, so versions never collide. */
  async lockProgramme(em: EntityManager, tenantId: string, programmeId: string): Promise<boolean> {
    const rows = await em.query('SELECT id FROM programme WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [programmeId, tenantId]);
    return rows.length > 0;
  }

  async insertSnapshot(
    em: EntityManager,
    s: { tenantId: string; programmeId: string; figures: ReportFigures; publishedAt: Date; publishedBy: string },
  ): Promise<SnapshotRow> {
    const [row] = await em.query(
      `INSERT INTO report_snapshot (tenant_id, programme_id, version, figures, published_at, published_by)
       SELECT $1::uuid, $2::uuid, COALESCE(MAX(version), 0) + 1, $3::jsonb, $4::timestamptz, $5::uuid FROM report_snapshot WHERE programme_id = $2::uuid
       RETURNING id, version, published_at`,
      [s.tenantId, s.programmeId, JSON.stringify(s.figures), s.publishedAt, s.publishedBy],
    );
    return { id: row.id, version: row.version, figures: s.figures, publishedAt: new Date(row.published_at), publishedBy: s.publishedBy, publishedByName: null };
  }

  async versions(tenantId: string, programmeId: string): Promise<Array<Omit<SnapshotRow, 'figures'>>> {
    const rows = await this.ds.query(
      `SELECT s.id, s.version, s.published_at, s.published_by, u.display_name FROM report_snapshot s
         LEFT JOIN app_user u ON u.id = s.published_by AND u.tenant_id = s.tenant_id
        WHERE s.tenant_id = $1 AND s.programme_id = $2 ORDER BY s.version DESC`,
      [tenantId, programmeId],
    );
    return rows.map((r: Record<string, string>) => ({
      id: r.id,
      version: Number(r.version),
      publishedAt: new Date(r.published_at),
      publishedBy: r.published_by,
      publishedByName: r.display_name ?? null,
    }));
  }

  /** One version, or the latest when `version` is undefined. */
  async snapshot(tenantId: string, programmeId: string, version?: number): Promise<SnapshotRow | null> {
    const rows = await this.ds.query(
      `SELECT s.id, s.version, s.figures, s.published_at, s.published_by, u.display_name FROM report_snapshot s
         LEFT JOIN app_user u ON u.id = s.published_by AND u.tenant_id = s.tenant_id
        WHERE s.tenant_id = $1 AND s.programme_id = $2 ${version === undefined ? '' : 'AND s.version = $3'}
        ORDER BY s.version DESC LIMIT 1`,
      version === undefined ? [tenantId, programmeId] : [tenantId, programmeId, version],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          version: Number(r.version),
          figures: upgradeFigures(r.figures as ReportFigures),
          publishedAt: new Date(r.published_at),
          publishedBy: r.published_by,
          publishedByName: r.display_name ?? null,
        }
      : null;
  }

  // ---- dashboard ----

  async funnelCounts(tenantId: string, programmeId: string): Promise<{ received: number; eligible: number; laureates: number; funded: number }> {
    const [row] = await this.ds.query(
      `SELECT (SELECT count(*)::int FROM application WHERE tenant_id = $1 AND programme_id = $2 AND submitted_at IS NOT NULL) AS received,
              (SELECT count(*)::int FROM application WHERE tenant_id = $1 AND programme_id = $2 AND submitted_at IS NOT NULL AND screening = 'eligible') AS eligible,
              (SELECT count(*)::int FROM jury_outcome WHERE tenant_id = $1 AND programme_id = $2 AND status = 'laureate') AS laureates,
              (SELECT count(*)::int FROM campaign WHERE tenant_id = $1 AND programme_id = $2 AND status = 'funded') AS funded`,
      [tenantId, programmeId],
    );
    return row;
  }

  /** Every campaign with its counters (kept with each confirmation), for the live view. */
  async liveCampaigns(tenantId: string, programmeId: string): Promise<LiveCampaign[]> {
    const rows = await this.ds.query(
      `SELECT id, application_id, title, status, goal_cents, collected_cents, matched_cents, contributor_count, contribution_count, page_views
         FROM campaign c WHERE tenant_id = $1 AND programme_id = $2 ORDER BY ${TITLE_IN_DEFAULT_LANGUAGE}, id`,
      [tenantId, programmeId],
    );
    return rows.map((r: Record<string, string>) => ({
      id: r.id,
      applicationId: r.application_id,
      title: r.title as unknown as Localized,
      status: r.status as CampaignStatusLike,
      goalCents: num(r.goal_cents),
      collectedCents: num(r.collected_cents),
      matchedCents: num(r.matched_cents),
      contributorCount: num(r.contributor_count),
      contributionCount: num(r.contribution_count),
      pageViews: num(r.page_views),
    }));
  }

  /** Laureates (their applications) with no campaign page at all. */
  async laureatesWithoutCampaign(tenantId: string, programmeId: string): Promise<Array<{ applicationId: string; title: string; locale: string }>> {
    const rows = await this.ds.query(
      `SELECT a.id, a.title, a.locale FROM jury_outcome o JOIN application a ON a.id = o.application_id AND a.tenant_id = o.tenant_id
        WHERE o.tenant_id = $1 AND o.programme_id = $2 AND o.status = 'laureate'
          AND NOT EXISTS (SELECT 1 FROM campaign c WHERE c.application_id = a.id) ORDER BY a.title`,
      [tenantId, programmeId],
    );
    return rows.map((r: Record<string, string>) => ({ applicationId: r.id, title: r.title, locale: r.locale }));
  }

  /**
   * The audit entries about one programme: the programme itself, its applications, milestones,
   * campaigns and contributions, and grants naming it.
   */
  async audit(tenantId: string, programmeId: string, f: AuditFilter): Promise<ProgrammeAuditEntry[]> {
    const params: unknown[] = [tenantId, programmeId, programmeId];
    const where: string[] = [];
    if (f.action) where.push(`a.action = $${params.push(f.action)}`);
    if (f.actor === 'system') where.push('a.actor_user_id IS NULL');
    else if (f.actor) where.push(`a.actor_user_id = $${params.push(f.actor)}`);
    if (f.from) where.push(`a.at >= $${params.push(f.from)}`);
    if (f.to) where.push(`a.at < $${params.push(f.to)}`);
    const rows = await this.ds.query(
      `SELECT a.id, a.at, a.action, a.subject_type, a.subject_id, a.data, a.actor_user_id, u.display_name
         FROM audit_entry a LEFT JOIN app_user u ON u.id = a.actor_user_id AND u.tenant_id = a.tenant_id
        WHERE a.tenant_id = $1 AND ${PROGRAMME_SCOPE} ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY a.id DESC LIMIT ${Math.min(f.limit ?? 200, 500)} OFFSET ${Math.max(0, Math.floor(f.offset ?? 0))}`,
      params,
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: String(r.id),
      at: new Date(r.at as string),
      action: r.action as string,
      subjectType: r.subject_type as string,
      subjectId: r.subject_id as string,
      data: (r.data ?? {}) as Record<string, unknown>,
      actorUserId: (r.actor_user_id as string | null) ?? null,
      actorName: (r.display_name as string | null) ?? null,
    }));
  }

  /** How many entries of a programme's log the filters keep (for the pager). */
  async auditCount(tenantId: string, programmeId: string, f: AuditFilter): Promise<number> {
    const params: unknown[] = [tenantId, programmeId, programmeId];
    const where: string[] = [];
    if (f.action) where.push(`a.action = $${params.push(f.action)}`);
    if (f.actor === 'system') where.push('a.actor_user_id IS NULL');
    else if (f.actor) where.push(`a.actor_user_id = $${params.push(f.actor)}`);
    if (f.from) where.push(`a.at >= $${params.push(f.from)}`);
    if (f.to) where.push(`a.at < $${params.push(f.to)}`);
    const [row] = await this.ds.query(
      `SELECT count(*)::int AS n FROM audit_entry a WHERE a.tenant_id = $1 AND ${PROGRAMME_SCOPE} ${where.map((w) => `AND ${w}`).join(' ')}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  /** The actions and actors found in a programme's log, for the filters' choices. */
  async auditChoices(tenantId: string, programmeId: string): Promise<{ actions: string[]; actors: Array<{ id: string; name: string }> }> {
    const actions = await this.ds.query(`SELECT DISTINCT a.action FROM audit_entry a WHERE a.tenant_id = $1 AND ${PROGRAMME_SCOPE} ORDER BY a.action`, [
      tenantId,
      programmeId,
      programmeId,
    ]);
    const actors = await this.ds.query(
      `SELECT DISTINCT u.id, u.display_name FROM audit_entry a JOIN app_user u ON u.id = a.actor_user_id AND u.tenant_id = a.tenant_id
        WHERE a.tenant_id = $1 AND ${PROGRAMME_SCOPE} ORDER BY u.display_name, u.id`,
      [tenantId, programmeId, programmeId],
    );
    return {
      actions: actions.map((r: { action: string }) => r.action),
      actors: actors.map((r: { id: string; display_name: string }) => ({ id: r.id, name: r.display_name })),
    };
  }
}

/** $1 is the tenant, $2 the programme id as uuid and $3 the same as text (subject ids are text in the log). */
const PROGRAMME_SCOPE = `(
  (a.subject_type = 'programme' AND a.subject_id = $3)
  OR (a.subject_type = 'application' AND a.subject_id IN (SELECT id::text FROM application WHERE tenant_id = $1 AND programme_id = $2))
  OR (a.subject_type = 'coaching_milestone' AND a.subject_id IN (SELECT id::text FROM coaching_milestone WHERE tenant_id = $1 AND programme_id = $2))
  OR (a.subject_type = 'campaign' AND a.subject_id IN (SELECT id::text FROM campaign WHERE tenant_id = $1 AND programme_id = $2))
  OR (a.subject_type = 'contribution' AND a.subject_id IN (SELECT id::text FROM contribution WHERE tenant_id = $1 AND programme_id = $2))
  OR (a.data->>'programmeId' = $3)
)`;
