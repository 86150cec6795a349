import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository, isUuid } from './campaigns.repository.js';
import { SupportersRepository } from './supporters.repository.js';

/** The supporters' wall as its laureate moderates it. */
@Injectable()
export class SupportersService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly supporters: SupportersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
  ) {}

  /**
   * Hides a supporter's message from the wall (their name stays). Only the campaign's own laureate may:
   * anyone else, staff included, gets the same 404 as for a campaign that does not exist. Hiding twice
   * is harmless and audited once.
   */
  async hideMessage(tenant: Tenant, campaignId: string, contributionId: string, user: Principal): Promise<void> {
    await this.tx.run(async (em) => {
      const c = await this.campaigns.found(em, tenant.id, campaignId);
      if (c.laureateUserId !== user.userId || !isUuid(contributionId)) throw new DomainError('NOT_FOUND');
      const done = await this.supporters.hideMessage(em, tenant.id, c.id, contributionId, this.clock.now());
      if (!done) throw new DomainError('NOT_FOUND');
      this.pages.forgetCampaign(tenant.id, c.id);
      if (done === 'hidden') {
        await this.audit.record(em, {
          tenantId: tenant.id,
          actorUserId: user.userId,
          action: 'campaign.message_hidden',
          subjectType: 'campaign',
          subjectId: c.id,
          data: { contributionId },
        });
      }
    });
  }
}
