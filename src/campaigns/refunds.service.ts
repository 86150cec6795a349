import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { ContributionsRepository } from './contributions.repository.js';
import { ContributionsService } from './contributions.service.js';
import { canMarkByHand, canRetry, CLAIM_LEASE_MS, nextAttemptAt, REFUND_STATES, refundReasonOf, type RefundState } from './domain/refunds.js';
import type { PaymentProviderName, RefundResult } from './payments/payment-provider.js';
import { PaymentProviders } from './payments/payment-providers.js';
import type { ClaimedRefund, StaffRefundSort } from './refunds.repository.js';
import { RefundsRepository } from './refunds.repository.js';

/**
 * Refunds through the payment provider port. Every path that makes a contribution `refund_due`
 * requests its refund in the same transaction (RefundsRepository.request); the scheduled job asks the
 * provider for each refund due, once per instance claim (SKIP LOCKED), with back-off on failure; the
 * contribution ends `refunded` only when the provider confirms (its answer or its webhook), or when staff
 * record a refund they made by hand.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger('Refunds');

  constructor(
    private readonly refunds: RefundsRepository,
    private readonly contributions: ContributionsRepository,
    private readonly money: ContributionsService,
    private readonly programmes: ProgrammesRepository,
    private readonly providers: PaymentProviders,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
  ) {}

  /** The scheduled job: asks the provider for every refund due (in batches); returns how many ended refunded. */
  async runDue(now: Date): Promise<number> {
    let done = 0;
    for (let batch = 0; batch < 20; batch++) {
      const claimed = await this.refunds.claimDue(now, new Date(now.getTime() + CLAIM_LEASE_MS));
      for (const r of claimed) if ((await this.ask(r, now)) === 'refunded') done++;
      if (claimed.length < 50) break;
    }
    return done;
  }

  /**
   * Asks the provider for one claimed refund, outside any transaction (no row lock is held during the
   * HTTP call; the claim keeps other instances away), then records its answer under the row locks.
   */
  private async ask(r: ClaimedRefund, now: Date): Promise<RefundResult | 'failed' | 'skipped'> {
    const c = await this.contributions.contribution(this.contributions.manager, r.tenantId, r.contributionId);
    if (!c || c.status !== 'refund_due') {
      // Confirmed meanwhile (the provider's webhook) or gone: nothing to ask.
      await this.tx.run(async (em) => {
        if (c?.status === 'refunded') await this.refunds.confirmOfContribution(em, r.contributionId, now);
        else await this.refunds.update(em, r.id, { nextAttemptAt: null });
      });
      return 'skipped';
    }
    let result: RefundResult;
    try {
      const provider = await this.providers.of(providerNameOf(c.provider), r.tenantId);
      result = await provider.refund(c, { refundId: r.id, round: r.round });
    } catch (err) {
      const failure = err instanceof DomainError ? refundReasonOf(err.code, err.details) : { reason: 'provider_unavailable' as const, detail: 'internal' };
      if (!(err instanceof DomainError)) this.logger.error({ err, refundId: r.id }, 'a refund could not be asked');
      // What is logged and kept names the refund and the provider's error type, never a credential.
      this.logger.warn({ tenantId: r.tenantId, refundId: r.id, attempts: r.attempts, ...failure }, 'a refund failed; asked again after its back-off');
      await this.tx.run(async (em) => {
        const locked = await this.refunds.lock(em, r.tenantId, r.id);
        if (!locked || locked.state === 'confirmed') return;
        await this.refunds.update(em, r.id, { state: 'failed', ...failure, askedAt: null, nextAttemptAt: nextAttemptAt(now, r.attempts) });
      });
      return 'failed';
    }
    await this.tx.run(async (em) => {
      const locked = await this.contributions.lockContribution(em, { tenantId: r.tenantId, id: r.contributionId });
      const refund = await this.refunds.lock(em, r.tenantId, r.id);
      if (!locked || !refund || refund.state === 'confirmed') return;
      if (result === 'refunded') {
        if (locked.status === 'refund_due') await this.contributions.updateContribution(em, locked.id, { status: 'refunded', endedAt: now });
        await this.refunds.confirmOfContribution(em, locked.id, now);
        return;
      }
      await this.refunds.update(em, refund.id, {
        state: 'requested',
        // Taken by the provider: its webhook confirms. Not askable: staff make it by hand.
        ...(result === 'requested' ? { askedAt: now, reason: null, detail: null } : { reason: 'manual_required', detail: null }),
        nextAttemptAt: null,
      });
    });
    return result;
  }

  // ---- staff --------------------------------------------------------------------------------------

  async list(
    tenant: Tenant,
    programmeId: string,
    f: { state?: string; q?: string; sort: StaffRefundSort; dir: 'asc' | 'desc'; limit: number; offset: number },
  ) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const state = REFUND_STATES.includes(f.state as RefundState) ? f.state : undefined;
    return { programme, state, ...(await this.refunds.staffList(tenant.id, programme.id, { ...f, state })) };
  }

  async refundRow(tenant: Tenant, programmeId: string, refundId: string) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const row = await this.refunds.staffRow(tenant.id, programme.id, refundId);
    if (!row) throw new DomainError('NOT_FOUND');
    return { programme, row };
  }

  /** A confirmed contribution of the programme that staff may refund (for the confirmation page). */
  async refundableContribution(tenant: Tenant, programmeId: string, contributionId: string) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const c = await this.contributions.contribution(this.contributions.manager, tenant.id, contributionId);
    if (!c || c.programmeId !== programme.id) throw new DomainError('NOT_FOUND');
    if (c.status !== 'confirmed') throw new DomainError('CONTRIBUTION_NOT_REFUNDABLE', { status: c.status });
    return { programme, contribution: c };
  }

  /**
   * Staff's "refund this contribution": a confirmed contribution is owed back (during the window it no
   * longer counts), its refund is requested in the same transaction and asked by the next job run.
   */
  async refundByStaff(tenant: Tenant, programmeId: string, contributionId: string, note: string, actor: Principal): Promise<void> {
    const text = note.trim();
    if (!text || text.length > 1000) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('reason', 'validation.refundReason')]);
    const programme = await this.programmes.found(tenant.id, programmeId);
    const now = this.clock.now();
    try {
      await this.tx.run(async (em) => {
        const c = await this.contributions.lockContribution(em, { tenantId: tenant.id, id: contributionId });
        if (!c || c.programmeId !== programme.id) throw new DomainError('NOT_FOUND');
        if (c.status !== 'confirmed') throw new DomainError('CONTRIBUTION_NOT_REFUNDABLE', { status: c.status });
        this.pages.forget(tenant.id);
        const reversed = await this.money.reverseConfirmed(em, c);
        await this.contributions.updateContribution(em, c.id, { status: 'refund_due', endedAt: null, ...(reversed ? { confirmedAt: null } : {}) });
        await this.refunds.request(em, c, 'staff', now, { userId: actor.userId, note: text });
        await this.audit.record(em, {
          tenantId: tenant.id,
          actorUserId: actor.userId,
          action: 'contribution.refund_requested',
          subjectType: 'contribution',
          subjectId: c.id,
          data: { amountCents: c.amountCents, receiptNumber: c.receiptNumber, provider: c.provider, reason: text },
        });
      });
    } finally {
      this.pages.forget(tenant.id);
    }
  }

  /** "Retry now" on a failed refund: asked by the next job run, whatever its back-off said. */
  async retryNow(tenant: Tenant, programmeId: string, refundId: string, actor: Principal): Promise<void> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    await this.tx.run(async (em) => {
      const r = await this.refunds.lock(em, tenant.id, refundId);
      if (!r || r.programmeId !== programme.id) throw new DomainError('NOT_FOUND');
      if (!canRetry(r)) throw new DomainError('REFUND_STATE_CONFLICT');
      await this.refunds.update(em, r.id, { nextAttemptAt: this.clock.now() });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'refund.retried',
        subjectType: 'contribution',
        subjectId: r.contributionId,
        data: { refundId: r.id, attempts: r.attempts },
      });
    });
  }

  /** Staff made the refund themselves (in the operator's back office): recorded, audited, the contribution refunded. */
  async markRefundedByHand(tenant: Tenant, programmeId: string, refundId: string, actor: Principal): Promise<void> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const now = this.clock.now();
    await this.tx.run(async (em) => {
      // The contribution's lock first, then the refund's (the job's order).
      const found = await this.refunds.staffRow(tenant.id, programme.id, refundId);
      if (!found) throw new DomainError('NOT_FOUND');
      const c = await this.contributions.lockContribution(em, { tenantId: tenant.id, id: found.contributionId });
      const r = (await this.refunds.lock(em, tenant.id, refundId))!;
      if (!c || c.status !== 'refund_due' || !canMarkByHand(r)) throw new DomainError('REFUND_STATE_CONFLICT');
      await this.contributions.updateContribution(em, c.id, { status: 'refunded', endedAt: now });
      await this.refunds.confirmOfContribution(em, c.id, now, actor.userId);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'refund.marked_by_hand',
        subjectType: 'contribution',
        subjectId: c.id,
        data: { refundId: r.id, amountCents: c.amountCents, receiptNumber: c.receiptNumber, provider: c.provider },
      });
    });
  }
}

/** The provider a contribution was made with (older rows only know pledge and webhook). */
export function providerNameOf(name: string): PaymentProviderName {
  return name === 'webhook' || name === 'stripe' ? name : 'pledge';
}
