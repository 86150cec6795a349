import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toCsv } from '../applications/domain/export.js';
import { AuditService } from '../audit/audit.service.js';
import { hashToken } from '../auth/domain/tokens.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { isUniqueViolation, TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { PhaseChange } from '../programmes/phase-hooks.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { Campaign, CampaignSettings, Contribution } from './campaign.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { amountProblems, emailKey, requestFingerprint, type ContributionRequest } from './domain/contribution.js';
import { desiredMatch, grantsEarned, shareAcrossBudgets } from './domain/match-funding.js';
import { dueNudges } from './domain/nudges.js';
import { settle } from './domain/settlement.js';
import { applyPaymentSignal, type PaymentSignal } from './domain/states.js';
import { assertWindowOpen, windowOf } from './domain/window.js';
import type { ContributeDto } from './dto/campaigns.dto.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import { PledgePaymentProvider } from './payments/pledge.provider.js';
import { WebhookPaymentProvider } from './payments/webhook.provider.js';
import { PaymentSettingsService } from './payment-settings.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,200}$/;

/** Settings as they apply when staff never saved any. */
const DEFAULT_SETTINGS: Omit<CampaignSettings, 'id' | 'tenantId' | 'programmeId' | 'updatedAt'> = {
  paymentProvider: 'pledge', settlementPolicy: 'all_or_nothing', matchCountsTowardGoal: true, pendingGraceHours: 72,
  matchFactorPercent: 0, matchCapPerContributionCents: null, matchCapPerCampaignCents: null, matchMaxPerContributor: null, matchOnlyListedRewards: false,
};

export interface ContributionReceipt {
  contribution: Contribution;
  /** What the contributor does next: confirm from the e-mail, or pay on the provider's page. */
  payment: { kind: 'confirm_by_email' } | { kind: 'redirect'; url: string | null };
  replayed: boolean;
}

export interface WebhookEvent {
  id: string;
  type: 'payment.succeeded' | 'payment.failed' | 'refund.succeeded';
  reference: string;
  amountCents?: number;
}

const SIGNALS: Record<WebhookEvent['type'], PaymentSignal> = {
  'payment.succeeded': 'succeeded', 'payment.failed': 'failed', 'refund.succeeded': 'refunded',
};

/**
 * Money: contributions in the window, their confirmation by the payment provider, match-funding
 * reserved with them, and the settlement of each campaign at the close. Every change of a total happens
 * in the transaction that changes the contribution, under the row locks that make it exact.
 */
@Injectable()
export class ContributionsService {
  private readonly logger = new Logger('Contributions');
  private readonly pledge = new PledgePaymentProvider();

  constructor(
    private readonly repo: CampaignsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly users: UsersRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
    private readonly paymentSettings: PaymentSettingsService,
  ) {}

  /** The provider as this authority has it set up (its own checkout page, else the installation's). */
  private async provider(name: 'pledge' | 'webhook', tenantId: string, em?: EntityManager): Promise<PaymentProvider> {
    return name === 'pledge' ? this.pledge : new WebhookPaymentProvider(await this.paymentSettings.checkoutUrl(tenantId, em));
  }

  async settingsOf(em: EntityManager, tenantId: string, programmeId: string): Promise<CampaignSettings> {
    return (await this.repo.settings(em, tenantId, programmeId)) ?? ({ ...DEFAULT_SETTINGS, tenantId, programmeId } as CampaignSettings);
  }

  /**
   * Pages are forgotten inside the transaction (so this instance stops serving them) and again after the
   * commit (a read between the two may have cached what was there before).
   */
  private async afterCommitForget<T>(tenantId: string, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      this.pages.forget(tenantId);
    }
  }

  // ---- contributing -----------------------------------------------------------------------------

  async contribute(tenant: Tenant, campaignId: string, dto: ContributeDto, idempotencyKey: string | undefined): Promise<ContributionReceipt> {
    if (!idempotencyKey || !IDEMPOTENCY_KEY.test(idempotencyKey)) throw new DomainError('IDEMPOTENCY_KEY_REQUIRED');
    const request: ContributionRequest = {
      amountCents: dto.amountCents, rewardTierId: dto.rewardTierId || null, email: dto.email, displayName: dto.displayName?.trim() || null,
      anonymous: dto.anonymous ?? false, message: dto.message ?? '',
    };
    const fingerprint = requestFingerprint(campaignId, request);
    try {
      return await this.afterCommitForget(tenant.id, this.tx.run(async (em) => {
        // A retry racing its own first attempt waits for it here, then finds it (instead of, say, being
        // refused the reward the first attempt took).
        await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`contribution:${tenant.id}:${idempotencyKey}`]);
        const existing = await this.repo.contributionByKey(em, tenant.id, idempotencyKey);
        if (existing) return this.replay(existing, fingerprint, tenant, em);
        this.pages.forget(tenant.id); // stock and match budgets move with a new contribution
        return this.create(em, tenant, campaignId, request, dto.locale ?? tenant.defaultLocale, idempotencyKey, fingerprint);
      }));
    } catch (err) {
      // The same key sent twice at once: the loser reads what the winner created.
      if (!isUniqueViolation(err, 'contribution_idempotency_key')) throw err;
      const existing = await this.repo.contributionByKey(this.repo.manager, tenant.id, idempotencyKey);
      if (!existing) throw err;
      return this.replay(existing, fingerprint, tenant);
    }
  }

  private async replay(c: Contribution, fingerprint: string, tenant: Tenant, em?: EntityManager): Promise<ContributionReceipt> {
    if (c.requestHash !== fingerprint) throw new DomainError('IDEMPOTENCY_KEY_REUSED');
    return { contribution: c, payment: await this.paymentOf(c, tenant, em), replayed: true };
  }

  private async paymentOf(c: Contribution, tenant: Tenant, em?: EntityManager): Promise<ContributionReceipt['payment']> {
    if (c.provider === 'pledge') return { kind: 'confirm_by_email' };
    const start = (await this.provider('webhook', tenant.id, em)).start(c, await this.returnUrl(tenant, c.id, em));
    return { kind: 'redirect', url: start.kind === 'redirect' ? start.url : null };
  }

  private async returnUrl(tenant: Tenant, contributionId: string, em?: EntityManager): Promise<string> {
    return `${await this.tenants.siteUrl(tenant, em)}/contributions/${contributionId}`;
  }

  private async create(
    em: EntityManager, tenant: Tenant, campaignId: string, r: ContributionRequest, locale: 'fr' | 'en', idempotencyKey: string, fingerprint: string,
  ): Promise<ContributionReceipt> {
    const context = await this.repo.contributionContext(em, tenant.id, campaignId);
    const { campaign } = context;
    const now = this.clock.now();
    assertWindowOpen(context.phase, windowOf(context.timeline), now);
    if (campaign.status !== 'live') throw new DomainError('CAMPAIGN_NOT_LIVE');

    // Stock first: the atomic decrement is the reservation (rolled back with everything else on error).
    let reward: { minAmountCents: number; matchEligible: boolean } | null = null;
    if (r.rewardTierId) {
      const taken = await this.repo.takeReward(em, campaign.id, r.rewardTierId);
      if (taken === null) throw new DomainError('REWARD_NOT_FOUND', {}, [{ field: 'rewardTierId', message: 'is not a reward of this campaign' }]);
      if (taken === 'sold_out') throw new DomainError('REWARD_SOLD_OUT');
      reward = taken;
    }
    const problems = amountProblems(r.amountCents, reward?.minAmountCents ?? null);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);

    const settings = context.settings ?? ({ ...DEFAULT_SETTINGS, tenantId: tenant.id, programmeId: campaign.programmeId } as CampaignSettings);
    const key = emailKey(r.email);
    let shares: Array<{ budgetId: string; amountCents: number }> = [];
    if (settings.matchFactorPercent > 0) {
      const budgets = await this.repo.lockBudgetsFor(em, campaign, 'ratio');
      if (budgets.length) {
        const wanted = desiredMatch({
          factorPercent: settings.matchFactorPercent, capPerContributionCents: settings.matchCapPerContributionCents,
          capPerCampaignCents: settings.matchCapPerCampaignCents, maxPerContributor: settings.matchMaxPerContributor,
          onlyListedRewards: settings.matchOnlyListedRewards,
        }, {
          amountCents: r.amountCents, rewardMatchEligible: reward ? reward.matchEligible : null,
          // Each cap's count is read only when the programme sets that cap.
          campaignMatchedCents: settings.matchCapPerCampaignCents === null ? 0 : await this.repo.campaignRatioMatched(em, campaign.id),
          contributorMatchedCount: settings.matchMaxPerContributor === null ? 0 : await this.repo.contributorMatchedCount(em, campaign.id, key),
        });
        shares = shareAcrossBudgets(wanted, budgets.map((b) => ({ id: b.id, remainingCents: b.remainingCents })));
      }
    }
    const matchedCents = shares.reduce((s, x) => s + x.amountCents, 0);

    const provider = await this.provider(settings.paymentProvider, tenant.id, em);
    const id = randomUUID();
    const start = provider.start({ id, amountCents: r.amountCents, email: r.email }, await this.returnUrl(tenant, id, em));
    const contribution = await this.repo.insertContribution(em, {
      id, tenantId: tenant.id, programmeId: campaign.programmeId, campaignId: campaign.id, rewardTierId: r.rewardTierId, amountCents: r.amountCents,
      matchedCents, email: r.email, emailKey: key, displayName: r.displayName, anonymous: r.anonymous, message: r.message, locale,
      status: 'pending', provider: provider.name, providerRef: start.kind === 'redirect' ? start.providerRef : null,
      idempotencyKey, requestHash: fingerprint, confirmTokenHash: start.kind === 'confirm_by_email' ? hashToken(start.confirmToken) : null,
      expiresAt: new Date(now.getTime() + settings.pendingGraceHours * 3_600_000),
    });
    for (const share of shares) {
      await this.repo.takeFromBudget(em, share.budgetId, share.amountCents);
      await this.repo.insertAllocation(em, {
        tenantId: tenant.id, campaignId: campaign.id, budgetId: share.budgetId, contributionId: id, kind: 'ratio', amountCents: share.amountCents, status: 'reserved',
      });
    }
    if (start.kind === 'confirm_by_email') {
      const site = await this.tenants.siteUrl(tenant, em);
      await this.outbox.enqueue(em, {
        tenantId: tenant.id, template: 'contribution-confirm', locale, to: r.email, toName: r.displayName,
        dedupeKey: `contribution-confirm:${id}`,
        payload: { campaignTitle: campaign.title, amountCents: r.amountCents, matchedCents, link: `${site}/contributions/confirm?token=${start.confirmToken}` },
      });
    }
    return {
      contribution, replayed: false,
      payment: start.kind === 'redirect' ? { kind: 'redirect', url: start.url } : { kind: 'confirm_by_email' },
    };
  }

  /** A contribution as its contributor may see it (by id: the id is the secret reference of the payment). */
  async status(tenant: Tenant, id: string): Promise<Contribution & { campaign: Campaign }> {
    const c = await this.repo.contribution(this.repo.manager, tenant.id, id);
    if (!c) throw new DomainError('NOT_FOUND');
    return { ...c, campaign: await this.repo.found(this.repo.manager, tenant.id, c.campaignId) };
  }

  /**
   * What the contributor's status page shows: the contribution, its campaign and programme (for the
   * link back), the chosen reward, and how to pay while it is pending.
   */
  async statusPage(tenant: Tenant, id: string): Promise<{
    contribution: Contribution; campaign: Campaign; programmeSlug: string; rewardTitle: string | null; payment: ContributionReceipt['payment'] | null;
  }> {
    const { campaign, ...contribution } = await this.status(tenant, id);
    const programme = await this.programmes.found(tenant.id, campaign.programmeId);
    const reward = contribution.rewardTierId ? (await this.repo.rewards(this.repo.manager, [campaign.id])).find((r) => r.id === contribution.rewardTierId) : undefined;
    return {
      contribution, campaign, programmeSlug: programme.slug, rewardTitle: reward?.title ?? null,
      payment: contribution.status === 'pending' ? await this.paymentOf(contribution, tenant) : null,
    };
  }

  // ---- confirmation, by link or by webhook -------------------------------------------------------

  /** The pledge's e-mailed link. Clicking twice confirms once. */
  async confirmPledge(tenant: Tenant, token: string): Promise<Contribution> {
    if (!token || token.length > 200) throw new DomainError('CONTRIBUTION_LINK_INVALID');
    return this.afterCommitForget(tenant.id, this.tx.run(async (em) => {
      const c = await this.repo.lockContribution(em, { tenantId: tenant.id, confirmTokenHash: hashToken(token) });
      if (!c || c.provider !== 'pledge') throw new DomainError('CONTRIBUTION_LINK_INVALID');
      if (c.status !== 'pending') return c;
      await this.applySignal(em, tenant, c, 'succeeded');
      return (await this.repo.contribution(em, tenant.id, c.id))!;
    }));
  }

  /**
   * One provider event, exactly once: the event row's unique key makes a replay a no-op, and the
   * contribution's state machine makes old news (a failure after a success) harmless.
   */
  async handleWebhook(tenant: Tenant, event: WebhookEvent, payload: Record<string, unknown>): Promise<{ outcome: string; duplicate: boolean }> {
    try {
      return await this.afterCommitForget(tenant.id, this.tx.run(async (em) => {
        const inserted: Array<{ id: string }> = await em.query(
          `INSERT INTO payment_event (tenant_id, provider, event_id, type, payload, outcome) VALUES ($1, 'webhook', $2, $3, $4, 'received')
           ON CONFLICT (tenant_id, provider, event_id) DO NOTHING RETURNING id`,
          [tenant.id, event.id, event.type, JSON.stringify(payload)],
        );
        if (!inserted.length) {
          const [prior] = await em.query(`SELECT outcome FROM payment_event WHERE tenant_id = $1 AND provider = 'webhook' AND event_id = $2`, [tenant.id, event.id]);
          return { outcome: prior?.outcome ?? 'duplicate', duplicate: true };
        }
        const c = await this.repo.lockContribution(em, { tenantId: tenant.id, id: event.reference });
        let outcome: string;
        if (!c || c.provider !== 'webhook') outcome = 'ignored:unknown_reference';
        else if (event.amountCents !== undefined && event.amountCents !== c.amountCents && event.type === 'payment.succeeded') {
          // Money that does not match the promise is neither counted nor lost: it is owed back.
          outcome = c.status === 'pending' ? 'refund_due:amount_mismatch' : `ignored:amount_mismatch:${c.status}`;
          if (c.status === 'pending') {
            this.pages.forget(tenant.id);
            await this.release(em, c);
            await this.repo.updateContribution(em, c.id, { status: 'refund_due' });
          }
        } else outcome = await this.applySignal(em, tenant, c, SIGNALS[event.type]);
        await em.query(`UPDATE payment_event SET outcome = $2, contribution_id = $3 WHERE id = $1`, [inserted[0].id, outcome, c?.id ?? null]);
        return { outcome, duplicate: false };
      }));
    } catch (err) {
      if (isUniqueViolation(err, 'payment_event_once_key')) return { outcome: 'duplicate', duplicate: true };
      throw err;
    }
  }

  /** Applies a payment signal to a locked contribution; returns what it did. */
  private async applySignal(em: EntityManager, tenant: Tenant, c: Contribution, signal: PaymentSignal): Promise<string> {
    let next = applyPaymentSignal(c.status, signal);
    if (!next) return `ignored:${c.status}`;
    this.pages.forget(tenant.id);
    const now = this.clock.now();
    if (next === 'confirmed') {
      const campaign = await this.repo.lockFound(em, tenant.id, c.campaignId);
      // A settled campaign cannot count new money (its pending contributions were all resolved first).
      if (campaign.status === 'funded' || campaign.status === 'not_funded') next = 'refund_due';
      else {
        await this.confirm(em, tenant, c, campaign, now);
        return 'confirmed';
      }
    }
    if (next === 'failed' || (next === 'refund_due' && c.status === 'pending')) await this.release(em, c);
    // A chargeback during the window no longer counts at all (confirmedAt cleared: totals follow the rows).
    const reversed = next === 'refunded' && c.status === 'confirmed' && await this.reverseConfirmed(em, c);
    await this.repo.updateContribution(em, c.id, {
      status: next, ...(next === 'failed' || next === 'refunded' ? { endedAt: now } : {}), ...(next === 'refund_due' ? { endedAt: null } : {}),
      ...(reversed ? { confirmedAt: null } : {}),
    });
    return next;
  }

  private async confirm(em: EntityManager, tenant: Tenant, c: Contribution, campaign: Campaign, now: Date): Promise<void> {
    const receiptNumber = await this.repo.nextReceiptNumber(em, now.getUTCFullYear());
    await this.repo.updateContribution(em, c.id, { status: 'confirmed', confirmedAt: now, receiptNumber });
    await this.repo.setAllocationsStatus(em, { contributionId: c.id }, ['reserved'], 'confirmed');
    const newContributor = await this.repo.addBacker(em, campaign.id, c.emailKey);
    const updated = await this.repo.addConfirmed(em, campaign.id, c.amountCents, c.matchedCents, newContributor);
    await this.payGrants(em, updated);
    await this.outbox.enqueue(em, {
      tenantId: tenant.id, template: 'contribution-confirmed', locale: c.locale, to: c.email, toName: c.displayName,
      dedupeKey: `contribution-confirmed:${c.id}`,
      payload: { campaignTitle: campaign.title, amountCents: c.amountCents, matchedCents: c.matchedCents, receiptNumber, link: await this.returnUrl(tenant, c.id, em) },
    });
  }

  /** Fixed grants the campaign has just earned, each paid once, never beyond a budget's balance. */
  private async payGrants(em: EntityManager, campaign: Campaign): Promise<void> {
    const budgets = await this.repo.lockBudgetsFor(em, campaign, 'grant');
    if (!budgets.length) return;
    const earned = grantsEarned(campaign, budgets.map((b) => ({
      id: b.id, remainingCents: b.remainingCents, grantCents: b.grantCents ?? 0, thresholdPercent: b.grantThresholdPercent ?? 0, minContributors: b.grantMinContributors ?? 0,
    })), await this.repo.grantsPaid(em, campaign.id));
    for (const g of earned) {
      await this.repo.takeFromBudget(em, g.budgetId, g.amountCents);
      await this.repo.insertAllocation(em, {
        tenantId: campaign.tenantId, campaignId: campaign.id, budgetId: g.budgetId, contributionId: null, kind: 'grant', amountCents: g.amountCents, status: 'confirmed',
      });
      await this.repo.addMatched(em, campaign.id, g.amountCents);
    }
  }

  /** Gives back what a pending contribution reserved: its reward's stock and its match-funding. */
  private async release(em: EntityManager, c: Contribution): Promise<void> {
    if (c.rewardTierId) await this.repo.returnReward(em, c.rewardTierId);
    for (const a of await this.repo.setAllocationsStatus(em, { contributionId: c.id }, ['reserved'], 'released')) {
      await this.repo.returnToBudget(em, a.budgetId, a.amountCents);
    }
  }

  /** A confirmed contribution refunded by the provider during the window (a chargeback): totals go down. */
  private async reverseConfirmed(em: EntityManager, c: Contribution): Promise<boolean> {
    const campaign = await this.repo.lockFound(em, c.tenantId, c.campaignId);
    if (campaign.status !== 'live' && campaign.status !== 'awaiting_funds') return false; // settled totals stay as published
    let matched = 0;
    for (const a of await this.repo.setAllocationsStatus(em, { contributionId: c.id }, ['confirmed'], 'released')) {
      await this.repo.returnToBudget(em, a.budgetId, a.amountCents);
      matched += a.amountCents;
    }
    const others: Array<{ n: number }> = await em.query(
      `SELECT count(*)::int AS n FROM contribution WHERE campaign_id = $1 AND email_key = $2 AND status = 'confirmed' AND id <> $3`, [c.campaignId, c.emailKey, c.id],
    );
    const lastOfContributor = others[0].n === 0;
    if (lastOfContributor) await em.query(`DELETE FROM campaign_backer WHERE campaign_id = $1 AND email_key = $2`, [c.campaignId, c.emailKey]);
    await em.query(
      `UPDATE campaign SET collected_cents = collected_cents - $2, matched_cents = matched_cents - $3, contribution_count = contribution_count - 1,
              contributor_count = contributor_count - $4 WHERE id = $1`,
      [c.campaignId, c.amountCents, matched, lastOfContributor ? 1 : 0],
    );
    return true;
  }

  // ---- scheduled work ---------------------------------------------------------------------------

  /** Pending contributions past their grace period expire and give back what they reserved. */
  async expireDue(now: Date): Promise<number> {
    let n = 0;
    for (const { id, tenantId } of await this.repo.expiredPending(now)) {
      await this.tx.run(async (em) => {
        const c = await this.repo.lockContribution(em, { tenantId, id });
        if (!c || c.status !== 'pending' || new Date(c.expiresAt).getTime() > now.getTime()) return;
        this.pages.forget(tenantId);
        await this.release(em, c);
        await this.repo.updateContribution(em, c.id, { status: 'expired', endedAt: now });
        n++;
      });
    }
    return n;
  }

  /** Entering `settlement`: every live campaign closes and settles (or waits for pending payments). */
  async closeWindow(em: EntityManager, change: PhaseChange): Promise<void> {
    for (const c of await this.repo.ofProgramme(em, change.tenant.id, change.programme.id, ['live'])) {
      await this.settleLocked(em, change.tenant, c.id, change.at);
    }
  }

  /** Settles what is due across tenants: catch-up after downtime, and campaigns whose last payment arrived. */
  async settleDue(now: Date): Promise<number> {
    let n = 0;
    for (const { id, tenantId } of await this.repo.toSettle()) {
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
    const c = await this.repo.lockFound(em, tenant.id, campaignId);
    if (c.status !== 'live' && c.status !== 'awaiting_funds') return null;
    this.pages.forget(tenant.id);
    const programme = await this.programmes.found(tenant.id, c.programmeId, em);
    if (!['settlement', 'results'].includes(programme.phase) && c.status === 'live') return null;
    const settings = await this.settingsOf(em, tenant.id, c.programmeId);
    const s = settle({ ...c, pendingCount: await this.repo.pendingCount(em, c.id) }, {
      policy: settings.settlementPolicy, matchCountsTowardGoal: settings.matchCountsTowardGoal,
    });
    const closedAt = c.closedAt ?? (programme.timeline.settlement ? new Date(programme.timeline.settlement) : now);
    if (s.outcome === 'awaiting_funds') {
      if (c.status === 'live') await this.repo.updateCampaign(em, c.id, { status: 'awaiting_funds', closedAt });
      return 'awaiting_funds';
    }
    await this.repo.updateCampaign(em, c.id, { status: s.outcome, closedAt, settledAt: now });
    let contributions = await this.repo.contributionsOf(em, c.id, ['confirmed']);
    if (s.refundContributions) contributions = await this.repo.moveContributions(em, c.id, 'confirmed', 'refund_due', now);
    if (s.releaseMatch) {
      for (const a of await this.repo.setAllocationsStatus(em, { campaignId: c.id }, ['reserved', 'confirmed'], 'released')) {
        await this.repo.returnToBudget(em, a.budgetId, a.amountCents);
      }
    }
    await this.audit.record(em, {
      tenantId: tenant.id, actorUserId: null, action: `campaign.${s.outcome}`, subjectType: 'campaign', subjectId: c.id,
      data: { collectedCents: c.collectedCents, matchedCents: c.matchedCents, goalCents: c.goalCents, policy: settings.settlementPolicy },
    });
    const link = `${await this.tenants.siteUrl(tenant, em)}/programmes/${programme.slug}/campaigns/${c.slug}`;
    const laureate = await this.users.findById(tenant.id, c.laureateUserId, em);
    if (laureate) {
      await this.outbox.enqueue(em, {
        tenantId: tenant.id, template: 'campaign-settled', locale: laureate.locale ?? tenant.defaultLocale, to: laureate.email, toName: laureate.displayName,
        dedupeKey: `campaign-settled:${c.id}`,
        payload: {
          campaignTitle: c.title, funded: s.outcome === 'funded', collectedCents: c.collectedCents, matchedCents: c.matchedCents, goalCents: c.goalCents,
          contributors: c.contributorCount, refunded: s.refundContributions, link,
        },
      });
    }
    for (const x of contributions) {
      await this.outbox.enqueue(em, {
        tenantId: tenant.id, template: 'contribution-settled', locale: x.locale, to: x.email, toName: x.displayName,
        dedupeKey: `contribution-settled:${x.id}`,
        payload: {
          campaignTitle: c.title, funded: s.outcome === 'funded', refunded: s.refundContributions, pledge: x.provider === 'pledge',
          amountCents: x.amountCents, receiptNumber: x.receiptNumber ?? '', confirmedAt: x.confirmedAt ? new Date(x.confirmedAt).toISOString().slice(0, 10) : '', link,
        },
      });
    }
    return s.outcome;
  }

  /**
   * Asks the provider for every refund due, once: done at once (pledges are released) or requested
   * (the webhook provider's `refund.succeeded` ends it). Returns how many ended as refunded.
   */
  async refundDue(now: Date): Promise<number> {
    let n = 0;
    for (const { id, tenantId } of await this.repo.refundsDue()) {
      await this.tx.run(async (em) => {
        const c = await this.repo.lockContribution(em, { tenantId, id });
        if (!c || c.status !== 'refund_due' || c.endedAt) return;
        const provider = await this.provider(c.provider === 'webhook' ? 'webhook' : 'pledge', tenantId, em);
        const result = await provider.refund(c);
        await this.repo.updateContribution(em, c.id, result === 'refunded' ? { status: 'refunded', endedAt: now } : { endedAt: now });
        if (result === 'refunded') n++;
      });
    }
    return n;
  }

  /** The laureates' nudges due now; each queued once (outbox dedupe key from the domain). */
  async queueNudges(now: Date): Promise<number> {
    let n = 0;
    for (const c of await this.repo.liveForNudges()) {
      if (!c.opensAt || !c.closesAt) continue;
      const nudges = dueNudges({
        opensAt: new Date(c.openedAt ?? c.opensAt), closesAt: new Date(c.closesAt), now,
        goalReached: c.collectedCents >= c.goalCents, lastUpdateAt: c.lastUpdateAt ? new Date(c.lastUpdateAt) : null,
      });
      if (!nudges.length) continue;
      const tenant = await this.tenants.get(c.tenantId);
      const laureate = tenant && await this.users.findById(c.tenantId, c.laureateUserId);
      if (!tenant || !laureate) continue;
      const site = await this.tenants.siteUrl(tenant);
      await this.tx.run(async (em) => {
        for (const nudge of nudges) {
          const queued = await this.outbox.enqueue(em, {
            tenantId: c.tenantId, template: 'campaign-nudge', locale: laureate.locale ?? tenant.defaultLocale, to: laureate.email, toName: laureate.displayName,
            dedupeKey: `nudge:${c.id}:${nudge.key}`,
            payload: {
              campaignTitle: c.title, kind: nudge.kind, openingTip: nudge.kind === 'opening_tip', updateReminder: nudge.kind === 'update_reminder',
              closingAlert: nudge.kind === 'closing_alert', daysLeft: nudge.kind === 'closing_alert' ? nudge.daysLeft : null,
              percent: Math.floor((c.collectedCents * 100) / c.goalCents), link: `${site}/campaigns/${c.id}/edit`,
            },
          });
          if (queued) n++;
        }
      });
    }
    return n;
  }

  /**
   * Every contribution of a programme for staff and the payment operator (e.g. `?status=refund_due`: the
   * refunds to make in the provider's back office), in one CSV.
   */
  async programmeCsv(tenant: Tenant, programmeId: string, status: string | undefined): Promise<string> {
    const statuses = ['pending', 'confirmed', 'failed', 'expired', 'refund_due', 'refunded'];
    if (status !== undefined && !statuses.includes(status)) {
      throw new DomainError('VALIDATION_FAILED', {}, [{ field: 'status', message: `must be one of ${statuses.join(', ')}` }]);
    }
    const programme = await this.programmes.found(tenant.id, programmeId);
    const rows: Array<Record<string, string | number | boolean | Date | null>> = await this.repo.manager.query(
      `SELECT x.id, c.slug, x.status, x.provider, x.provider_ref, x.amount_cents, x.matched_cents, x.email, x.display_name, x.anonymous,
              x.receipt_number, x.created_at, x.confirmed_at, x.ended_at
         FROM contribution x JOIN campaign c ON c.id = x.campaign_id
        WHERE x.tenant_id = $1 AND x.programme_id = $2 AND ($3::text IS NULL OR x.status = $3) ORDER BY x.created_at`,
      [tenant.id, programme.id, status ?? null],
    );
    const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : '');
    return '\uFEFF' + toCsv(
      ['reference', 'campaign', 'status', 'provider', 'provider_ref', 'amount_cents', 'amount_eur', 'matched_cents', 'email', 'display_name', 'anonymous', 'receipt_number', 'created_at', 'confirmed_at', 'ended_at'],
      rows.map((r) => [
        String(r.id), String(r.slug), String(r.status), String(r.provider), String(r.provider_ref ?? ''), String(r.amount_cents), (Number(r.amount_cents) / 100).toFixed(2),
        String(r.matched_cents), String(r.email), String(r.display_name ?? ''), r.anonymous ? 'yes' : 'no', String(r.receipt_number ?? ''),
        iso(r.created_at), iso(r.confirmed_at), iso(r.ended_at),
      ]),
    );
  }

}
