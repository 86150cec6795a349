import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import type { Contribution } from './campaign.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { ContributionsRepository } from './contributions.repository.js';
import { applyPaymentSignal } from './domain/states.js';

/**
 * A dispute (chargeback) the authority won: the money withdrawn when the dispute opened comes back
 * (`charge.dispute.funds_reinstated`, or `charge.dispute.closed` with status `won`). The contribution,
 * `refunded` by the dispute, is `confirmed` again — only a contribution a dispute refunded, never one
 * Tremplin refunded itself. During the window its amount and its contributor count again; the
 * match-funding it had was given back to the budget at the dispute (and may have gone to others since):
 * it is not taken again (matchedCents 0). After the settlement the published totals never moved (the
 * dispute did not reverse them), so only the status changes.
 */
@Injectable()
export class DisputesService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly repo: ContributionsRepository,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
  ) {}

  /** Under the contribution's row lock (ContributionsService.handleWebhook); returns the outcome recorded. */
  async reinstate(em: EntityManager, c: Contribution): Promise<string> {
    const next = applyPaymentSignal(c.status, 'reinstated');
    if (!next) return `ignored:${c.status}`;
    if (!(await this.repo.refundedByDispute(em, c.id))) return 'ignored:not_disputed';
    this.pages.forgetCampaign(c.tenantId, c.campaignId);
    const campaign = await this.campaigns.lockFound(em, c.tenantId, c.campaignId);
    const reversed = c.confirmedAt === null; // the dispute took it out of the totals (during the window)
    const live = campaign.status === 'live' || campaign.status === 'awaiting_funds';
    if (reversed && live) {
      await this.campaigns.addConfirmedContribution(em, campaign.id, c.emailKey, c.amountCents, 0);
    }
    await this.repo.updateContribution(em, c.id, {
      status: next,
      endedAt: null,
      ...(reversed ? { confirmedAt: this.clock.now(), matchedCents: 0 } : {}),
    });
    return reversed && !live ? 'confirmed:not_counted_after_settlement' : 'confirmed';
  }
}
