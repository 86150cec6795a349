import { Injectable } from '@nestjs/common';
import { TtlCache } from '../common/cache/ttl-cache.js';
import { Clock } from '../common/clock/clock.js';
import type { CampaignPage } from './campaigns.service.js';

/** How long a public campaign page's data may be served from memory. */
export const CAMPAIGN_PAGE_TTL_MS = 2_000;

/**
 * The public read model of campaign pages, kept 2 s per instance: a bus-poster rush on one campaign
 * costs one set of queries per instance every 2 s instead of six per visitor. Every write of this
 * instance that changes what a page shows (contribution, confirmation, stock, review, news, opening,
 * settlement) forgets the tenant's entries at once; another instance's writes show within 2 s. The
 * totals in the database stay exact; only their display may lag by that much.
 */
@Injectable()
export class CampaignPageCache {
  private readonly cache: TtlCache<CampaignPage>;

  constructor(clock: Clock) {
    this.cache = new TtlCache<CampaignPage>(CAMPAIGN_PAGE_TTL_MS, 5_000, () => clock.now().getTime());
  }

  get(tenantId: string, key: string, load: () => Promise<CampaignPage>): Promise<CampaignPage> {
    return this.cache.get(`${tenantId}:${key}`, load);
  }

  forget(tenantId: string): void {
    this.cache.delete(`${tenantId}:`);
  }
}
