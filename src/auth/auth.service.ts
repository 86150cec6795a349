import type { Locale } from '../common/i18n/localized.js';
import { Inject, Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { assertOffered } from '../common/i18n/is-locale.js';
import type { CredentialRef, Principal } from './principal.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { CredentialsRepository, type UseInstants } from './credentials.repository.js';
import { hashToken, newSecretToken, normaliseEmail } from './domain/tokens.js';
import { RateLimiter } from './rate-limiter.service.js';
import { SessionsService } from './sessions.service.js';
import { type Role, User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** One address shared by many people (a town hall, a university) gets more attempts than one account. */
const IP_FACTOR = 5;
/** At most one e-mailed link per person per minute, whoever asks for it. */
const LINK_INTERVAL_MS = 60_000;
/** A session or token's expiry moves forward on use, but at most this often (one write an hour, not one per request). */
const SLIDE_EVERY_MS = 3_600_000;
const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Verifying against this when the e-mail is unknown keeps the response time the same either way. */
const DUMMY_HASH = argon2.hash('not a real password', { type: argon2.argon2id });

export interface InviteInput {
  email: string;
  displayName: string;
  role: Role;
  programmeId?: string | null;
  locale?: Locale;
  /** Where the invitation's link leads once used (their portal, their page). */
  next?: string;
}

/** Who presented a session cookie or bearer token, which credential it was, and whether its expiry just moved. */
export interface Authentication {
  principal: Principal;
  credential: CredentialRef;
  renewed: boolean;
}

export interface SignInRequestContext {
  tenant: Tenant;
  ip: string;
  locale: Locale;
  baseUrl: string;
  next?: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly users: UsersRepository,
    private readonly credentials: CredentialsRepository,
    private readonly sessions: SessionsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * E-mails a one-time sign-in link if the address is known to the tenant. The answer is the same
   * whether it is known or not, so the form cannot be used to find who has an account.
   *
   * Link requests count in their own buckets, never in those of password failures: asking for links
   * in someone's name cannot lock them out. The per-IP limit is about the caller (429); the
   * per-person limit, one e-mail a minute, is silent (the request is accepted and nothing is sent),
   * so the answer tells neither whether the address exists nor whether it was throttled.
   */
  async requestSignInLink(rawEmail: string, ctx: SignInRequestContext): Promise<void> {
    const email = normaliseEmail(rawEmail);
    await this.limiter.hit(`sign-in-link:ip:${ctx.ip}`, this.config.signInRateLimit * IP_FACTOR, SIGN_IN_WINDOW_SECONDS);
    await this.tx.run(async (em) => {
      const user = await this.users.findByEmail(ctx.tenant.id, email, em);
      if (!user) return;
      // The row lock makes "was a link sent in the last minute?" and the new link one decision.
      await this.users.lock(em, ctx.tenant.id, user.id);
      if (await this.credentials.linkIssuedSince(em, ctx.tenant.id, user.id, new Date(this.clock.now().getTime() - LINK_INTERVAL_MS))) return;
      await this.issueLink(em, ctx.tenant, user, ctx.baseUrl, 'sign-in-link', ctx.next, user.locale ?? ctx.locale);
    });
  }

  /** Creates a link and queues its e-mail (template: sign-in-link, or an invitation). Returns the URL. */
  async issueLink(
    em: EntityManager,
    tenant: Tenant,
    user: User,
    baseUrl: string,
    template: 'sign-in-link' | 'invitation',
    next?: string,
    locale: Locale = user.locale ?? tenant.defaultLocale,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const url = await this.createLink(em, tenant.id, user.id, baseUrl, next);
    await this.outbox.enqueue(em, {
      tenantId: tenant.id,
      template,
      locale,
      to: user.email,
      toName: user.displayName,
      payload: { link: url, name: user.displayName, minutes: this.config.signInLinkTtlMinutes, ...extra },
    });
    return url;
  }

  /** A one-time link; only the token's hash is stored. */
  async createLink(
    em: EntityManager,
    tenantId: string,
    userId: string,
    baseUrl: string,
    next?: string,
    ttlMinutes = this.config.signInLinkTtlMinutes,
  ): Promise<string> {
    const token = newSecretToken();
    const now = this.clock.now();
    await this.credentials.insertLink(em, tenantId, userId, hashToken(token), next ?? null, now, new Date(now.getTime() + ttlMinutes * 60_000));
    return `${baseUrl}/sign-in/link/${token}`;
  }

  /** Consumes a link exactly once: the UPDATE is the check. Returns the user and where to go next. */
  async consumeLink(tenant: Tenant, token: string): Promise<{ user: User; next: string | null }> {
    const used = await this.credentials.consumeLink(tenant.id, hashToken(token), this.clock.now());
    if (!used) throw new DomainError('SIGN_IN_LINK_INVALID');
    const user = await this.users.findById(tenant.id, used.userId);
    if (!user) throw new DomainError('SIGN_IN_LINK_INVALID');
    return { user, next: used.redirectTo };
  }

  /**
   * Checks a password. Only failures count, per (address, IP) and per IP (generously: a town hall
   * shares one): someone guessing from elsewhere, or asking for links, never blocks the person's own
   * correct password from their address. Each attempt takes its units before the check (so parallel
   * guesses cannot overshoot) and a success gives them back.
   */
  async verifyPassword(tenant: Tenant, rawEmail: string, password: string, ip: string): Promise<User> {
    const email = normaliseEmail(rawEmail);
    const reservation = await this.limiter.reserve(
      [
        { key: `password-failures:ip:${ip}`, limit: this.config.signInRateLimit * IP_FACTOR },
        { key: `password-failures:address:${tenant.id}:${ip}:${email}`, limit: this.config.signInRateLimit },
      ],
      SIGN_IN_WINDOW_SECONDS,
    );
    const user = await this.users.findByEmail(tenant.id, email);
    const ok = user?.passwordHash
      ? await argon2.verify(user.passwordHash, password).catch(() => false)
      : await argon2.verify(await DUMMY_HASH, password).then(
          () => false,
          () => false,
        );
    if (!user || !ok) throw new DomainError('CREDENTIALS_INVALID');
    await this.limiter.release(reservation);
    return user;
  }

  /**
   * A person sets a new password: every other session and token of theirs ends (a thief's included),
   * the one making the change stays.
   */
  async changePassword(tenantId: string, userId: string, password: string, keep: CredentialRef | undefined): Promise<number> {
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    return this.tx.run(async (em) => {
      await this.users.setPassword(em, tenantId, userId, hash);
      const ended = await this.sessions.revokeAll(em, tenantId, userId, keep);
      await this.audit.record(em, {
        tenantId,
        actorUserId: userId,
        action: 'person.password_changed',
        subjectType: 'user',
        subjectId: userId,
        data: { sessionsEnded: ended },
      });
      return ended;
    });
  }

  /** A person's own language (their pages and e-mails): one the authority offers, or null to follow the site's. */
  async setLocale(tenant: Tenant, userId: string, locale: Locale | null): Promise<void> {
    assertOffered(tenant.languages, locale);
    await this.tx.run((em) => this.users.setLocale(em, tenant.id, userId, locale));
  }

  /** The person's own language, null when they follow the site's. */
  async localeOf(tenantId: string, userId: string): Promise<Locale | null> {
    return (await this.users.findById(tenantId, userId))?.locale ?? null;
  }

  /**
   * Sets a password without ending any session: for setting up people who are not signed in yet (demo
   * data, tests). A person changing their own password goes through changePassword.
   */
  async setPassword(tenantId: string, userId: string, password: string): Promise<void> {
    const hash = await argon2.hash(password, { type: argon2.argon2id });
    await this.tx.run((em) => this.users.setPassword(em, tenantId, userId, hash));
  }

  /** A browser session, for SESSION_TTL_DAYS after its last use. Returns the cookie's secret. */
  async createSession(tenantId: string, userId: string): Promise<string> {
    const token = newSecretToken();
    const now = this.clock.now();
    await this.credentials.insertSession(tenantId, userId, hashToken(token), now, new Date(now.getTime() + this.config.sessionTtlDays * DAY_MS));
    return token;
  }

  async endSession(token: string): Promise<void> {
    await this.credentials.deleteSession(hashToken(token));
  }

  /** An API bearer token, for API_TOKEN_TTL_DAYS after its last use. Returns the secret (shown once). */
  async createApiToken(tenantId: string, userId: string, name: string): Promise<string> {
    const token = `tpl_${newSecretToken()}`;
    const now = this.clock.now();
    await this.credentials.insertApiToken(tenantId, userId, hashToken(token), name, now, new Date(now.getTime() + this.config.apiTokenTtlDays * DAY_MS));
    return token;
  }

  /**
   * Who is behind a session cookie or a bearer token, in this tenant only; expired and revoked ones
   * identify nobody. A use moves the expiry forward (at most once an hour): `renewed` tells the caller
   * to renew the cookie too.
   */
  async authenticate(tenantId: string, credential: { session?: string; bearer?: string }): Promise<Authentication | undefined> {
    const now = this.clock.now();
    const instants = (ttlDays: number): UseInstants => ({
      now,
      expiresAt: new Date(now.getTime() + ttlDays * DAY_MS),
      slideIfUsedBefore: new Date(now.getTime() - SLIDE_EVERY_MS),
    });
    const kind = credential.bearer ? 'token' : 'session';
    const found = credential.bearer
      ? await this.credentials.useApiToken(tenantId, hashToken(credential.bearer), instants(this.config.apiTokenTtlDays))
      : credential.session
        ? await this.credentials.useSession(tenantId, hashToken(credential.session), instants(this.config.sessionTtlDays))
        : undefined;
    if (!found) return undefined;
    const principal = await this.users.principal(tenantId, found.userId, kind);
    if (!principal) return undefined;
    return { principal, credential: { kind, id: found.id }, renewed: found.renewed };
  }

  /**
   * Adds a person with a role (staff inviting a juror, a coach, a colleague...) and e-mails them a
   * sign-in link. Idempotent: inviting twice grants once.
   */
  async invite(tenant: Tenant, actorUserId: string, input: InviteInput, baseUrl: string): Promise<{ user: User; granted: boolean }> {
    return this.tx.run((em) => this.inviteIn(em, tenant, actorUserId, input, baseUrl));
  }

  /** The invitation inside an outer transaction (a platform admin creating an authority and its first staff). */
  async inviteIn(
    em: EntityManager,
    tenant: Tenant,
    actorUserId: string | null,
    input: InviteInput,
    baseUrl: string,
  ): Promise<{ user: User; granted: boolean; link?: string }> {
    assertOffered(tenant.languages, input.locale);
    const email = normaliseEmail(input.email);
    if (input.programmeId) {
      const found = await em.query('SELECT 1 FROM programme WHERE id = $1 AND tenant_id = $2', [input.programmeId, tenant.id]);
      if (!found.length) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('programmeId', 'validation.noSuchProgramme')]);
    }
    const user = await this.users.upsert(em, tenant.id, email, input.displayName, input.locale ?? null);
    const granted = await this.users.grant(em, tenant.id, user.id, input.role, input.programmeId ?? null);
    let link: string | undefined;
    if (granted) {
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'person.role_granted',
        subjectType: 'user',
        subjectId: user.id,
        data: { role: input.role, programmeId: input.programmeId ?? null, email },
      });
      link = await this.issueLink(em, tenant, user, baseUrl, 'invitation', input.next, user.locale ?? input.locale ?? tenant.defaultLocale, {
        role: input.role,
      });
    }
    return { user, granted, link };
  }

  /**
   * Removes one role of a person. The authority always keeps a staff member: removing its last
   * tenant-wide staff grant, or one's own staff grant, is refused (409); a platform administrator's
   * grant only a platform administrator removes. The person's sessions stay: what they may do is read
   * from their grants at each request.
   */
  async revokeRole(tenantId: string, actor: Principal, userId: string, grantId: string): Promise<{ role: Role; programmeId: string | null }> {
    return this.tx.run(async (em) => {
      const user = UUID.test(userId) ? await this.users.findById(tenantId, userId, em) : null;
      if (!user) throw new DomainError('PERSON_NOT_FOUND');
      const grant = UUID.test(grantId) ? (await this.users.grants(tenantId, userId, em)).find((g) => g.id === grantId) : undefined;
      if (!grant) throw new DomainError('GRANT_NOT_FOUND');
      if (grant.role === 'platform_admin' && !actor.roles.includes('platform_admin')) throw new DomainError('GRANT_REMOVAL_FORBIDDEN');
      if (grant.role === 'staff') {
        if (userId === actor.userId) throw new DomainError('OWN_STAFF_GRANT');
        // One decision per authority at a time: two staff removing each other cannot both pass.
        await this.users.lockStaffGrants(em, tenantId);
        if (!grant.programmeId && (await this.users.countWideStaff(em, tenantId)) <= 1) throw new DomainError('LAST_STAFF_GRANT');
      }
      const removed = await this.users.revokeGrant(em, tenantId, userId, grantId);
      if (!removed) throw new DomainError('GRANT_NOT_FOUND');
      await this.audit.record(em, {
        tenantId,
        actorUserId: actor.userId,
        action: 'person.role_revoked',
        subjectType: 'user',
        subjectId: userId,
        data: { email: user.email, role: removed.role, programmeId: removed.programmeId },
      });
      return removed;
    });
  }

  /**
   * E-mails the invitation again, with a new one-time link, to a person who still holds a role. At most
   * one e-mailed link a minute per person, as for sign-in links (429 here: staff asked, they may know).
   */
  async resendInvitation(tenant: Tenant, actorUserId: string, userId: string, baseUrl: string): Promise<User> {
    return this.tx.run(async (em) => {
      const user = UUID.test(userId) ? await this.users.findById(tenant.id, userId, em) : null;
      if (!user) throw new DomainError('PERSON_NOT_FOUND');
      await this.users.lock(em, tenant.id, user.id);
      const grants = (await this.users.grants(tenant.id, userId, em)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      if (!grants.length) throw new DomainError('PERSON_WITHOUT_ACCESS');
      if (await this.credentials.linkIssuedSince(em, tenant.id, user.id, new Date(this.clock.now().getTime() - LINK_INTERVAL_MS))) {
        throw new DomainError('INVITATION_TOO_SOON');
      }
      await this.issueLink(em, tenant, user, baseUrl, 'invitation', undefined, user.locale ?? tenant.defaultLocale, { role: grants[0].role });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'person.invitation_resent',
        subjectType: 'user',
        subjectId: userId,
        data: { email: user.email },
      });
      return user;
    });
  }

  /** Expired sessions and tokens, revoked tokens, and links a day past their expiry. */
  purgeExpired(): Promise<void> {
    return this.credentials.purgeExpired(this.clock.now());
  }
}
