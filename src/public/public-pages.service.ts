import { textIn } from '../common/web/language-fields.js';
import { intlTagOf, memo } from '../common/i18n/format.js';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { hasRole } from '../auth/principal.js';
import { formatInstant, ViewService } from '../common/web/view.service.js';
import type { PageContext } from '../request-context/current.decorators.js';
import { phaseIndex } from '../programmes/domain/phase.js';
import type { Programme } from '../programmes/programme.entity.js';
import { timelineRows } from '../programmes/programmes.pages.controller.js';
import { timelineOf } from '../programmes/programmes.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { campaignProgress, countdownTo, formatMoney } from './domain/progress.js';
import { contentFallbacks, hasText, localizedText } from '../common/i18n/localized.js';
import { isPublicProgramme, laureatesArePublic, windowState } from './domain/public-rules.js';
import { robotsTxt, sitemapXml, type SitemapPage } from './domain/sitemap.js';
import { sharedRendering } from '../common/cache/renderings.js';
import { TtlCache } from '../common/cache/ttl-cache.js';
import { type ProgrammeReadModel, PublicPagesRepository } from './public-pages.repository.js';
import { ShareMetaService } from './share-meta.service.js';

/**
 * How stale a public programme page may be, per instance: its read model is kept this long in
 * memory. Instances do not tell each other about changes; with N instances every one of them shows a
 * change (a contribution's total, a phase move) within this delay. Add the HTTP max-age below for
 * what a browser or a CDN may keep: at most PROGRAMME_MODEL_TTL_MS + PROGRAMME_MAX_AGE_S in all.
 */
export const PROGRAMME_MODEL_TTL_MS = 5_000;
/** Browsers and shared caches may reuse an anonymous programme page this long (then revalidate by ETag). */
export const PROGRAMME_MAX_AGE_S = 30;
/** The sitemap lists pages, not figures: a minute per instance, five in HTTP caches. */
export const SITEMAP_TTL_MS = 60_000;
export const SITEMAP_MAX_AGE_S = 300;

const SLUG = /^[a-z0-9][a-z0-9-]{1,80}$/;

export interface RenderedPage {
  html: string;
  /** Weak validator of the exact bytes sent (a proxy may recompress them). */
  etag: string;
}

interface Entry {
  model: ProgrammeReadModel | null;
  /** Promises: concurrent misses of one variant (a 180 KB page at each expiry) share one rendering. */
  rendered: Map<string, Promise<RenderedPage>>;
}

@Injectable()
export class PublicPagesService {
  private readonly programmes: TtlCache<Entry>;
  private readonly sitemaps: TtlCache<string>;

  constructor(
    private readonly repo: PublicPagesRepository,
    private readonly views: ViewService,
    private readonly share: ShareMetaService,
    private readonly clock: Clock,
  ) {
    const now = () => clock.now().getTime();
    this.programmes = new TtlCache(PROGRAMME_MODEL_TTL_MS, 5_000, now);
    this.sitemaps = new TtlCache(SITEMAP_TTL_MS, 10_000, now);
  }

  /**
   * Forgets this instance's cached pages of a tenant (e.g. right after a change made here, or in
   * tests); other instances catch up within PROGRAMME_MODEL_TTL_MS.
   */
  invalidate(tenantId?: string): void {
    this.programmes.delete(tenantId ? `${tenantId}:` : '');
    this.sitemaps.delete(tenantId ?? '');
  }

  /** The programme page, from the cached read model; anonymous renderings are cached too (they are the same for everyone). */
  async programmePage(page: PageContext, slug: string): Promise<RenderedPage> {
    if (!SLUG.test(slug)) throw new DomainError('NOT_FOUND');
    const entry = await this.programmes.get(`${page.tenant.id}:${slug}`, async () => ({
      model: await this.repo.programmePage(page.tenant.id, slug),
      rendered: new Map(),
    }));
    const model = entry.model;
    if (!model) throw new DomainError('NOT_FOUND');
    if (!isPublicProgramme(model.programme.phase) && !hasRole(page.principal, ['staff', 'platform_admin'])) throw new DomainError('NOT_FOUND');
    // Signed-in people see their own header (name, sign-out form with their CSRF token): never shared.
    if (page.principal) return this.render(page, model);
    return sharedRendering(entry.rendered, await this.share.renderingKey(page), () => this.render(page, model));
  }

  sitemap(tenant: Tenant): Promise<string> {
    return this.sitemaps.get(tenant.id, async () => {
      const [site, rows] = await Promise.all([this.share.siteUrl(tenant), this.repo.sitemap(tenant.id)]);
      const newest = [...rows.programmes, ...rows.campaigns].reduce<Date | null>((m, r) => (!m || r.lastmod > m ? r.lastmod : m), null);
      const pages: SitemapPage[] = [{ path: '/', lastmod: newest }];
      for (const p of rows.programmes) {
        pages.push({ path: `/programmes/${p.slug}`, lastmod: p.lastmod });
        if (p.phase === 'call_open') pages.push({ path: `/programmes/${p.slug}/apply`, lastmod: p.lastmod });
        if (p.phase === 'results') pages.push({ path: `/programmes/${p.slug}/results`, lastmod: p.lastmod });
      }
      for (const c of rows.campaigns) pages.push({ path: `/programmes/${c.programmeSlug}/campaigns/${c.slug}`, lastmod: c.lastmod });
      return sitemapXml(site, pages, tenant.languages);
    });
  }

  async robots(tenant: Tenant): Promise<string> {
    return robotsTxt(await this.share.siteUrl(tenant));
  }

  private async render(page: PageContext, model: ProgrammeReadModel): Promise<RenderedPage> {
    const html = this.views.page('pages/programmes/programme', page, await this.viewModel(page, model));
    return { html, etag: `W/"${createHash('sha1').update(html).digest('base64url')}"` };
  }

  /** Everything the template shows, formatted for the page's language at this instant. */
  private async viewModel(page: PageContext, model: ProgrammeReadModel) {
    const locale = page.locale;
    const tz = page.tenant.timeZone;
    const now = this.clock.now();
    const p = model.programme;
    const timeline = timelineOf(p as unknown as Programme);
    const opensAt = timeline.campaign ?? null;
    const closesAt = timeline.settlement ?? null;
    const state = windowState(p.phase);
    const date = (at: Date) => formatInstant(at, locale, tz);
    // Text people wrote, in the page's language or a fallback (marked with its lang by {{loc}}).
    const fallbacks = contentFallbacks(page.tenant);
    const title = localizedText(p.title, locale, fallbacks);
    const summaryText = localizedText(p.summary, locale, fallbacks);
    const callText = model.call && hasText(model.call.text) ? model.call.text : null;
    const categories = new Map((model.call?.categories ?? []).map((c) => [c.key, c.label]));
    const list = memo(`list:${locale}:conjunction`, () => new Intl.ListFormat(intlTagOf(locale), { type: 'conjunction' }));
    const campaignPath = (slug: string) => `/programmes/${p.slug}/campaigns/${slug}`;
    const campaignOf = new Map(model.campaigns.map((c) => [c.applicationId, campaignPath(c.slug)]));

    // A laureate's sponsors follow their project onto its campaign card (the card is the project, listed once).
    const sponsorsOf = new Map(model.laureates.filter((l) => l.sponsors.length).map((l) => [l.applicationId, list.format(l.sponsors)]));
    const campaigns = model.campaigns.map((c) => ({
      title: c.title,
      sponsors: sponsorsOf.get(c.applicationId) ?? null,
      summary: c.summary,
      cover: c.cover,
      imageAlt: c.imageAlt,
      href: campaignPath(c.slug),
      goalText: formatMoney(c.goalCents, locale),
      outcomeKey: ['funded', 'not_funded', 'awaiting_funds'].includes(c.status) ? `public.outcome.${c.status}` : null,
      reachedText: c.reached
        ? this.views.t(locale, 'campaignPage.reachedBeforeRefund', { reached: formatMoney(c.reached.cents, locale), goal: formatMoney(c.goalCents, locale) })
        : null,
      progress:
        state === 'upcoming'
          ? null
          : campaignProgress({
              label: textIn(c.title, locale, page.tenant),
              goalCents: c.goalCents,
              // An unfunded campaign shows what it reached before its contributions were refunded (a near miss stays visible).
              collectedCents: c.reached ? c.reached.cents : c.collectedCents,
              matchedCents: c.reached ? 0 : c.matchedCents,
              matchCountsTowardGoal: model.matchCountsTowardGoal,
              contributorCount: c.reached ? c.reached.contributors : c.contributorCount,
              opensAt,
              closesAt,
              state,
              now,
              locale,
            }),
    }));

    let countdown: { key: string; count: number; date: string } | null = null;
    if (state === 'open' && closesAt && closesAt > now) {
      // One shared closing instant for every campaign: "Plus que 12 jours", "Dernier jour".
      const left = countdownTo(closesAt, now)!;
      countdown = { key: `public.closesIn.${left.unit}`, count: left.count, date: date(closesAt) };
    } else if (state === 'upcoming' && opensAt) {
      const left = countdownTo(opensAt, now)!;
      countdown =
        left.unit === 'soon'
          ? { key: 'public.opensSoon', count: 0, date: date(opensAt) }
          : { key: `public.opensIn.${left.unit}`, count: left.count, date: date(opensAt) };
    }

    return {
      title,
      programme: p,
      summary: hasText(p.summary) ? p.summary : null,
      callText,
      timeline: timelineRows(p as unknown as Programme, p.entered),
      applyHref: p.phase === 'call_open' ? `/programmes/${p.slug}/apply` : null,
      applyDeadline: p.phase === 'call_open' && model.call ? date(model.call.deadline) : null,
      resultsHref: p.phase === 'results' ? `/programmes/${p.slug}/results` : null,
      countdown,
      window: {
        state,
        opens: opensAt ? date(opensAt) : null,
        closes: closesAt ? date(closesAt) : null,
      },
      showCampaigns: campaigns.length > 0,
      campaigns,
      laureatesPublic: laureatesArePublic(p.phase),
      laureatesOn: !laureatesArePublic(p.phase) && timeline.announced && phaseIndex(p.phase) >= phaseIndex('call_open') ? date(timeline.announced) : null,
      laureates: model.laureates.map((l) => ({
        title: l.title,
        summary: l.summary,
        titleLang: l.locale,
        commune: l.commune,
        category: l.category ? (categories.get(l.category) ?? null) : null,
        sponsors: l.sponsors.length ? list.format(l.sponsors) : null,
        campaignHref: campaignOf.get(l.applicationId) ?? null,
      })),
      // Once campaigns are shown, a laureate with a campaign is its card there: listed once, not twice.
      laureatesWithoutCampaign: model.laureates.filter((l) => !campaignOf.has(l.applicationId)).length,
      partners: model.partners,
      share: await this.share.build(page, {
        path: `/programmes/${p.slug}`,
        title,
        description: summaryText || localizedText(model.call?.text, locale, fallbacks) || title,
      }),
    };
  }
}
