import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { hasRole, type CredentialRef, type Principal } from './principal.js';
import { CredentialsRepository } from './credentials.repository.js';
import { UsersRepository } from './users.repository.js';

/** What a person or staff see of a session: never its secret nor the secret's hash. */
export interface SessionSummary {
  /** Stable, non-secret id, to end this one. */
  id: string;
  /** A signed-in browser, or a bearer token of the API. */
  kind: 'session' | 'token';
  /** An API token's name ("password", "sign-in link"...); null for a browser. */
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where a person is signed in, and ending it: by themselves ("sign out everywhere"), when their
 * password changes, or by staff (one session, or all access). Staff pages call these methods too.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly credentials: CredentialsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Ends every session and API token of the person in the tenant, but `keep` when given; returns how many ended. */
  revokeAll(em: EntityManager, tenantId: string, userId: string, keep?: CredentialRef): Promise<number> {
    return this.credentials.revokeAll(em, tenantId, userId, this.clock.now(), keep);
  }

  /** The person's live sessions and tokens; PERSON_NOT_FOUND for a person this tenant does not have. */
  async listSessions(tenantId: string, userId: string): Promise<SessionSummary[]> {
    await this.personOf(tenantId, userId);
    return this.credentials.listLive(tenantId, userId, this.clock.now());
  }

  /** Ends one session or token of the person; staff doing it for someone is audited. */
  async revokeSession(tenantId: string, userId: string, sessionId: string, actorUserId: string | null = null): Promise<void> {
    await this.tx.run(async (em) => {
      await this.personOf(tenantId, userId, em);
      const ended = UUID.test(sessionId) && (await this.credentials.revokeOne(em, tenantId, userId, sessionId, this.clock.now()));
      if (!ended) throw new DomainError('SESSION_NOT_FOUND');
      if (actorUserId && actorUserId !== userId) {
        await this.audit.record(em, {
          tenantId,
          actorUserId,
          action: 'person.session_revoked',
          subjectType: 'user',
          subjectId: userId,
          data: { sessionId },
        });
      }
    });
  }

  /** "Sign out everywhere": every session and token of the person, the one asking included. */
  signOutEverywhere(tenantId: string, userId: string): Promise<number> {
    return this.tx.run(async (em) => {
      const ended = await this.revokeAll(em, tenantId, userId);
      await this.audit.record(em, {
        tenantId,
        actorUserId: userId,
        action: 'person.signed_out_everywhere',
        subjectType: 'user',
        subjectId: userId,
        data: { ended },
      });
      return ended;
    });
  }

  /**
   * Staff take away a person's access to the tenant: every role grant, every session and token, in one
   * transaction, audited. Nobody removes their own access (the last staff member could lock the
   * authority out), and only a platform administrator removes a platform administrator's.
   */
  async removeAccess(tenantId: string, actor: Principal, userId: string): Promise<{ rolesRemoved: number; sessionsEnded: number }> {
    return this.tx.run(async (em) => {
      const user = await this.personOf(tenantId, userId, em);
      if (user.id === actor.userId) throw new DomainError('ACCESS_SELF_REMOVAL');
      if (!(await this.users.lock(em, tenantId, userId))) throw new DomainError('PERSON_NOT_FOUND');
      const grants = await this.users.grants(tenantId, userId, em);
      if (grants.some((g) => g.role === 'platform_admin') && !hasRole(actor, ['platform_admin'])) throw new DomainError('ACCESS_REMOVAL_FORBIDDEN');
      const removed = await this.users.revokeGrants(em, tenantId, userId);
      const sessionsEnded = await this.revokeAll(em, tenantId, userId);
      await this.audit.record(em, {
        tenantId,
        actorUserId: actor.userId,
        action: 'person.access_removed',
        subjectType: 'user',
        subjectId: userId,
        data: { email: user.email, roles: removed, sessionsEnded },
      });
      return { rolesRemoved: removed.length, sessionsEnded };
    });
  }

  private async personOf(tenantId: string, userId: string, em?: EntityManager) {
    const user = UUID.test(userId) ? await this.users.findById(tenantId, userId, em) : null;
    if (!user) throw new DomainError('PERSON_NOT_FOUND');
    return user;
  }
}
