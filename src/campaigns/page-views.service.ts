import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CampaignsRepository } from './campaigns.repository.js';

/** Crawlers, link previewers and monitors: not people reading a campaign. */
const BOT =
  /bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|quora link|whatsapp|telegram|curl|wget|python-requests|httpclient|axios|node-fetch|headless|lighthouse|pingdom|uptime|monitor/i;

export function isHumanUserAgent(userAgent: string | undefined): boolean {
  return !!userAgent && userAgent.length > 10 && !BOT.test(userAgent);
}

/**
 * Page views counted in memory and added to the database in one statement every few seconds, so that a
 * page read never waits on a write. A crash loses at most one interval's views (a count, not money).
 */
@Injectable()
export class PageViewsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PageViews');
  private counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly repo: CampaignsRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), 5_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  record(campaignId: string, userAgent: string | undefined): void {
    if (!isHumanUserAgent(userAgent)) return;
    this.counts.set(campaignId, (this.counts.get(campaignId) ?? 0) + 1);
  }

  /**
   * Writes the views recorded so far; resolves once they (and those of a flush already under way, the
   * timer's) are in the database or put back after a failure. One flush at a time.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (!this.counts.size) return;
    const batch = this.counts;
    this.counts = new Map();
    try {
      await this.repo.addPageViews(batch);
    } catch (err) {
      // Put them back for the next flush rather than lose them.
      for (const [id, n] of batch) this.counts.set(id, (this.counts.get(id) ?? 0) + n);
      this.logger.warn({ err }, 'page views flush failed');
    }
  }
}
