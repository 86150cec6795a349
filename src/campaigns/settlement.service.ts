import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { PhaseChange } from '../programmes/phase-hooks.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { ContributionsRepository } from './contributions.repository.js';
import { settle } from './domain/settlement.js';
import { MatchFundingRepository } from './match-funding.repository.js';
import { RefundsRepository } from './refunds.repository.js';

/**
 * The close of the window: each campaign settles once (funded or not, or awaiting the payments still
 * pending), its contributors and laureate are told, and the refunds due are requested (RefundsService asks the providers).
 */
@Injectable()
export class SettlementService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly contributions: ContributionsRepository,
    private readonly matchFunding: MatchFundingRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly pages: CampaignPageCache,
    private readonly refunds: RefundsRepository,
  ) {}

  /** Entering `settlement`: every live campaign closes and settles (or waits for pending payments). */
  async closeWindow(em: EntityManager, change: PhaseChange): Promise<void> {
    for (const c of await this.campaigns.ofProgramme(em, change.tenant.id, change.programme.id, ['live'])) {
      await this.settleLocked(em, change.tenant, c.id, change.at);
    }
  }

  /** Settles what is due across tenants: catch-up after downtime, and campaigns whose last payment arrived. */
  async settleDue(now: Date): Promise<number> {
    let n = 0;
    for (const { id, tenantId } of await this.campaigns.toSettle()) {
      const tenant = await this.tenants.get(tenantId);
      if (!tenant) continue;
      const outcome = await this.tx.run((em) => this.settleLocked(em, tenant, id, now));
      if (outcome === 'funded' || outcome === 'not_funded') n++;
    }
    return n;
  }

  /**
   * Settles one campaign under its row lock. The status check under the lock makes it exactly once:
   * a second instance (or a second tick) finds the campaign already settled and does nothing.
   */
  private async settleLocked(em: EntityManager, tenant: Tenant, campaignId: string, now: Date): Promise<string | null> {
    const c = await this.campaigns.lockFound(em, tenant.id, campaignId);
    if (c.status !== 'live' && c.status !== 'awaiting_funds') return null;
    this.pages.forget(tenant.id);
    const programme = await this.programmes.found(tenant.id, c.programmeId, em);
    if (!['settlement', 'results'].includes(programme.phase) && c.status === 'live') return null;
    const settings = await this.matchFunding.settingsOf(em, tenant.id, c.programmeId);
    const s = settle(
      { ...c, pendingCount: await this.contributions.pendingCount(em, c.id) },
      {
        policy: settings.settlementPolicy,
        matchCountsTowardGoal: settings.matchCountsTowardGoal,
      },
    );
    const closedAt = c.closedAt ?? (programme.timeline.settlement ? new Date(programme.timeline.settlement) : now);
    if (s.outcome === 'awaiting_funds') {
      if (c.status === 'live') await this.campaigns.updateCampaign(em, c.id, { status: 'awaiting_funds', closedAt });
      return 'awaiting_funds';
    }
    await this.campaigns.updateCampaign(em, c.id, { status: s.outcome, closedAt, settledAt: now });
    let contributions = await this.contributions.contributionsOf(em, c.id, ['confirmed']);
    if (s.refundContributions) {
      contributions = await this.contributions.moveContributions(em, c.id, 'confirmed', 'refund_due', now);
      // Each refund is requested in this transaction; the refund job asks the providers (RefundsService).
      await this.refunds.requestAll(
        em,
        contributions.map((x) => x.id),
        'settlement',
        now,
      );
    }
    if (s.releaseMatch) {
      await this.matchFunding.returnToBudgets(
        em,
        await this.matchFunding.setAllocationsStatus(em, { campaignId: c.id }, ['reserved', 'confirmed'], 'released'),
      );
    }
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId: null,
      action: `campaign.${s.outcome}`,
      subjectType: 'campaign',
      subjectId: c.id,
      data: { collectedCents: c.collectedCents, matchedCents: c.matchedCents, goalCents: c.goalCents, policy: settings.settlementPolicy },
    });
    const link = `${await this.tenants.siteUrl(tenant, em)}/programmes/${programme.slug}/campaigns/${c.slug}`;
    const laureate = await this.users.findById(tenant.id, c.laureateUserId, em);
    if (laureate) {
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'campaign-settled',
        locale: laureate.locale ?? tenant.defaultLocale,
        to: laureate.email,
        toName: laureate.displayName,
        dedupeKey: `campaign-settled:${c.id}`,
        payload: {
          campaignTitle: c.title,
          funded: s.outcome === 'funded',
          collectedCents: c.collectedCents,
          matchedCents: c.matchedCents,
          goalCents: c.goalCents,
          contributors: c.contributorCount,
          refunded: s.refundContributions,
          link,
        },
      });
    }
    for (const x of contributions) {
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'contribution-settled',
        locale: x.locale,
        to: x.email,
        toName: x.displayName,
        dedupeKey: `contribution-settled:${x.id}`,
        payload: {
          campaignTitle: c.title,
          funded: s.outcome === 'funded',
          refunded: s.refundContributions,
          pledge: x.provider === 'pledge',
          amountCents: x.amountCents,
          receiptNumber: x.receiptNumber ?? '',
          // The instant: the template writes the day in the reader's language and the authority's time zone.
          confirmedAt: x.confirmedAt ? new Date(x.confirmedAt).toISOString() : '',
          link,
        },
      });
    }
    return s.outcome;
  }
}
