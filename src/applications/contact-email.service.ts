import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { hashToken, newSecretToken } from '../auth/domain/tokens.js';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { Application } from './application.entity.js';
import { ApplicationsRepository } from './applications.repository.js';

/** A contact address's confirmation link lasts a week; an application may ask for a few an hour. */
const CONTACT_EMAIL_TTL_MS = 7 * 86_400_000;
const CONTACT_EMAILS_PER_HOUR = 5;

/** A contact address other than the applicant's own: confirmed by a link before it receives anything. */
@Injectable()
export class ContactEmailService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
  ) {}

  /**
   * Sends a confirmation link to a contact address that is not the applicant's own (at most once per
   * address while its link is valid, and a few times an hour per application).
   */
  async askToConfirm(em: EntityManager, tenant: Tenant, app: Application, email: string): Promise<void> {
    const now = this.clock.now();
    const pending = await this.applications.pendingContactEmail(tenant.id, app.id, now, em);
    if (pending?.email === email) return;
    await this.limiter.hit(`contact-email:${app.id}`, CONTACT_EMAILS_PER_HOUR, 3600);
    const token = newSecretToken();
    await this.applications.addContactEmail(em, {
      tenantId: tenant.id,
      applicationId: app.id,
      email,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + CONTACT_EMAIL_TTL_MS),
    });
    await this.outbox.enqueue(em, {
      tenantId: tenant.id,
      template: 'application-contact-email',
      locale: app.locale,
      to: email,
      toName: app.applicantName,
      payload: {
        name: app.applicantName,
        title: app.title,
        days: CONTACT_EMAIL_TTL_MS / 86_400_000,
        link: `${await this.tenants.siteUrl(tenant, em)}/applications/contact-email/${token}`,
      },
    });
  }

  /** What a confirmation link is about, to show before it is used (mail scanners open links). */
  async link(tenant: Tenant, token: string): Promise<{ email: string; title: string; locale: string }> {
    const row = await this.applications.contactEmailByToken(tenant.id, hashToken(token), this.clock.now());
    const app = row && (await this.applications.get(tenant.id, row.applicationId));
    if (!row || !app) throw new DomainError('CONTACT_EMAIL_LINK_INVALID');
    return { email: row.email, title: app.title, locale: app.locale };
  }

  /** Confirms a contact address: from now on the application's e-mails go there. */
  async confirm(tenant: Tenant, token: string): Promise<{ applicationId: string; email: string }> {
    return this.tx.run(async (em) => {
      const confirmed = await this.applications.confirmContactEmail(em, tenant.id, hashToken(token), this.clock.now());
      if (!confirmed) throw new DomainError('CONTACT_EMAIL_LINK_INVALID');
      await this.applications.update(em, confirmed.applicationId, { email: confirmed.email });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: null,
        action: 'application.contact_email_confirmed',
        subjectType: 'application',
        subjectId: confirmed.applicationId,
        data: { email: confirmed.email },
      });
      return confirmed;
    });
  }

  /** The contact address waiting for confirmation, for the applicant's form. */
  async pending(tenant: Tenant, app: Application): Promise<string | null> {
    return (await this.applications.pendingContactEmail(tenant.id, app.id, this.clock.now()))?.email ?? null;
  }
}
