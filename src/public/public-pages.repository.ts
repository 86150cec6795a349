import type { StoredImage } from '../common/web/image-view.js';
import type { Localized } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CampaignStatus } from '../campaigns/domain/states.js';
import type { Phase } from '../programmes/domain/phase.js';
import { CAMPAIGN_PUBLIC_PHASES, PUBLIC_CAMPAIGN_STATUSES, campaignsArePublic, laureatesArePublic } from './domain/public-rules.js';

/**
 * The read model of a public programme page: only what a citizen may read. Columns are listed one by
 * one (never `SELECT *`), so that applicants' contact data (name, e-mail, phone, postcode) cannot
 * reach a public page even by a template mistake. Laureates and campaigns are not even queried
 * before the phase that makes them public.
 */
export interface ProgrammeReadModel {
  programme: {
    id: string;
    slug: string;
    title: Localized;
    summary: Localized;
    phase: Phase;
    timeline: Record<string, string>;
    /** When the programme last entered each phase it went through (the real dates of past phases). */
    entered: Record<string, string>;
    updatedAt: Date;
  };
  call: { text: Localized; deadline: Date; categories: Array<{ key: string; label: Localized }> } | null;
  partners: Array<{ id: string; name: string; logoUrl: string | null; logo: StoredImage | null; description: Localized }>;
  laureates: Array<{ applicationId: string; title: string; summary: string; locale: string; commune: string; category: string | null; sponsors: string[] }>;
  campaigns: Array<{
    slug: string;
    title: Localized;
    summary: Localized;
    applicationId: string;
    status: CampaignStatus;
    cover: StoredImage | null;
    imageAlt: Localized;
    goalCents: number;
    collectedCents: number;
    matchedCents: number;
    contributorCount: number;
    /**
     * An unfunded campaign's confirmed money before the refunds (null otherwise): the same rule as the
     * campaign page's wall (confirmed once, then confirmed, owed back or refunded).
     */
    reached: { cents: number; contributors: number } | null;
  }>;
  matchCountsTowardGoal: boolean;
}

export interface SitemapRows {
  programmes: Array<{ slug: string; phase: Phase; lastmod: Date }>;
  campaigns: Array<{ programmeSlug: string; slug: string; lastmod: Date }>;
}

// Read model: joins across modules (jury_outcome, application, partners, campaigns...) for speed (a read model may; see STYLE.md, "Modules own their tables").
@Injectable()
export class PublicPagesRepository {
  constructor(private readonly ds: DataSource) {}

  /** null when the tenant has no programme with this slug. */
  async programmePage(tenantId: string, slug: string): Promise<ProgrammeReadModel | null> {
    const [p] = await this.ds.query(
      `SELECT id, slug, title, summary, phase, timeline, GREATEST(updated_at, COALESCE(phase_changed_at, updated_at)) AS updated_at
         FROM programme WHERE tenant_id = $1 AND slug = $2`,
      [tenantId, slug],
    );
    if (!p) return null;
    const phase = p.phase as Phase;
    const args = [tenantId, p.id];
    const enteredRows: Promise<Array<{ to_phase: string; at: Date }>> = this.ds.query(
      `SELECT to_phase, max(at) AS at FROM phase_transition WHERE tenant_id = $1 AND programme_id = $2 GROUP BY to_phase`,
      args,
    );
    // Independent reads, in parallel on the pool: a cold page costs one round trip's latency, not five.
    const [calls, partners, laureates, sponsors, campaigns, settings] = await Promise.all([
      this.ds.query(`SELECT text, deadline, categories FROM call WHERE tenant_id = $1 AND programme_id = $2`, args),
      this.ds.query(`SELECT id, name, logo_url, logo, description FROM partner WHERE tenant_id = $1 AND programme_id = $2 ORDER BY lower(name), id`, args),
      laureatesArePublic(phase)
        ? this.ds.query(
            `SELECT a.id, a.title, a.summary, a.locale, a.commune, a.category
           FROM jury_outcome o JOIN application a ON a.id = o.application_id AND a.tenant_id = o.tenant_id AND a.programme_id = o.programme_id
          WHERE o.tenant_id = $1 AND o.programme_id = $2 AND o.status = 'laureate'
          ORDER BY o.rank NULLS LAST, lower(a.title), a.id`,
            args,
          )
        : [],
      laureatesArePublic(phase)
        ? this.ds.query(
            `SELECT m.application_id, pa.name FROM partner_match m JOIN partner pa ON pa.id = m.partner_id AND pa.tenant_id = m.tenant_id
          WHERE m.tenant_id = $1 AND m.programme_id = $2 ORDER BY lower(pa.name)`,
            args,
          )
        : [],
      campaignsArePublic(phase)
        ? this.ds.query(
            `SELECT slug, title, summary, application_id, status, cover, image_alt, goal_cents, collected_cents, matched_cents, contributor_count,
                    r.reached_cents, r.reached_people
           FROM campaign c
           -- What an unfunded campaign reached before its refunds, from the tallies kept with contributions.
           LEFT JOIN contribution_tally_campaign r ON c.status = 'not_funded' AND r.campaign_id = c.id AND r.tenant_id = c.tenant_id AND r.reached_count > 0
          WHERE c.tenant_id = $1 AND c.programme_id = $2 AND c.status = ANY($3)
          ORDER BY lower(COALESCE(c.title ->> (SELECT t.default_locale FROM tenant t WHERE t.id = $1), '')), c.id`,
            [...args, [...PUBLIC_CAMPAIGN_STATUSES]],
          )
        : [],
      campaignsArePublic(phase) ? this.ds.query(`SELECT match_counts_toward_goal FROM campaign_settings WHERE tenant_id = $1 AND programme_id = $2`, args) : [],
    ]);
    const sponsorsOf = new Map<string, string[]>();
    for (const s of sponsors as Array<{ application_id: string; name: string }>) {
      sponsorsOf.set(s.application_id, [...(sponsorsOf.get(s.application_id) ?? []), s.name]);
    }
    const call = calls[0];
    return {
      programme: {
        id: p.id,
        slug: p.slug,
        title: p.title ?? {},
        summary: p.summary ?? {},
        phase,
        timeline: p.timeline ?? {},
        entered: Object.fromEntries((await enteredRows).map((r) => [r.to_phase, new Date(r.at).toISOString()])),
        updatedAt: new Date(p.updated_at),
      },
      call: call ? { text: call.text ?? {}, deadline: new Date(call.deadline), categories: call.categories ?? [] } : null,
      partners: partners.map((r: Record<string, string | null>) => ({
        id: r.id!,
        name: r.name!,
        logoUrl: r.logo_url,
        logo: (r.logo ?? null) as unknown as StoredImage | null,
        description: (r.description ?? {}) as unknown as Localized,
      })),
      laureates: laureates.map((r: Record<string, string | null>) => ({
        applicationId: r.id!,
        title: r.title!,
        summary: r.summary ?? '',
        locale: r.locale!,
        commune: r.commune ?? '',
        category: r.category,
        sponsors: sponsorsOf.get(r.id!) ?? [],
      })),
      campaigns: campaigns.map((r: Record<string, string | number>) => ({
        slug: String(r.slug),
        title: r.title as unknown as Localized,
        summary: (r.summary ?? {}) as unknown as Localized,
        applicationId: String(r.application_id),
        status: r.status as CampaignStatus,
        cover: (r.cover ?? null) as unknown as StoredImage | null,
        imageAlt: (r.image_alt ?? {}) as unknown as Localized,
        goalCents: Number(r.goal_cents),
        collectedCents: Number(r.collected_cents),
        matchedCents: Number(r.matched_cents),
        contributorCount: Number(r.contributor_count),
        reached: r.reached_cents === null || r.reached_cents === undefined ? null : { cents: Number(r.reached_cents), contributors: Number(r.reached_people) },
      })),
      // No settings row yet means the defaults (match-funding counts toward the goal).
      matchCountsTowardGoal: settings[0]?.match_counts_toward_goal ?? true,
    };
  }

  /** Everything a tenant's sitemap lists: published programmes and public campaigns, with when they last changed. */
  async sitemap(tenantId: string): Promise<SitemapRows> {
    const [programmes, campaigns] = await Promise.all([
      this.ds.query(
        `SELECT p.slug, p.phase, GREATEST(p.updated_at, COALESCE(p.phase_changed_at, p.updated_at), COALESCE(c.updated_at, p.updated_at)) AS lastmod
           FROM programme p LEFT JOIN call c ON c.programme_id = p.id AND c.tenant_id = p.tenant_id
          WHERE p.tenant_id = $1 AND p.phase <> 'draft' ORDER BY p.created_at, p.slug`,
        [tenantId],
      ),
      this.ds.query(
        `SELECT p.slug AS programme_slug, c.slug, c.updated_at AS lastmod
           FROM campaign c JOIN programme p ON p.id = c.programme_id AND p.tenant_id = c.tenant_id
          WHERE c.tenant_id = $1 AND c.status = ANY($2) AND p.phase = ANY($3) ORDER BY p.created_at, p.slug, lower(COALESCE(c.title ->> (SELECT t.default_locale FROM tenant t WHERE t.id = $1), '')), c.slug`,
        [tenantId, [...PUBLIC_CAMPAIGN_STATUSES], [...CAMPAIGN_PUBLIC_PHASES]],
      ),
    ]);
    return {
      programmes: programmes.map((r: { slug: string; phase: Phase; lastmod: string }) => ({ slug: r.slug, phase: r.phase, lastmod: new Date(r.lastmod) })),
      campaigns: campaigns.map((r: { programme_slug: string; slug: string; lastmod: string }) => ({
        programmeSlug: r.programme_slug,
        slug: r.slug,
        lastmod: new Date(r.lastmod),
      })),
    };
  }

  /**
   * The home page's programmes (not drafts): what each one asks of a citizen now, with the call's
   * deadline and the collection's running totals (campaigns opened for contributions only).
   */
  async homePage(tenantId: string): Promise<HomeProgrammeRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT p.id, p.slug, p.title, p.summary, p.phase, p.timeline, c.deadline,
              k.campaigns, k.funded, k.collected, k.matched, k.supports
         FROM programme p
         LEFT JOIN call c ON c.tenant_id = p.tenant_id AND c.programme_id = p.id
         LEFT JOIN LATERAL (
           SELECT count(*)::int AS campaigns, count(*) FILTER (WHERE x.status = 'funded')::int AS funded,
                  coalesce(sum(x.collected_cents), 0) AS collected, coalesce(sum(x.matched_cents), 0) AS matched,
                  coalesce(sum(x.contributor_count), 0)::int AS supports
             FROM campaign x
            WHERE x.tenant_id = p.tenant_id AND x.programme_id = p.id AND x.status IN ('live', 'awaiting_funds', 'funded', 'not_funded')
         ) k ON true
        WHERE p.tenant_id = $1 AND p.phase <> 'draft'
        ORDER BY p.created_at DESC, p.id`,
      [tenantId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      slug: String(r.slug),
      title: (r.title ?? {}) as Localized,
      summary: (r.summary ?? {}) as Localized,
      phase: r.phase as Phase,
      timeline: (r.timeline ?? {}) as Record<string, string>,
      callDeadline: r.deadline ? new Date(r.deadline as string) : null,
      campaigns: Number(r.campaigns ?? 0),
      funded: Number(r.funded ?? 0),
      collectedCents: Number(r.collected ?? 0),
      matchedCents: Number(r.matched ?? 0),
      supports: Number(r.supports ?? 0),
    }));
  }
}

/** A programme as the home page shows it. */
export interface HomeProgrammeRow {
  id: string;
  slug: string;
  title: Localized;
  summary: Localized;
  phase: Phase;
  timeline: Record<string, string>;
  callDeadline: Date | null;
  campaigns: number;
  funded: number;
  collectedCents: number;
  matchedCents: number;
  /** Contributors summed over campaigns (a person backing two projects counts twice: "supports"). */
  supports: number;
}
