import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { localizedText } from '../common/i18n/localized.js';
import { sharedTranslations } from '../common/web/i18n.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { Contribution } from './campaign.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { ContributionsRepository } from './contributions.repository.js';
import { MatchFundingRepository } from './match-funding.repository.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import { PaymentProviders } from './payments/payment-providers.js';

/** What the contributor does next: confirm from the e-mail, or pay on the provider's page. */
export type NextPayment = { kind: 'confirm_by_email' } | { kind: 'redirect'; url: string | null; paid?: boolean };

/** How long a Stripe contribution asks Stripe to wait before it tells the contributor to try again. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Where a contribution is paid, and the provider's own page for it. A provider that is called over the
 * network (Stripe's Checkout Session) is called here, after the contribution's transaction committed —
 * never while its row locks (reward stock, match budgets) are held: the session is created with the
 * contribution's idempotency key (`tremplin-checkout-<id>`, so a retry gets the same one) and its id is
 * recorded in a second short transaction. If the provider fails, the contribution fails at once and gives
 * back what it reserved; the same request again (same Idempotency-Key) takes it up again.
 */
@Injectable()
export class ContributionCheckout {
  constructor(
    private readonly repo: ContributionsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly matchFunding: MatchFundingRepository,
    private readonly providers: PaymentProviders,
    private readonly tenants: TenantsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
  ) {}

  async returnUrl(tenant: Tenant, contributionId: string, em?: EntityManager): Promise<string> {
    return `${await this.tenants.siteUrl(tenant, em)}/contributions/${contributionId}`;
  }

  /** The provider a contribution was made with, as its authority has it set up now. */
  providerOf(c: Pick<Contribution, 'provider'>, tenantId: string, em?: EntityManager): Promise<PaymentProvider> {
    return this.providers.of(c.provider === 'stripe' ? 'stripe' : c.provider === 'pledge' ? 'pledge' : 'webhook', tenantId, em);
  }

  /**
   * A contribution whose provider page could not be opened (the provider failed at its start): the same
   * request again makes it pending again, with the same id — hence the same Checkout Session.
   */
  async restartable(c: Contribution, tenantId: string, em: EntityManager): Promise<boolean> {
    if (c.status !== 'failed' || c.providerRef !== null || c.confirmedAt !== null) return false;
    return (await this.providerOf(c, tenantId, em)).remote === true;
  }

  /**
   * Where the contributor pays (outside any transaction). `open`: a pending contribution of a remote
   * provider that has no page yet gets one (the contribution request and its retries; the status page
   * does not create payments).
   */
  async paymentOf(c: Contribution, tenant: Tenant, opts: { open: boolean }): Promise<NextPayment & { contribution: Contribution }> {
    if (c.provider === 'pledge') return { kind: 'confirm_by_email', contribution: c };
    const provider = await this.providerOf(c, tenant.id);
    if (provider.remote && !c.providerRef) {
      if (!opts.open || c.status !== 'pending') return { kind: 'redirect', url: null, contribution: c };
      return this.open(tenant, c, provider);
    }
    if (provider.resume) return { kind: 'redirect', ...(await provider.resume(c)), contribution: c };
    const start = await provider.start(c, await this.returnUrl(tenant, c.id));
    return { kind: 'redirect', url: start.kind === 'redirect' ? start.url : null, contribution: c };
  }

  /** Opens the provider's page for a committed pending contribution, records its reference, or fails it cleanly. */
  private async open(tenant: Tenant, c: Contribution, provider: PaymentProvider): Promise<NextPayment & { contribution: Contribution }> {
    const campaign = await this.campaigns.found(this.repo.manager, tenant.id, c.campaignId);
    const label = sharedTranslations().t(c.locale, 'payment.lineItem', {
      campaign: localizedText(campaign.title, c.locale, [tenant.defaultLocale, ...tenant.languages]),
    });
    let start;
    try {
      start = await provider.start(c, await this.returnUrl(tenant, c.id), { label, locale: c.locale, now: this.clock.now(), expiresAt: new Date(c.expiresAt) });
    } catch (err) {
      await this.failUnstarted(tenant, c.id);
      if (err instanceof DomainError && err.code === 'PAYMENT_PROVIDER_UNAVAILABLE') {
        throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', { ...err.details, retryAfterSeconds: RETRY_AFTER_SECONDS });
      }
      throw err;
    }
    if (start.kind !== 'redirect') return { kind: 'redirect', url: null, contribution: c };
    const providerRef = start.providerRef;
    const recorded = await this.tx.run(async (em) => {
      const locked = await this.repo.lockContribution(em, { tenantId: tenant.id, id: c.id });
      if (!locked) return null;
      if (locked.providerRef === null) await this.repo.updateContribution(em, c.id, { providerRef });
      return { ...locked, providerRef: locked.providerRef ?? providerRef };
    });
    // Failed or expired meanwhile (a racing retry whose call failed): nothing is to be paid any more.
    if (!recorded || recorded.status !== 'pending') return { kind: 'redirect', url: null, contribution: recorded ?? c };
    return { kind: 'redirect', url: start.url, contribution: recorded };
  }

  /** The provider did not open the payment: the contribution fails and gives back what it reserved (nothing was counted). */
  private async failUnstarted(tenant: Tenant, id: string): Promise<void> {
    const campaignId = await this.tx.run(async (em) => {
      const c = await this.repo.lockContribution(em, { tenantId: tenant.id, id });
      if (!c || c.status !== 'pending' || c.providerRef !== null) return null;
      this.pages.forgetCampaign(tenant.id, c.campaignId);
      await this.release(em, c);
      await this.repo.updateContribution(em, id, { status: 'failed', endedAt: this.clock.now() });
      return c.campaignId;
    });
    if (campaignId) this.pages.forgetCampaign(tenant.id, campaignId);
  }

  /**
   * Gives back what a pending contribution reserved: its reward's stock and its match-funding (also
   * when it expires, see PaymentExpiryService). The caller holds the contribution's row lock.
   */
  async release(em: EntityManager, c: Contribution): Promise<void> {
    if (c.rewardTierId) await this.campaigns.returnReward(em, c.rewardTierId);
    await this.matchFunding.returnToBudgets(em, await this.matchFunding.setAllocationsStatus(em, { contributionId: c.id }, ['reserved'], 'released'));
  }
}
