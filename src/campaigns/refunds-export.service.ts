import { Injectable } from '@nestjs/common';
import { toCsv } from '../common/web/csv.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { REFUND_STATES, type RefundState } from './domain/refunds.js';
import { RefundsRepository } from './refunds.repository.js';

/** The refunds of a programme as a file, for the treasurer (what was given back, what is still owed, why). */
@Injectable()
export class RefundsExportService {
  constructor(
    private readonly repo: RefundsRepository,
    private readonly programmes: ProgrammesRepository,
  ) {}

  async programmeCsv(tenant: Tenant, programmeId: string, state: string | undefined): Promise<string> {
    if (state !== undefined && !REFUND_STATES.includes(state as RefundState)) {
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('state', 'validation.isIn', { values: REFUND_STATES.join(', ') })]);
    }
    const programme = await this.programmes.found(tenant.id, programmeId);
    const rows = await this.repo.programmeExport(tenant.id, programme.id, state ?? null);
    const iso = (v: Date | null) => (v ? new Date(v).toISOString() : '');
    return (
      '\uFEFF' +
      toCsv(
        [
          'refund',
          'contribution_reference',
          'campaign',
          'state',
          'cause',
          'provider',
          'amount_cents',
          'amount_eur',
          'email',
          'display_name',
          'receipt_number',
          'attempts',
          'reason',
          'provider_detail',
          'next_attempt_at',
          'asked_at',
          'confirmed_at',
          'requested_at',
          'note',
        ],
        rows.map((r) => [
          r.id,
          r.contributionId,
          r.campaignSlug,
          r.state,
          r.cause,
          r.provider,
          String(r.amountCents),
          (r.amountCents / 100).toFixed(2),
          r.email,
          r.displayName ?? '',
          r.receiptNumber ?? '',
          String(r.attempts),
          r.reason ?? '',
          r.detail ?? '',
          iso(r.nextAttemptAt),
          iso(r.askedAt),
          iso(r.confirmedAt),
          iso(r.createdAt),
          r.note,
        ]),
      )
    );
  }
}
