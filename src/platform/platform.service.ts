import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hashToken, newSecretToken, normaliseEmail } from '../auth/domain/tokens.js';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { AuthService } from '../auth/auth.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { languageProblems } from '../common/i18n/is-locale.js';
import type { Locale } from '../common/i18n/localized.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { EmailRenderer } from '../notifications/email-renderer.service.js';
import { createMailTransport } from '../notifications/mail-transport.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { CreateAuthorityDto, UpdateAuthorityDto } from './dto/platform.dto.js';
import type { PlatformAdmin } from './platform-admin.entity.js';
import { PlatformRepository } from './platform.repository.js';
import { PlatformReadModel } from './platform.read-model.js';

/** Who did it, for the audit log: a platform admin's e-mail, or the command line. */
type Actor = Pick<PlatformAdmin, 'email'>;

const LINK_TTL_MINUTES = 30;
const SESSION_DAYS = 1;
const TOKEN_DAYS = 30;

/** The installation's own sender for platform admins' e-mails (they belong to no authority). */
const PLATFORM_BRAND = {
  id: '00000000-0000-0000-0000-000000000000',
  slug: '_platform',
  name: 'Tremplin',
  logoUrl: null,
  primaryColor: '#1f4e9c',
  accentColor: '#b3541e',
  senderName: 'Tremplin',
  languages: ['en'],
  defaultLocale: 'en',
  timeZone: 'Europe/Paris',
  suspendedAt: null,
} as const;

/**
 * Running the installation: platform admins, their sign-in, and the authorities they add, edit,
 * suspend and reactivate (each with a first staff member invited by e-mail).
 */
@Injectable()
export class PlatformService {
  private readonly logger = new Logger('Platform');

  constructor(
    private readonly repo: PlatformRepository,
    private readonly read: PlatformReadModel,
    private readonly tenants: TenantsService,
    private readonly auth: AuthService,
    private readonly tx: TransactionRunner,
    private readonly limiter: RateLimiter,
    private readonly renderer: EmailRenderer,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The base of platform links: PUBLIC_URL, never a request header. */
  get baseUrl(): string {
    return this.config.publicUrl ?? `http://localhost:${this.config.port}`;
  }

  /** Creates a platform admin (idempotent) and returns a one-time sign-in link, also e-mailed. */
  async createAdmin(rawEmail: string, displayName?: string): Promise<{ admin: PlatformAdmin; created: boolean; link: string }> {
    const email = normaliseEmail(rawEmail);
    const { admin, created, link } = await this.tx.run(async (em) => {
      const made = await this.repo.upsertAdmin(em, email, displayName?.trim() || email.split('@')[0]);
      return { ...made, link: await this.newLink(made.admin.id, em) };
    });
    await this.mailLink(admin, link);
    return { admin, created, link };
  }

  /** Same answer whether the address is an admin or not; at most one e-mail a minute per address. */
  async requestLink(rawEmail: string, ip: string, locale = 'en'): Promise<void> {
    const email = normaliseEmail(rawEmail);
    await this.limiter.hit(`platform-link:ip:${ip}`, 20, 15 * 60);
    const admin = await this.repo.adminByEmail(email);
    if (!admin) return;
    try {
      await this.limiter.hit(`platform-link:email:${email}`, 1, 60);
    } catch {
      return; // already sent within the minute: say nothing more
    }
    await this.mailLink(admin, await this.newLink(admin.id), locale);
  }

  async consumeLink(token: string): Promise<PlatformAdmin> {
    const adminId = await this.repo.useLink(hashToken(token), this.clock.now());
    const admin = adminId ? await this.repo.adminById(adminId) : null;
    if (!admin) throw new DomainError('SIGN_IN_LINK_INVALID');
    return admin;
  }

  async createCredential(adminId: string, kind: 'session' | 'token'): Promise<string> {
    const token = kind === 'token' ? `tpp_${newSecretToken()}` : newSecretToken();
    const days = kind === 'token' ? TOKEN_DAYS : SESSION_DAYS;
    await this.repo.addCredential(this.repo.manager, {
      adminId,
      kind,
      tokenHash: hashToken(token),
      expiresAt: new Date(this.clock.now().getTime() + days * 86_400_000),
    });
    return token;
  }

  adminFor(credential: { bearer?: string; session?: string }): Promise<PlatformAdmin | null> {
    if (credential.bearer) return this.repo.adminFor(hashToken(credential.bearer), ['token'], this.clock.now(), TOKEN_DAYS * 86_400_000);
    if (credential.session) return this.repo.adminFor(hashToken(credential.session), ['session'], this.clock.now(), SESSION_DAYS * 86_400_000);
    return Promise.resolve(null);
  }

  signOut(token: string): Promise<void> {
    return this.repo.revoke(hashToken(token));
  }

  hasAdmins(): Promise<boolean> {
    return this.repo.countAdmins().then((n) => n > 0);
  }

  // ---- authorities ------------------------------------------------------------------------------

  listAuthorities() {
    return this.read.authorities();
  }

  async authority(id: string) {
    const found = (await this.read.authorities()).find((a) => a.id === id);
    if (!found) throw new DomainError('NOT_FOUND');
    return found;
  }

  /** Adds an authority and invites its first staff member, in one transaction. */
  async createAuthority(dto: CreateAuthorityDto, actor: Actor): Promise<{ tenant: Tenant; invitationLink: string }> {
    const { languages, defaultLocale } = authorityLanguages(dto)!;
    return this.tx.run(async (em) => {
      const tenant = await this.tenants.create(
        {
          slug: dto.slug,
          name: dto.name,
          hosts: dto.hosts ?? [],
          languages,
          defaultLocale,
          timeZone: dto.timeZone ?? 'Europe/Paris',
          senderName: dto.senderName ?? dto.name,
          senderEmail: dto.senderEmail,
        },
        null,
        em,
        { platformAdmin: actor.email },
      );
      const siteUrl = await this.tenants.siteUrl(tenant, em);
      const { link } = await this.auth.inviteIn(
        em,
        tenant,
        null,
        {
          email: dto.staffEmail,
          displayName: dto.staffName ?? dto.staffEmail.split('@')[0],
          role: 'staff',
          locale: defaultLocale,
        },
        siteUrl,
      );
      return { tenant, invitationLink: link ?? '' };
    });
  }

  async updateAuthority(id: string, dto: UpdateAuthorityDto, actor: Actor): Promise<void> {
    const current = await this.authority(id);
    const languages = authorityLanguages(dto, current);
    await this.tenants.updateSettings(
      id,
      {
        name: dto.name,
        senderName: dto.senderName,
        senderEmail: dto.senderEmail,
        languages: languages?.languages,
        defaultLocale: languages?.defaultLocale,
        timeZone: dto.timeZone,
        hosts: dto.hosts,
      },
      { platformAdmin: actor.email },
    );
  }

  async setSuspended(id: string, suspended: boolean, actor: Actor): Promise<void> {
    const current = await this.authority(id);
    if (!!current.suspendedAt === suspended) return; // suspending twice keeps the first date
    await this.tenants.setSuspended(id, suspended ? this.clock.now() : null, { platformAdmin: actor.email });
  }

  // ---- e-mail -----------------------------------------------------------------------------------

  /** `em`: the transaction that just added the admin (outside it the new row is not visible yet). */
  private async newLink(adminId: string, em: EntityManager = this.repo.manager): Promise<string> {
    const token = newSecretToken();
    await this.repo.addCredential(em, {
      adminId,
      kind: 'link',
      tokenHash: hashToken(token),
      expiresAt: new Date(this.clock.now().getTime() + LINK_TTL_MINUTES * 60_000),
    });
    return `${this.baseUrl}/platform/sign-in/link/${token}`;
  }

  /**
   * Platform admins belong to no authority, so their links do not go through an authority's outbox:
   * sent at once, after the link is stored. A failure is logged; the command line prints the link too.
   */
  /** In the language the link was asked in (the page's, or the API's Accept-Language). */
  private async mailLink(admin: PlatformAdmin, link: string, locale = 'en'): Promise<void> {
    const brand = { ...PLATFORM_BRAND, senderEmail: this.config.mailFrom, createdAt: new Date(0) } as unknown as Tenant;
    const mail = this.renderer.render(brand, 'platform-sign-in-link', locale, { name: admin.displayName, link, minutes: LINK_TTL_MINUTES });
    const transport = createMailTransport(this.config.smtpUrl, this.config.dataDir, () => {});
    try {
      await transport.send({ id: randomUUID(), from: `"Tremplin" <${this.config.mailFrom}>`, sender: this.config.mailFrom, to: admin.email, ...mail });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'platform sign-in e-mail not sent');
    } finally {
      transport.close();
    }
  }
}

/**
 * An authority's languages after a request (undefined when it names none): `languages` and
 * `defaultLanguage`, or `language` as shorthand for `[language]` (and that default). On creation, a
 * default left unsaid is the first language; on a change, it stays what it was. Refused (400 naming the
 * field): no language, one without a catalogue, a default outside the languages.
 */
export function authorityLanguages(
  dto: { languages?: Locale[]; defaultLanguage?: Locale; language?: Locale },
  current?: { languages: readonly Locale[]; defaultLocale: Locale },
): { languages: Locale[]; defaultLocale: Locale } | undefined {
  if (current && dto.languages === undefined && dto.defaultLanguage === undefined && dto.language === undefined) return undefined;
  const languages = dto.languages ?? (dto.language ? [dto.language] : current ? [...current.languages] : ['fr', 'en']);
  const defaultLocale = dto.defaultLanguage ?? dto.language ?? current?.defaultLocale ?? languages[0] ?? '';
  const problems = languageProblems(languages, defaultLocale, { languages: 'languages', defaultLocale: 'defaultLanguage' });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
  return { languages, defaultLocale };
}
