import { Inject, Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Principal } from '../common/web/request-context.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { hashToken, newSecretToken, normaliseEmail } from './domain/tokens.js';
import { RateLimiter } from './rate-limiter.service.js';
import { type Role, User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** One address shared by many people (a town hall, a university) gets more attempts than one account. */
const IP_FACTOR = 5;
/** Verifying against this when the e-mail is unknown keeps the response time the same either way. */
const DUMMY_HASH = argon2.hash('not a real password', { type: argon2.argon2id });

export interface InviteInput {
  email: string;
  displayName: string;
  role: Role;
  programmeId?: string | null;
  locale?: 'fr' | 'en';
}

export interface SignInRequestContext {
  tenant: Tenant;
  ip: string;
  locale: 'fr' | 'en';
  baseUrl: string;
  next?: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly tx: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * E-mails a one-time sign-in link if the address is known to the tenant. The answer is the same
   * whether it is known or not, so the form cannot be used to find who has an account.
   */
  async requestSignInLink(rawEmail: string, ctx: SignInRequestContext): Promise<void> {
    const email = normaliseEmail(rawEmail);
    await this.limiter.hit(`sign-in:ip:${ctx.ip}`, this.config.signInRateLimit * IP_FACTOR, SIGN_IN_WINDOW_SECONDS);
    await this.limiter.hit(`sign-in:email:${ctx.tenant.id}:${email}`, this.config.signInRateLimit, SIGN_IN_WINDOW_SECONDS);
    await this.tx.run(async (em) => {
      const user = await this.users.findByEmail(ctx.tenant.id, email, em);
      if (!user) return;
      await this.issueLink(em, ctx.tenant, user, ctx.baseUrl, 'sign-in-link', ctx.next, user.locale ?? ctx.locale);
    });
  }

  /** Creates a link and queues its e-mail (template: sign-in-link, or an invitation). Returns the URL. */
  async issueLink(
    em: EntityManager, tenant: Tenant, user: User, baseUrl: string, template: string, next?: string,
    locale: 'fr' | 'en' = user.locale ?? tenant.defaultLocale, extra: Record<string, unknown> = {},
  ): Promise<string> {
    const url = await this.createLink(em, tenant.id, user.id, baseUrl, next);
    await this.outbox.enqueue(em, {
      tenantId: tenant.id, template, locale, to: user.email, toName: user.displayName,
      payload: { link: url, name: user.displayName, minutes: this.config.signInLinkTtlMinutes, ...extra },
    });
    return url;
  }

  /** A one-time link; only the token's hash is stored. */
  async createLink(em: EntityManager, tenantId: string, userId: string, baseUrl: string, next?: string, ttlMinutes = this.config.signInLinkTtlMinutes): Promise<string> {
    const token = newSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + ttlMinutes * 60_000);
    await em.query(
      `INSERT INTO sign_in_link (tenant_id, user_id, token_hash, redirect_to, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [tenantId, userId, hashToken(token), next ?? null, expiresAt],
    );
    return `${baseUrl}/sign-in/link/${token}`;
  }

  /** Consumes a link exactly once: the UPDATE is the check. Returns the user and where to go next. */
  async consumeLink(tenant: Tenant, token: string): Promise<{ user: User; next: string | null }> {
    const rows: Array<{ user_id: string; redirect_to: string | null }> = (await this.ds.query(
      `UPDATE sign_in_link SET used_at = $3
       WHERE token_hash = $1 AND tenant_id = $2 AND used_at IS NULL AND expires_at > $3
       RETURNING user_id, redirect_to`,
      [hashToken(token), tenant.id, this.clock.now()],
    ))[0];
    if (!rows.length) throw new DomainError('SIGN_IN_LINK_INVALID');
    const user = await this.users.findById(tenant.id, rows[0].user_id);
    if (!user) throw new DomainError('SIGN_IN_LINK_INVALID');
    return { user, next: rows[0].redirect_to };
  }

  async verifyPassword(tenant: Tenant, rawEmail: string, password: string, ip: string): Promise<User> {
    const email = normaliseEmail(rawEmail);
    await this.limiter.hit(`sign-in:ip:${ip}`, this.config.signInRateLimit * IP_FACTOR, SIGN_IN_WINDOW_SECONDS);
    await this.limiter.hit(`sign-in:email:${tenant.id}:${email}`, this.config.signInRateLimit, SIGN_IN_WINDOW_SECONDS);
    const user = await this.users.findByEmail(tenant.id, email);
    const ok = user?.passwordHash
      ? await argon2.verify(user.passwordHash, password).catch(() => false)
      : await argon2.verify(await DUMMY_HASH, password).then(() => false, () => false);
    if (!user || !ok) throw new DomainError('CREDENTIALS_INVALID');
    return user;
  }

  async setPassword(tenantId: string, userId: string, password: string): Promise<void> {
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    await this.tx.run((em) => this.users.setPassword(em, tenantId, userId, hash));
  }

  async createSession(tenantId: string, userId: string): Promise<string> {
    const token = newSecretToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.config.sessionTtlDays * 86_400_000);
    await this.ds.query(
      `INSERT INTO web_session (token_hash, tenant_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [hashToken(token), tenantId, userId, this.clock.now(), expiresAt],
    );
    return token;
  }

  async endSession(token: string): Promise<void> {
    await this.ds.query('DELETE FROM web_session WHERE token_hash = $1', [hashToken(token)]);
  }

  async createApiToken(tenantId: string, userId: string, name: string): Promise<string> {
    const token = `tpl_${newSecretToken()}`;
    await this.ds.query(
      `INSERT INTO api_token (tenant_id, user_id, token_hash, name, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [tenantId, userId, hashToken(token), name, this.clock.now()],
    );
    return token;
  }

  /** Who is behind a session cookie or a bearer token, in this tenant only. */
  async principalFor(tenantId: string, credential: { session?: string; bearer?: string }): Promise<Principal | undefined> {
    let userId: string | undefined;
    let via: Principal['via'] = 'session';
    if (credential.bearer) {
      via = 'token';
      const rows = await this.ds.query(
        `SELECT user_id FROM api_token WHERE token_hash = $1 AND tenant_id = $2 AND revoked_at IS NULL`,
        [hashToken(credential.bearer), tenantId],
      );
      userId = rows[0]?.user_id;
    } else if (credential.session) {
      const rows = await this.ds.query(
        `SELECT user_id FROM web_session WHERE token_hash = $1 AND tenant_id = $2 AND expires_at > $3`,
        [hashToken(credential.session), tenantId, this.clock.now()],
      );
      userId = rows[0]?.user_id;
    }
    if (!userId) return undefined;
    const rows: Array<{ email: string; display_name: string; role: Role | null; programme_id: string | null }> = await this.ds.query(
      `SELECT u.email, u.display_name, g.role, g.programme_id
       FROM app_user u LEFT JOIN role_grant g ON g.user_id = u.id AND g.tenant_id = u.tenant_id
       WHERE u.id = $1 AND u.tenant_id = $2`,
      [userId, tenantId],
    );
    if (!rows.length) return undefined;
    const principal: Principal = { userId, email: rows[0].email, displayName: rows[0].display_name, roles: [], programmeRoles: {}, via };
    for (const r of rows) {
      if (!r.role) continue;
      if (r.programme_id) (principal.programmeRoles[r.programme_id] ??= []).push(r.role);
      else principal.roles.push(r.role);
    }
    return principal;
  }

  /**
   * Adds a person with a role (staff inviting a juror, a coach, a colleague...) and e-mails them a
   * sign-in link. Idempotent: inviting twice grants once.
   */
  async invite(
    tenant: Tenant, actorUserId: string, input: InviteInput, baseUrl: string,
  ): Promise<{ user: User; granted: boolean }> {
    return this.tx.run((em) => this.inviteIn(em, tenant, actorUserId, input, baseUrl));
  }

  /** The invitation inside an outer transaction (a platform admin creating an authority and its first staff). */
  async inviteIn(em: EntityManager, tenant: Tenant, actorUserId: string | null, input: InviteInput, baseUrl: string): Promise<{ user: User; granted: boolean; link?: string }> {
    const email = normaliseEmail(input.email);
    if (input.programmeId) {
      const found = await em.query('SELECT 1 FROM programme WHERE id = $1 AND tenant_id = $2', [input.programmeId, tenant.id]);
      if (!found.length) throw new DomainError('VALIDATION_FAILED', {}, [{ field: 'programmeId', message: 'no such programme' }]);
    }
    const user = await this.users.upsert(em, tenant.id, email, input.displayName, input.locale ?? null);
    const granted = await this.users.grant(em, tenant.id, user.id, input.role, input.programmeId ?? null);
    let link: string | undefined;
    if (granted) {
      await this.audit.record(em, {
        tenantId: tenant.id, actorUserId, action: 'person.role_granted', subjectType: 'user', subjectId: user.id,
        data: { role: input.role, programmeId: input.programmeId ?? null, email },
      });
      link = await this.issueLink(em, tenant, user, baseUrl, 'invitation', undefined, user.locale ?? tenant.defaultLocale, { role: input.role });
    }
    return { user, granted, link };
  }

  async purgeExpired(): Promise<void> {
    const now = this.clock.now();
    await this.ds.query('DELETE FROM web_session WHERE expires_at < $1', [now]);
    await this.ds.query(`DELETE FROM sign_in_link WHERE expires_at < $1`, [new Date(now.getTime() - 86_400_000)]);
  }
}
