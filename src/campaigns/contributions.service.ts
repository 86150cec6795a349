import { ConsentService } from '../privacy/consent.service.js';
import type { Locale, Localized } from '../common/i18n/localized.js';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hashToken } from '../auth/domain/tokens.js';
import { Clock } from '../common/clock/clock.js';
import { isUniqueViolation, TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { Campaign, Contribution } from './campaign.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { ContributionsRepository } from './contributions.repository.js';
import { amountProblems, emailKey, requestFingerprint, type ContributionRequest } from './domain/contribution.js';
import { applyPaymentSignal, type PaymentSignal } from './domain/states.js';
import { assertWindowOpen, windowOf } from './domain/window.js';
import type { ContributeDto } from './dto/campaigns.dto.js';
import { MatchFundingRepository, settingsOrDefaults } from './match-funding.repository.js';
import { PaymentProviders } from './payments/payment-providers.js';
import type { WebhookEvent } from './payments/webhook-event.js';
import { nextAttemptAt } from './domain/refunds.js';
import { RefundsRepository } from './refunds.repository.js';
import { assertOffered } from '../common/i18n/is-locale.js';
import { ContributionCheckout, type NextPayment } from './contribution-checkout.service.js';
import { DisputesService } from './disputes.service.js';
import { budgetMoved, MatchReservations } from './match-reservations.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,200}$/;
const withoutContribution = ({ contribution: _, ...payment }: NextPayment & { contribution: Contribution }): NextPayment => payment;

export interface ContributionReceipt {
  contribution: Contribution;
  /** What the contributor does next: confirm from the e-mail, or pay on the provider's page. */
  payment: NextPayment;
  replayed: boolean;
}

/**
 * Money in the window: contributions, their confirmation by the payment provider (link or webhook) and
 * the match-funding reserved with them. Every change of a total happens in the transaction that changes
 * the contribution, under the row locks that make it exact. The close of the window is
 * SettlementService's, the expiry of pending payments PaymentExpiryService's.
 */
@Injectable()
export class ContributionsService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly repo: ContributionsRepository,
    private readonly matchFunding: MatchFundingRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
    private readonly providers: PaymentProviders,
    private readonly refunds: RefundsRepository,
    private readonly checkout: ContributionCheckout,
    private readonly disputes: DisputesService,
    private readonly matches: MatchReservations,
    private readonly consents: ConsentService,
  ) {}

  /**
   * A campaign's pages are forgotten inside the transaction (so this instance stops serving them) and
   * again after the commit (a read between the two may have cached what was there before). `work` names
   * the campaigns it changes with `touch`; the other campaigns' pages stay cached.
   */
  private async afterCommitForget<T>(tenantId: string, work: (touch: (campaignId: string) => void) => Promise<T>): Promise<T> {
    const touched = new Set<string>();
    try {
      return await work((campaignId) => {
        touched.add(campaignId);
        this.pages.forgetCampaign(tenantId, campaignId);
      });
    } finally {
      for (const campaignId of touched) this.pages.forgetCampaign(tenantId, campaignId);
    }
  }

  // ---- contributing -----------------------------------------------------------------------------

  /** `before`: run on the transaction's connection just before it begins, and counted whatever happens (the caller's rate limit). */
  async contribute(
    tenant: Tenant,
    campaignId: string,
    dto: ContributeDto,
    idempotencyKey: string | undefined,
    before?: (em: EntityManager) => Promise<void>,
  ): Promise<ContributionReceipt> {
    assertOffered(tenant.languages, dto.locale);
    if (!idempotencyKey || !IDEMPOTENCY_KEY.test(idempotencyKey)) throw new DomainError('IDEMPOTENCY_KEY_REQUIRED');
    const request: ContributionRequest = {
      amountCents: dto.amountCents,
      rewardTierId: dto.rewardTierId || null,
      email: dto.email,
      displayName: dto.displayName?.trim() || null,
      anonymous: dto.anonymous ?? false,
      message: dto.message ?? '',
    };
    const fingerprint = requestFingerprint(campaignId, request);
    let made: ContributionReceipt | { replay: Contribution };
    const attempt = (touch: (campaignId: string) => void, locked: boolean) =>
      this.tx.run(
        async (em): Promise<ContributionReceipt | { replay: Contribution }> => {
          // A retry racing its own first attempt waits for it here, then finds it (instead of, say, being
          // refused the reward the first attempt took).
          const existing = await this.repo.lockedContributionByKey(em, tenant.id, idempotencyKey);
          if (existing && existing.requestHash !== fingerprint) throw new DomainError('IDEMPOTENCY_KEY_REUSED');
          if (existing && !(await this.checkout.restartable(existing, tenant.id, em))) return { replay: existing };
          // The optional "this project's news" box, recorded with the contribution (both or neither).
          if (dto.consentCampaignNews) await this.consents.recordCampaignNews(em, tenant.id, dto.email, campaignId, dto.locale ?? tenant.defaultLocale);
          const key = { idempotencyKey, fingerprint, restartId: existing?.id, locked };
          const receipt = await this.create(em, tenant, campaignId, request, dto.locale ?? tenant.defaultLocale, key);
          // The page shows confirmed money and rewards' stock: a payment still to be made changes
          // neither unless it took a reward (its confirmation, or its expiry, is what moves the page).
          if (receipt.contribution.status !== 'pending' || request.rewardTierId) touch(campaignId);
          return receipt;
        },
        locked ? {} : { before },
      );
    try {
      // First from the budgets' snapshot; again with them locked only when one no longer held its share.
      made = await this.afterCommitForget(tenant.id, (touch) =>
        attempt(touch, false).catch((err: unknown) => {
          if (budgetMoved(err)) return attempt(touch, true);
          throw err;
        }),
      );
    } catch (err) {
      // The same key sent twice at once: the loser reads what the winner created.
      if (!isUniqueViolation(err, 'contribution_idempotency_key')) throw err;
      const existing = await this.repo.contributionByKey(this.repo.manager, tenant.id, idempotencyKey);
      if (!existing) throw err;
      if (existing.requestHash !== fingerprint) throw new DomainError('IDEMPOTENCY_KEY_REUSED');
      made = { replay: existing };
    }
    // After the commit: a remote provider's page (Stripe's session) is opened here, not under the locks.
    const c = 'replay' in made ? made.replay : made.contribution;
    if (!('replay' in made) && c.providerRef !== null) return made;
    const { contribution, ...payment } = await this.checkout.paymentOf(c, tenant, { open: true });
    return { contribution, payment, replayed: 'replay' in made };
  }

  private async create(
    em: EntityManager,
    tenant: Tenant,
    campaignId: string,
    r: ContributionRequest,
    locale: Locale,
    /** `restartId`: a contribution whose provider failed at its start, taken up again under its own id (its retry). */
    { idempotencyKey, fingerprint, restartId, locked }: { idempotencyKey: string; fingerprint: string; restartId?: string; locked: boolean },
  ): Promise<ContributionReceipt> {
    const context = await this.repo.contributionContext(em, tenant.id, campaignId);
    const { campaign } = context;
    const now = this.clock.now();
    assertWindowOpen(context.phase, windowOf(context.timeline), now);
    if (campaign.status !== 'live') throw new DomainError('CAMPAIGN_NOT_LIVE');

    // Stock first: the atomic decrement is the reservation (rolled back with everything else on error).
    let reward: { minAmountCents: number; matchEligible: boolean } | null = null;
    if (r.rewardTierId) {
      const taken = await this.campaigns.takeReward(em, campaign.id, r.rewardTierId);
      if (taken === null) throw new DomainError('REWARD_NOT_FOUND', {}, [fieldProblem('rewardTierId', 'validation.notAReward')]);
      if (taken === 'sold_out') throw new DomainError('REWARD_SOLD_OUT');
      reward = taken;
    }
    const problems = amountProblems(r.amountCents, reward?.minAmountCents ?? null);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);

    const settings = settingsOrDefaults(context.settings, tenant.id, campaign.programmeId);
    const key = emailKey(r.email);
    const shares = await this.matches.plan(em, {
      campaign,
      settings,
      amountCents: r.amountCents,
      rewardMatchEligible: reward ? reward.matchEligible : null,
      emailKey: key,
      locked,
      snapshot: context.ratioBudgets,
    });
    const matchedCents = shares.reduce((s, x) => s + x.amountCents, 0);

    const provider = await this.providers.of(settings.paymentProvider, tenant.id, em, { webhookCheckoutUrl: context.webhookCheckoutUrl });
    provider.assertReady?.();
    const id = restartId ?? randomUUID();
    // A provider whose page closes sooner (a Checkout Session: 24 h at most) shortens the wait: the
    // contribution expires with its session, and gives back its reservations then.
    const graceMs = Math.min(settings.pendingGraceHours * 3_600_000, provider.maxPendingMs ?? Infinity);
    const expiresAt = new Date(now.getTime() + graceMs);
    // A remote provider (Stripe) is called after the commit (ContributionCheckout), a local one here.
    const start = provider.remote
      ? null
      : await provider.start({ id, amountCents: r.amountCents, email: r.email }, await this.checkout.returnUrl(tenant, id, em));
    const fields = {
      id,
      tenantId: tenant.id,
      programmeId: campaign.programmeId,
      campaignId: campaign.id,
      rewardTierId: r.rewardTierId,
      amountCents: r.amountCents,
      matchedCents,
      email: r.email,
      emailKey: key,
      displayName: r.displayName,
      anonymous: r.anonymous,
      message: r.message,
      locale,
      status: 'pending',
      provider: provider.name,
      providerRef: start?.kind === 'redirect' ? start.providerRef : null,
      idempotencyKey,
      requestHash: fingerprint,
      confirmTokenHash: start?.kind === 'confirm_by_email' ? hashToken(start.confirmToken) : null,
      expiresAt,
    } satisfies Partial<Contribution>;
    // The budgets are decremented inside the COMMIT (a deferred trigger): each row held for the commit only.
    const allocations = { tenantId: tenant.id, campaignId: campaign.id, contributionId: id };
    let contribution: Contribution;
    if (restartId) {
      contribution = await this.repo.restartContribution(em, { ...fields, status: 'pending', endedAt: null });
      await this.matches.allocate(em, allocations, shares);
    } else {
      // With its allocations, in one statement.
      contribution = await this.repo.insertContribution(em, fields, this.matches.allocationsWith(allocations, shares));
    }
    if (start?.kind === 'confirm_by_email') {
      const site = await this.tenants.siteUrl(tenant, em);
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'contribution-confirm',
        locale,
        to: r.email,
        toName: r.displayName,
        dedupeKey: `contribution-confirm:${id}`,
        payload: { campaignTitle: campaign.title, amountCents: r.amountCents, matchedCents, link: `${site}/contributions/confirm?token=${start.confirmToken}` },
      });
    }
    return {
      contribution,
      replayed: false,
      payment: start?.kind === 'confirm_by_email' ? { kind: 'confirm_by_email' } : { kind: 'redirect', url: start?.url ?? null },
    };
  }

  /** A contribution as its contributor may see it (by id: the id is the secret reference of the payment). */
  async status(tenant: Tenant, id: string): Promise<Contribution & { campaign: Campaign }> {
    const c = await this.repo.contribution(this.repo.manager, tenant.id, id);
    if (!c) throw new DomainError('NOT_FOUND');
    return { ...c, campaign: await this.campaigns.found(this.repo.manager, tenant.id, c.campaignId) };
  }

  /**
   * What the contributor's status page shows: the contribution, its campaign and programme (for the
   * link back), the chosen reward, and how to pay while it is pending.
   */
  async statusPage(
    tenant: Tenant,
    id: string,
  ): Promise<{
    contribution: Contribution;
    campaign: Campaign;
    programmeSlug: string;
    rewardTitle: Localized | null;
    payment: ContributionReceipt['payment'] | null;
  }> {
    const { campaign, ...contribution } = await this.status(tenant, id);
    const programme = await this.programmes.found(tenant.id, campaign.programmeId);
    const reward = contribution.rewardTierId
      ? (await this.campaigns.rewards(this.repo.manager, [campaign.id])).find((r) => r.id === contribution.rewardTierId)
      : undefined;
    return {
      contribution,
      campaign,
      programmeSlug: programme.slug,
      rewardTitle: reward?.title ?? null,
      payment: contribution.status === 'pending' ? withoutContribution(await this.checkout.paymentOf(contribution, tenant, { open: false })) : null,
    };
  }

  // ---- confirmation, by link or by webhook -------------------------------------------------------

  /** The pledge's e-mailed link. Clicking twice confirms once. */
  async confirmPledge(tenant: Tenant, token: string): Promise<Contribution> {
    if (!token || token.length > 200) throw new DomainError('CONTRIBUTION_LINK_INVALID');
    return this.afterCommitForget(tenant.id, (touch) =>
      this.tx.run(async (em) => {
        const c = await this.repo.lockContribution(em, { tenantId: tenant.id, confirmTokenHash: hashToken(token) });
        if (!c || c.provider !== 'pledge') throw new DomainError('CONTRIBUTION_LINK_INVALID');
        if (c.status !== 'pending') return c;
        touch(c.campaignId);
        await this.applySignal(em, tenant, c, 'succeeded');
        return (await this.repo.contribution(em, tenant.id, c.id))!;
      }),
    );
  }

  /**
   * One provider event, exactly once: the event row's unique key makes a replay a no-op, and the
   * contribution's state machine makes old news (a failure after a success) harmless.
   */
  async handleWebhook(tenant: Tenant, event: WebhookEvent, payload: Record<string, unknown>): Promise<{ outcome: string; duplicate: boolean }> {
    try {
      return await this.afterCommitForget(tenant.id, (touch) =>
        this.tx.run(async (em) => {
          const eventRowId = await this.repo.recordPaymentEvent(em, tenant.id, event, payload);
          if (!eventRowId) return { outcome: (await this.repo.paymentEventOutcome(em, tenant.id, event.provider, event.id)) ?? 'duplicate', duplicate: true };
          const c = await this.repo.lockContribution(em, { tenantId: tenant.id, id: event.reference });
          let outcome: string;
          if (c) touch(c.campaignId);
          if (!c || c.provider !== event.provider) outcome = 'ignored:unknown_reference';
          else if (event.amountCents !== undefined && event.amountCents !== c.amountCents && event.signal === 'succeeded') {
            // Money that does not match the promise is neither counted nor lost: it is owed back.
            outcome = c.status === 'pending' ? 'refund_due:amount_mismatch' : `ignored:amount_mismatch:${c.status}`;
            if (c.status === 'pending') {
              await this.release(em, c);
              await this.repo.updateContribution(em, c.id, { status: 'refund_due' });
              await this.refunds.request(em, c, 'amount_mismatch', this.clock.now());
            }
          } else if (event.signal === 'refund_failed') {
            const now = this.clock.now();
            const failed = await this.refunds.providerFailed(em, c.id, event.failureReason ?? 'unknown', now, (n) => nextAttemptAt(now, n));
            outcome = failed ? 'refund_failed' : `ignored:refund_not_awaited:${c.status}`;
          } else if (event.signal === 'reinstated') outcome = await this.disputes.reinstate(em, c);
          else outcome = await this.applySignal(em, tenant, c, event.signal);
          await this.repo.setPaymentEventOutcome(em, eventRowId, outcome, c?.id ?? null);
          return { outcome, duplicate: false };
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err, 'payment_event_once_key')) return { outcome: 'duplicate', duplicate: true };
      throw err;
    }
  }

  /** Applies a payment signal to a locked contribution; returns what it did. */
  private async applySignal(em: EntityManager, tenant: Tenant, c: Contribution, signal: PaymentSignal): Promise<string> {
    let next = applyPaymentSignal(c.status, signal);
    if (!next) return `ignored:${c.status}`;
    this.pages.forgetCampaign(tenant.id, c.campaignId);
    const now = this.clock.now();
    if (next === 'confirmed') {
      const campaign = await this.campaigns.lockFound(em, tenant.id, c.campaignId);
      // A settled campaign cannot count new money (its pending contributions were all resolved first).
      if (campaign.status === 'funded' || campaign.status === 'not_funded') next = 'refund_due';
      else {
        await this.confirm(em, tenant, c, campaign, now);
        return 'confirmed';
      }
    }
    if (next === 'failed' || (next === 'refund_due' && c.status === 'pending')) await this.release(em, c);
    // A chargeback during the window no longer counts at all (confirmedAt cleared: totals follow the rows).
    const reversed = next === 'refunded' && c.status === 'confirmed' && (await this.reverseConfirmed(em, c));
    await this.repo.updateContribution(em, c.id, {
      status: next,
      ...(next === 'failed' || next === 'refunded' ? { endedAt: now } : {}),
      ...(next === 'refund_due' ? { endedAt: null } : {}),
      ...(reversed ? { confirmedAt: null } : {}),
    });
    // Owed back: its refund is requested now; refunded: the refund it had (if any) is confirmed.
    if (next === 'refund_due') await this.refunds.request(em, c, 'late_payment', now);
    if (next === 'refunded') await this.refunds.confirmOfContribution(em, c.id, now);
    return next;
  }

  private async confirm(em: EntityManager, tenant: Tenant, c: Contribution, campaign: Campaign, now: Date): Promise<void> {
    const receiptNumber = await this.repo.confirmWithReceipt(em, c.id, now, now.getUTCFullYear());
    await this.matchFunding.setAllocationsStatus(em, { contributionId: c.id }, ['reserved'], 'confirmed');
    const updated = await this.campaigns.addConfirmedContribution(em, campaign.id, c.emailKey, c.amountCents, c.matchedCents);
    await this.matches.payGrants(em, updated);
    await this.outbox.enqueue(em, {
      tenantId: tenant.id,
      template: 'contribution-confirmed',
      locale: c.locale,
      to: c.email,
      toName: c.displayName,
      dedupeKey: `contribution-confirmed:${c.id}`,
      payload: {
        campaignTitle: campaign.title,
        amountCents: c.amountCents,
        matchedCents: c.matchedCents,
        receiptNumber,
        link: await this.checkout.returnUrl(tenant, c.id, em),
      },
    });
  }

  /**
   * Gives back what a pending contribution reserved: its reward's stock and its match-funding (also
   * when it expires, see PaymentExpiryService). The caller holds the contribution's row lock.
   */
  release(em: EntityManager, c: Contribution): Promise<void> {
    return this.checkout.release(em, c);
  }

  /** A confirmed contribution refunded during the window (a chargeback, or staff's refund): totals go down. */
  async reverseConfirmed(em: EntityManager, c: Contribution): Promise<boolean> {
    const campaign = await this.campaigns.lockFound(em, c.tenantId, c.campaignId);
    if (campaign.status !== 'live' && campaign.status !== 'awaiting_funds') return false; // settled totals stay as published
    const released = await this.matchFunding.setAllocationsStatus(em, { contributionId: c.id }, ['confirmed'], 'released');
    await this.matchFunding.returnToBudgets(em, released);
    const matched = released.reduce((s, a) => s + a.amountCents, 0);
    const lastOfContributor = !(await this.repo.hasOtherConfirmed(em, c));
    if (lastOfContributor) await this.campaigns.removeBacker(em, c.campaignId, c.emailKey);
    await this.campaigns.subtractConfirmed(em, c.campaignId, c.amountCents, matched, lastOfContributor);
    return true;
  }
}
