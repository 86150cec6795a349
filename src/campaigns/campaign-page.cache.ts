import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock.js';
import type { CampaignPage } from './campaigns.service.js';

/** How long a public campaign page's data may be served from memory. */
export const CAMPAIGN_PAGE_TTL_MS = 2_000;
const MAX_ENTRIES = 5_000;
/** Anonymous renderings kept per page: one per language, base path and query string, bounded. */
const HTML_VARIANTS = 16;

interface Entry {
  tenantId: string;
  value: Promise<CampaignPage>;
  at: number;
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
 * rendering. A write of this instance that changes one campaign (a contribution, its confirmation,
 * stock, news) forgets that campaign's entries at once (`forgetCampaign`), and an entry still loading
 * when it arrives, if it is that campaign's (read before the write); one that changes a programme or the
 * authority (review, opening, settlement, settings) forgets the tenant's (`forget`). Another
 * instance's writes show within 2 s. The totals in the database stay exact; only their display may
 * lag by that much.
 */
@Injectable()
export class CampaignPageCache {
  private readonly entries = new Map<string, Entry>();
  /** Forgets counted, and when each campaign was last forgotten (`tenant:campaign` → count). */
  private seq = 0;
  private readonly forgotten = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  get(tenantId: string, key: string, load: () => Promise<CampaignPage>): Promise<CampaignPage> {
    return this.entry(tenantId, key, load).value;
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
  ): Promise<{ page: CampaignPage; html: string }> {
    const e = this.entry(tenantId, key, load);
    const page = await e.value;
    if (e.renderedFor !== variant.tenant) {
      e.rendered = new Map();
      e.renderedFor = variant.tenant;
    }
    let html = e.rendered.get(variant.key);
    if (!html) {
      html = render(page);
      if (e.rendered.size < HTML_VARIANTS && this.entries.get(`${tenantId}:${key}`) === e) {
        e.rendered.set(variant.key, html);
        const made = html;
        made.catch(() => {
          if (e.rendered.get(variant.key) === made) e.rendered.delete(variant.key);
        });
      }
    }
    return { page, html: await html };
  }

  /** Forgets every page of the tenant (a change to a programme, its settings or the authority). */
  forget(tenantId: string): void {
    for (const [k, e] of this.entries) if (e.tenantId === tenantId) this.entries.delete(k);
  }

  /**
   * Forgets one campaign's pages. A page still loading may be this campaign's, read before the change:
   * it is checked when it arrives and not kept if its campaign was forgotten after its load began (the
   * other campaigns' loads are kept, so a stream of contributions does not defeat the cache).
   */
  forgetCampaign(tenantId: string, campaignId: string): void {
    this.seq += 1;
    if (this.forgotten.size >= MAX_ENTRIES) this.forgotten.clear();
    this.forgotten.set(`${tenantId}:${campaignId}`, this.seq);
    for (const [k, e] of this.entries) if (e.tenantId === tenantId && e.campaignId === campaignId) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }

  private entry(tenantId: string, key: string, load: () => Promise<CampaignPage>): Entry {
    const k = `${tenantId}:${key}`;
    const now = this.clock.now().getTime();
    const hit = this.entries.get(k);
    // A clock moved backwards (tests) counts as expired rather than as fresh for ever.
    if (hit && now >= hit.at && now - hit.at < CAMPAIGN_PAGE_TTL_MS) return hit;
    this.entries.delete(k);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const e: Entry = { tenantId, value: load(), at: now, seq: this.seq, rendered: new Map() };
    this.entries.set(k, e);
    e.value.then(
      (page) => {
        e.campaignId = page.campaign.id;
        // Read before a change of its campaign: shared with whoever waited for it, not kept for later.
        if ((this.forgotten.get(`${tenantId}:${page.campaign.id}`) ?? -1) > e.seq && this.entries.get(k) === e) this.entries.delete(k);
      },
      () => {
        if (this.entries.get(k) === e) this.entries.delete(k);
      },
    );
    return e;
  }
}
