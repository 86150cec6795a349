import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { hashToken, newSecretToken } from '../auth/domain/tokens.js';
import type { Principal } from '../auth/principal.js';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Locale } from '../common/i18n/localized.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { answerDueAt, PRIVACY_LINK_TTL_MS } from './domain/requests.js';
import { type PersonalDataExport, PersonalDataService } from './personal-data.service.js';
import type { PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus } from './privacy-request.entity.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';

/** A link asked for the same address and purpose within this time is not sent again (silently). */
const LINK_INTERVAL_MS = 60_000;

/**
 * People's requests about their data. Export is self-service (signed in, or through a link e-mailed
 * to the address); an erasure request goes to the staff queue, where it is carried out or refused
 * within the month, and the person is told by e-mail either way.
 */
@Injectable()
export class PrivacyRequestsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: PrivacyRequestsRepository,
    private readonly data: PersonalDataService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
  ) {}

  /**
   * Anyone may ask for a link to their data: the answer never says whether the address is known. The
   * per-IP limit is about the caller; the same address gets at most one link a minute (silently), so
   * asking in someone's name can neither flood nor lock them out.
   */
  async requestLink(tenant: Tenant, emailKey: string, kind: PrivacyRequestKind, locale: Locale, ip: string): Promise<void> {
    await this.limiter.hit(`privacy-link:ip:${ip}`, 20, 15 * 60);
    const now = this.clock.now();
    await this.tx.run(async (em) => {
      await this.repo.lockAddress(em, tenant.id, emailKey);
      if (await this.repo.linkSince(em, tenant.id, emailKey, kind, new Date(now.getTime() - LINK_INTERVAL_MS))) return;
      const token = newSecretToken();
      await this.repo.insert(em, {
        tenantId: tenant.id,
        kind,
        emailKey,
        status: 'awaiting_confirmation',
        source: 'link',
        tokenHash: hashToken(token),
        tokenExpiresAt: new Date(now.getTime() + PRIVACY_LINK_TTL_MS),
        requestedAt: now,
        dueAt: answerDueAt(now),
      });
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'privacy-link',
        locale,
        to: emailKey,
        payload: { kind, link: `${await this.tenants.siteUrl(tenant, em)}/privacy/requests/${token}`, hours: PRIVACY_LINK_TTL_MS / 3600_000 },
      });
    });
  }

  /** The request behind an e-mailed link, while the link is valid (404 otherwise: a guessed link shows nothing). */
  async byLink(tenant: Tenant, token: string): Promise<PrivacyRequest> {
    return this.tx.run((em) => this.linked(em, tenant, token));
  }

  /** What the person of a link holds, and the request marked answered at the first download. */
  async exportByLink(tenant: Tenant, token: string): Promise<PersonalDataExport> {
    return this.tx.run(async (em) => {
      const r = await this.linked(em, tenant, token);
      if (r.kind !== 'export') throw new DomainError('PRIVACY_REQUEST_NOT_FOUND');
      const data = await this.exportOf(em, tenant, r.emailKey);
      if (r.status === 'awaiting_confirmation') await this.repo.update(em, r.id, { status: 'done', handledAt: this.clock.now() });
      return data;
    });
  }

  /** Opening the link and confirming files the erasure request in the staff queue (once). */
  async confirmErasureByLink(tenant: Tenant, token: string): Promise<PrivacyRequest> {
    return this.tx.run(async (em) => {
      const r = await this.linked(em, tenant, token);
      if (r.kind !== 'erasure') throw new DomainError('PRIVACY_REQUEST_NOT_FOUND');
      if (r.status !== 'awaiting_confirmation') return r;
      const open = await this.repo.openErasure(em, tenant.id, r.emailKey);
      if (open) {
        await this.repo.update(em, r.id, { status: 'done', handledAt: this.clock.now() });
        return open;
      }
      await this.repo.update(em, r.id, { status: 'open', requestedAt: this.clock.now(), dueAt: answerDueAt(this.clock.now()) });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: null,
        action: 'privacy.erasureRequested',
        subjectType: 'privacy_request',
        subjectId: r.id,
      });
      return (await this.repo.get(tenant.id, r.id, em))!;
    });
  }

  /** A signed-in person's own export (kept as an answered request: the authority can show it answered). */
  async exportForAccount(tenant: Tenant, principal: Principal): Promise<PersonalDataExport> {
    return this.tx.run(async (em) => {
      const now = this.clock.now();
      await this.repo.insert(em, {
        tenantId: tenant.id,
        kind: 'export',
        emailKey: principal.email,
        userId: principal.userId,
        status: 'done',
        source: 'account',
        requestedAt: now,
        dueAt: answerDueAt(now),
        handledAt: now,
      });
      return this.exportOf(em, tenant, principal.email);
    });
  }

  /** A signed-in person asks for erasure: one open request per person, however many times they ask. */
  async requestErasureForAccount(tenant: Tenant, principal: Principal): Promise<PrivacyRequest> {
    return this.tx.run(async (em) => {
      await this.repo.lockAddress(em, tenant.id, principal.email);
      const open = await this.repo.openErasure(em, tenant.id, principal.email);
      if (open) return open;
      const now = this.clock.now();
      const r = await this.repo.insert(em, {
        tenantId: tenant.id,
        kind: 'erasure',
        emailKey: principal.email,
        userId: principal.userId,
        status: 'open',
        source: 'account',
        requestedAt: now,
        dueAt: answerDueAt(now),
      });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: principal.userId,
        action: 'privacy.erasureRequested',
        subjectType: 'user',
        subjectId: principal.userId,
      });
      return r;
    });
  }

  /** What the authority holds about an address, as counts per kind (a page shows it before any download). */
  async heldFor(tenant: Tenant, emailKey: string): Promise<Array<{ name: string; rows: number }>> {
    return this.tx.run(async (em) => this.data.summary(await this.exportOf(em, tenant, emailKey)));
  }

  openErasureOf(tenant: Tenant, emailKey: string): Promise<PrivacyRequest | null> {
    return this.repo.openErasure(this.repo.manager, tenant.id, emailKey);
  }

  list(tenant: Tenant, status: PrivacyRequestStatus | undefined, limit: number, offset: number) {
    return this.repo.list(tenant.id, status, limit, offset);
  }

  countsByStatus(tenant: Tenant) {
    return this.repo.countsByStatus(tenant.id);
  }

  /** A request and, while it is open, what the authority holds about the person (counts per kind). */
  async get(tenant: Tenant, id: string): Promise<{ request: PrivacyRequest; held: Array<{ name: string; rows: number }> }> {
    return this.tx.run(async (em) => {
      const request = await this.repo.get(tenant.id, id, em);
      if (!request || request.status === 'awaiting_confirmation') throw new DomainError('PRIVACY_REQUEST_NOT_FOUND');
      const held = request.status === 'open' ? this.data.summary(await this.exportOf(em, tenant, request.emailKey)) : [];
      return { request, held };
    });
  }

  /** Carries out an open erasure request: every holder in one transaction, the person told, the request kept as proof. */
  async erase(tenant: Tenant, id: string, actor: Principal): Promise<PrivacyRequest> {
    return this.tx.run(async (em) => {
      const r = await this.openForUpdate(em, tenant, id);
      const subject = await this.data.subject(em, tenant.id, r.emailKey);
      const counts = await this.data.erase(em, subject, actor.userId);
      await this.outbox.enqueue(em, { tenantId: tenant.id, template: 'privacy-erased', locale: tenant.defaultLocale, to: r.emailKey, payload: {} });
      await this.repo.update(em, r.id, {
        status: 'done',
        handledAt: this.clock.now(),
        handledBy: actor.userId,
        pseudonym: subject.pseudonym,
        counts,
        userId: null,
      });
      return (await this.repo.get(tenant.id, r.id, em))!;
    });
  }

  /** Refuses an open request with the reason staff give (the person receives it, and may complain to the CNIL). */
  async refuse(tenant: Tenant, id: string, actor: Principal, reason: string): Promise<PrivacyRequest> {
    return this.tx.run(async (em) => {
      const r = await this.openForUpdate(em, tenant, id);
      await this.repo.update(em, r.id, { status: 'refused', handledAt: this.clock.now(), handledBy: actor.userId, refusal: reason });
      await this.outbox.enqueue(em, { tenantId: tenant.id, template: 'privacy-refused', locale: tenant.defaultLocale, to: r.emailKey, payload: { reason } });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'privacy.refused',
        subjectType: r.userId ? 'user' : 'privacy_request',
        subjectId: r.userId ?? r.id,
      });
      return (await this.repo.get(tenant.id, r.id, em))!;
    });
  }

  private async openForUpdate(em: EntityManager, tenant: Tenant, id: string): Promise<PrivacyRequest> {
    const r = await this.repo.lock(em, tenant.id, id);
    if (!r || r.status === 'awaiting_confirmation') throw new DomainError('PRIVACY_REQUEST_NOT_FOUND');
    if (r.status !== 'open' || r.kind !== 'erasure') throw new DomainError('PRIVACY_REQUEST_CLOSED', { status: r.status });
    return r;
  }

  private async linked(em: EntityManager, tenant: Tenant, token: string): Promise<PrivacyRequest> {
    const r = token.length >= 20 && token.length <= 100 ? await this.repo.byToken(em, hashToken(token)) : null;
    if (!r || r.tenantId !== tenant.id) throw new DomainError('PRIVACY_REQUEST_NOT_FOUND');
    if (!r.tokenExpiresAt || r.tokenExpiresAt.getTime() <= this.clock.now().getTime()) throw new DomainError('PRIVACY_LINK_EXPIRED');
    return r;
  }

  private async exportOf(em: EntityManager, tenant: Tenant, emailKey: string): Promise<PersonalDataExport> {
    return this.data.export(em, await this.data.subject(em, tenant.id, emailKey), tenant.name, this.clock.now());
  }
}
