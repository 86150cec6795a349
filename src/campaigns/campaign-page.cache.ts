import { Injectable } from '@nestjs/common';
import { sharedRendering } from '../common/cache/renderings.js';
import { Clock } from '../common/clock/clock.js';
import type { CampaignPage } from './campaigns.service.js';

/** How long a public campaign page's figures (totals, supporters, stock) may be served from memory. */
export const CAMPAIGN_PAGE_TTL_MS = 2_000;
/**
 * How long the rest of the page (programme, partners, news, the laureate) is reused by refreshes of
 * the figures before everything is read again.
 */
export const CAMPAIGN_PAGE_FULL_TTL_MS = 10_000;
/**
 * How long past its life a page may still be served while it is read again in the background; older
 * (a page nobody read for a minute) the reader waits for a fresh read.
 */
export const CAMPAIGN_PAGE_MAX_STALE_MS = 60_000;
const MAX_ENTRIES = 5_000;

/** Whether two reads of a page show the same thing. */
function samePage(a: CampaignPage, b: CampaignPage): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Re-reads what changes with contributions, reusing the rest of a page read earlier. */
export type RefreshPage = (previous: CampaignPage) => Promise<CampaignPage>;

interface Entry {
  tenantId: string;
  value: Promise<CampaignPage>;
  /** When the figures were read; `fullAt` when the whole page was. */
  at: number;
  fullAt: number;
  /** Its campaign changed on this instance since: the figures are read again before it is served. */
  stale: boolean;
  /** A background refresh of its figures is under way (see `entry`). */
  revalidating: boolean;
  /** The page, once read (until then the entry is loading). */
  page?: CampaignPage;
  /** The cache's forget count when the load started (see `forgetCampaign`). */
  seq: number;
  /** Known once the load resolved: what `forgetCampaign` matches. */
  campaignId?: string;
  /** Renderings of this page, shared by anonymous visitors; made for one tenant object (its branding). */
  rendered: Map<string, Promise<string>>;
  renderedFor?: object;
}

/**
 * The public read model of campaign pages and their anonymous renderings, kept 2 s per instance: a
 * bus-poster rush on one campaign costs one set of queries and one rendering per instance every 2 s
 * instead of six queries and a rendering per visitor, and concurrent misses share one load and one
 * rendering. A write of this instance that changes one campaign's figures (a contribution, its
 * confirmation or expiry, stock, the wall) marks that campaign's entries stale at once
 * (`forgetCampaign`), and an entry still loading when it arrives, if it is that campaign's (read before
 * the write): the next reader waits for the figures to be read again (the campaign row, the wall, the
 * rewards: `refresh`), the rest of the page is reused for up to 10 s. One that changes a programme or
 * the authority (review, opening, settlement, settings, news) forgets the tenant's (`forget`). A page
 * past its life (another instance's changes) is served while one background read checks its figures
 * (one query, every 2 s) or reads it whole (every 10 s); a read that finds it unchanged keeps its
 * renderings. Another instance's contributions show within 2 s and a read, its other changes within
 * 10 s; a page nobody read for a minute is read before it is served. The totals in the database stay
 * exact; only their display may lag by that much.
 */
@Injectable()
export class CampaignPageCache {
  private readonly entries = new Map<string, Entry>();
  /** Forgets counted, and when each campaign was last forgotten (`tenant:campaign` → count). */
  private seq = 0;
  private readonly forgotten = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** `revalidate`: what a background refresh past the figures' life runs (else `refresh`). */
  get(tenantId: string, key: string, load: () => Promise<CampaignPage>, refresh?: RefreshPage, revalidate?: RefreshPage): Promise<CampaignPage> {
    return this.entry(tenantId, key, load, refresh, revalidate).value;
  }

  /**
   * The page and one rendering of it (`variant` names what the rendering depends on besides the page
   * and the tenant), both cached together: forgetting the page forgets its renderings.
   */
  async rendered(
    tenantId: string,
    key: string,
    load: () => Promise<CampaignPage>,
    variant: { key: string; tenant: object },
    render: (page: CampaignPage) => Promise<string>,
    refresh?: RefreshPage,
    revalidate?: RefreshPage,
  ): Promise<{ page: CampaignPage; html: string }> {
    const e = this.entry(tenantId, key, load, refresh, revalidate);
    const page = await e.value;
    if (e.renderedFor !== variant.tenant) {
      e.rendered = new Map();
      e.renderedFor = variant.tenant;
    }
    // An entry no longer in the cache (replaced while it loaded) keeps no rendering: nobody reads it again.
    const html = sharedRendering(e.rendered, variant.key, () => render(page), this.entries.get(`${tenantId}:${key}`) === e);
    return { page, html: await html };
  }

  /** Forgets every page of the tenant (a change to a programme, its settings or the authority). */
  forget(tenantId: string): void {
    for (const [k, e] of this.entries) if (e.tenantId === tenantId) this.entries.delete(k);
  }

  /**
   * Marks one campaign's pages stale. A page still loading may be this campaign's, read before the
   * change: it is checked when it arrives and marked stale too if its campaign was forgotten after its
   * load began (the other campaigns' loads are kept, so a stream of contributions does not defeat the
   * cache).
   */
  forgetCampaign(tenantId: string, campaignId: string): void {
    this.seq += 1;
    if (this.forgotten.size >= MAX_ENTRIES) this.forgotten.clear();
    this.forgotten.set(`${tenantId}:${campaignId}`, this.seq);
    for (const e of this.entries.values()) if (e.tenantId === tenantId && e.campaignId === campaignId) e.stale = true;
  }

  get size(): number {
    return this.entries.size;
  }

  private entry(tenantId: string, key: string, load: () => Promise<CampaignPage>, refresh?: RefreshPage, revalidate?: RefreshPage): Entry {
    const k = `${tenantId}:${key}`;
    const now = this.clock.now().getTime();
    const hit = this.entries.get(k);
    // A clock moved backwards (tests) counts as expired rather than as fresh for ever.
    const within = (since: number, ttl: number) => now >= since && now - since < ttl;
    if (hit && !hit.stale && within(hit.at, CAMPAIGN_PAGE_TTL_MS)) return hit;
    // Only the figures are read again when the rest of the page is recent enough.
    const recent = hit?.page && refresh && within(hit.fullAt, CAMPAIGN_PAGE_FULL_TTL_MS) ? hit : null;
    if (hit?.page && !hit.stale && within(hit.at, CAMPAIGN_PAGE_MAX_STALE_MS)) {
      // Past their life (another instance's changes): served while one read in the background takes
      // the figures again (recent) or the whole page (stale-while-revalidate): no visitor waits.
      if (!hit.revalidating) {
        hit.revalidating = true;
        const next = recent
          ? this.start(tenantId, k, hit.value.then(revalidate ?? refresh!), now, hit, hit.fullAt)
          : this.start(tenantId, k, load(), now, hit, now);
        next.value.then(
          () => {
            if (this.entries.get(k) === hit) this.entries.set(k, next);
          },
          () => {
            hit.revalidating = false;
          },
        );
      }
      return hit;
    }
    this.entries.delete(k);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    // Changed on this instance (stale) or never read: the reader waits, for the figures alone if it can.
    const e = recent ? this.start(tenantId, k, recent.value.then(refresh!), now, recent, recent.fullAt) : this.start(tenantId, k, load(), now, null, now);
    this.entries.set(k, e);
    return e;
  }

  /** A new entry for `value`, read at `now` (its page's rest read at `fullAt`); `base`: the entry it follows. */
  private start(tenantId: string, k: string, value: Promise<CampaignPage>, now: number, base: Entry | null, fullAt: number): Entry {
    const e: Entry = {
      tenantId,
      value,
      at: now,
      fullAt,
      stale: false,
      revalidating: false,
      seq: this.seq,
      campaignId: base?.campaignId,
      rendered: new Map(),
    };
    e.value.then(
      (page) => {
        e.campaignId = page.campaign.id;
        e.page = page;
        // Read again and found as it was (most reads: no new money, no edit): the renderings of the
        // same page still hold, so the page is not rendered again.
        if (base?.page && base.renderedFor && samePage(base.page, page)) {
          e.rendered = base.rendered;
          e.renderedFor = base.renderedFor;
        }
        // Read before a change of its campaign: shared with whoever waited for it, read again for later.
        if ((this.forgotten.get(`${tenantId}:${page.campaign.id}`) ?? -1) > e.seq) e.stale = true;
      },
      () => {
        if (this.entries.get(k) === e) this.entries.delete(k);
      },
    );
    return e;
  }
}
