import { Injectable } from '@nestjs/common';
import { toCsv } from '../applications/domain/export.js';
import { fieldProblem, DomainError } from '../common/errors/domain-error.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { ContributionsRepository } from './contributions.repository.js';

/** The contributions of a programme as a file, for staff and the payment operator. */
@Injectable()
export class ContributionsExportService {
  constructor(
    private readonly repo: ContributionsRepository,
    private readonly programmes: ProgrammesRepository,
  ) {}

  /**
   * Every contribution of a programme for staff and the payment operator (e.g. `?status=refund_due`: the
   * refunds to make in the provider's back office), in one CSV.
   */
  async programmeCsv(tenant: Tenant, programmeId: string, status: string | undefined): Promise<string> {
    const statuses = ['pending', 'confirmed', 'failed', 'expired', 'refund_due', 'refunded'];
    if (status !== undefined && !statuses.includes(status)) {
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('status', 'validation.isIn', { values: statuses.join(', ') })]);
    }
    const programme = await this.programmes.found(tenant.id, programmeId);
    const rows = await this.repo.programmeExport(tenant.id, programme.id, status ?? null);
    const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : '');
    return (
      '\uFEFF' +
      toCsv(
        [
          'reference',
          'campaign',
          'status',
          'provider',
          'provider_ref',
          'amount_cents',
          'amount_eur',
          'matched_cents',
          'email',
          'display_name',
          'anonymous',
          'receipt_number',
          'created_at',
          'confirmed_at',
          'ended_at',
        ],
        rows.map((r) => [
          String(r.id),
          String(r.slug),
          String(r.status),
          String(r.provider),
          String(r.provider_ref ?? ''),
          String(r.amount_cents),
          (Number(r.amount_cents) / 100).toFixed(2),
          String(r.matched_cents),
          String(r.email),
          String(r.display_name ?? ''),
          r.anonymous ? 'yes' : 'no',
          String(r.receipt_number ?? ''),
          iso(r.created_at),
          iso(r.confirmed_at),
          iso(r.ended_at),
        ]),
      )
    );
  }
}
