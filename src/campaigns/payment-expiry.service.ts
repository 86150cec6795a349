import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../common/db/transaction.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { ContributionsRepository } from './contributions.repository.js';
import { ContributionsService } from './contributions.service.js';

/** Pending payments that never came: past their grace period, they expire and give back what they reserved. */
@Injectable()
export class PaymentExpiryService {
  constructor(
    private readonly contributions: ContributionsRepository,
    private readonly money: ContributionsService,
    private readonly tx: TransactionRunner,
    private readonly pages: CampaignPageCache,
  ) {}

  /** Expires what is due across tenants; the status and instant are checked again under the row lock. */
  async expireDue(now: Date): Promise<number> {
    let n = 0;
    for (const { id, tenantId } of await this.contributions.expiredPending(now)) {
      const campaignId = await this.tx.run(async (em) => {
        const c = await this.contributions.lockContribution(em, { tenantId, id });
        if (!c || c.status !== 'pending' || new Date(c.expiresAt).getTime() > now.getTime()) return null;
        // Only its campaign's pages show the stock it gives back.
        this.pages.forgetCampaign(tenantId, c.campaignId);
        await this.money.release(em, c);
        await this.contributions.updateContribution(em, c.id, { status: 'expired', endedAt: now });
        n++;
        return c.campaignId;
      });
      if (campaignId) this.pages.forgetCampaign(tenantId, campaignId);
    }
    return n;
  }
}
