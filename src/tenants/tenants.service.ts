import type { Locale } from '../common/i18n/localized.js';
import type { EntityManager } from 'typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { isUniqueViolation, TransactionRunner } from '../common/db/transaction.js';
import { isSupportedTimeZone } from '../common/time/zoned.js';
import { languageProblems } from '../common/i18n/is-locale.js';
import { checkBrandColours } from './domain/branding.js';
import { isRegistrableHost, siteUrlFor } from './domain/hosts.js';
import { BrandingDto, CreateTenantDto } from './dto/branding.dto.js';
import { Tenant } from './tenant.entity.js';
import { TenantsRepository } from './tenants.repository.js';
import { TtlCache } from '../common/cache/ttl-cache.js';
import { ImagePipeline, type UploadedImageFile } from '../storage/images.js';
import { LOGO_RULES } from '../storage/image-rules.js';

/** Host look-ups are on every request: cached briefly per instance (branding changes show within seconds everywhere). */
const CACHE_MS = 5_000;
/**
 * Past those 5 s, the last look-up is still served while one query reads it again in the background
 * (a minute at most: an instance nobody asked for that long reads before it answers).
 */
const STALE_MS = 60_000;
/** Unknown Host headers are cached too (as none): bounded, so that made-up names cannot grow memory. */
const MAX_ENTRIES = 10_000;

@Injectable()
export class TenantsService {
  private readonly cache = new TtlCache<Tenant | null>(CACHE_MS, MAX_ENTRIES, Date.now, { staleMs: STALE_MS });
  private readonly siteUrls = new TtlCache<string>(CACHE_MS, MAX_ENTRIES, Date.now, { staleMs: STALE_MS });
  /**
   * A tenant read again and unchanged stays the same object (see `canonical`): the campaign pages'
   * renderings, made for one tenant object (its branding), outlive the look-up's expiry.
   */
  private readonly objects = new Map<string, Tenant>();

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly images: ImagePipeline,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The tenant's public address for links (see siteUrlFor): from configuration, never from a request. */
  async siteUrl(tenant: Tenant, em?: EntityManager): Promise<string> {
    // Written into many e-mails per request (contributions, settlement): kept as briefly as host look-ups.
    // Inside a transaction, read with its connection: waiting on a pool connection (a shared read's)
    // while holding the first can exhaust the pool under load.
    if (em) {
      const known = this.siteUrls.peek(tenant.id, () => this.readSiteUrl(tenant));
      if (known !== undefined) return known;
      // Not known yet: answered from this transaction's read, while the pool's read fills the cache for
      // the next ones (nobody waits on it).
      this.siteUrls.get(tenant.id, () => this.readSiteUrl(tenant)).catch(() => {});
      return this.readSiteUrl(tenant, em);
    }
    return this.siteUrls.get(tenant.id, () => this.readSiteUrl(tenant));
  }

  private async readSiteUrl(tenant: Tenant, em?: EntityManager): Promise<string> {
    const hosts = await this.tenants.hosts(tenant.id, em);
    return siteUrlFor(
      tenant.slug,
      hosts.map((h) => h.host),
      this.config.publicUrl,
      this.config.port,
    );
  }

  /** Links for a request that came through a registered host point at that host (as registered). */
  registeredHostUrl(host: string): string {
    return `${new URL(this.config.publicUrl ?? 'http://localhost').protocol}//${host}`;
  }

  resolve(kind: 'host' | 'slug', key: string): Promise<Tenant | null> {
    return this.cache.get(`${kind}:${key}`, async () => this.canonical(await (kind === 'host' ? this.tenants.findByHost(key) : this.tenants.findBySlug(key))));
  }

  /**
   * One object per tenant as long as its row reads the same, whichever host or slug found it: what is
   * rendered for a tenant object (campaign pages, the home page) is shared by all its addresses.
   */
  private canonical(tenant: Tenant | null): Tenant | null {
    if (!tenant) return null;
    const known = this.objects.get(tenant.id);
    if (known && JSON.stringify(known) === JSON.stringify(tenant)) return known;
    if (this.objects.size >= MAX_ENTRIES) this.objects.clear();
    this.objects.set(tenant.id, tenant);
    return tenant;
  }

  get(id: string): Promise<Tenant | null> {
    return this.tenants.findById(id);
  }

  list(): Promise<Tenant[]> {
    return this.tenants.list();
  }

  hosts(tenantId: string) {
    return this.tenants.hosts(tenantId);
  }

  async create(dto: CreateTenantDto, actorUserId: string | null, outer?: EntityManager, auditExtra: Record<string, unknown> = {}): Promise<Tenant> {
    this.checkBranding(dto);
    this.checkHosts(dto.hosts ?? []);
    // Unsaid, an authority is offered in French and English (and its default language, if another).
    const languages = dto.languages ?? [...new Set(['fr', 'en', ...(dto.defaultLocale ? [dto.defaultLocale] : [])])];
    const defaultLocale = dto.defaultLocale ?? (languages.includes('fr') ? 'fr' : languages[0]);
    this.checkLanguages(languages, defaultLocale);
    try {
      return await this.tx.run(
        async (em) => {
          const tenant = await this.tenants.create(
            em,
            {
              slug: dto.slug,
              name: dto.name ?? dto.slug,
              logoUrl: dto.logoUrl ?? null,
              primaryColor: dto.primaryColor,
              accentColor: dto.accentColor,
              senderName: dto.senderName ?? dto.name ?? dto.slug,
              senderEmail: dto.senderEmail ?? `no-reply@${dto.hosts?.[0]?.split(':')[0] ?? 'tremplin.localhost'}`,
              languages,
              defaultLocale,
              timeZone: dto.timeZone ?? 'Europe/Paris',
            },
            dto.hosts ?? [],
          );
          await this.audit.record(em, {
            tenantId: tenant.id,
            actorUserId,
            action: 'tenant.created',
            subjectType: 'tenant',
            subjectId: tenant.id,
            data: { slug: tenant.slug, hosts: dto.hosts ?? [], ...auditExtra },
          });
          return tenant;
        },
        { outer },
      );
    } catch (err) {
      if (isUniqueViolation(err, 'tenant_slug_key')) throw new DomainError('TENANT_SLUG_TAKEN', { slug: dto.slug });
      if (isUniqueViolation(err)) throw new DomainError('TENANT_HOST_TAKEN', { host: (dto.hosts ?? []).join(', ') });
      throw err;
    }
  }

  /** A platform admin's changes: name, sender, language, time zone and host names. */
  async updateSettings(
    id: string,
    input: { name?: string; senderName?: string; senderEmail?: string; languages?: Locale[]; defaultLocale?: Locale; timeZone?: string; hosts?: string[] },
    auditExtra: Record<string, unknown>,
  ): Promise<void> {
    const { hosts, ...fields } = input;
    this.checkBranding(fields);
    if (fields.languages || fields.defaultLocale) {
      const current = await this.tenants.findById(id);
      if (current) this.checkLanguages(fields.languages ?? current.languages, fields.defaultLocale ?? current.defaultLocale);
    }
    if (hosts) this.checkHosts(hosts);
    const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Tenant>;
    try {
      await this.tx.run(async (em) => {
        await this.tenants.update(em, id, patch);
        if (hosts) await this.tenants.replaceHosts(em, id, hosts);
        await this.audit.record(em, {
          tenantId: id,
          actorUserId: null,
          action: 'tenant.settings_updated',
          subjectType: 'tenant',
          subjectId: id,
          data: { ...patch, hosts, ...auditExtra },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError('TENANT_HOST_TAKEN', { host: (hosts ?? []).join(', ') });
      throw err;
    }
    this.forget();
  }

  async setSuspended(id: string, at: Date | null, auditExtra: Record<string, unknown>): Promise<void> {
    await this.tx.run(async (em) => {
      await this.tenants.update(em, id, { suspendedAt: at });
      await this.audit.record(em, {
        tenantId: id,
        actorUserId: null,
        action: at ? 'tenant.suspended' : 'tenant.reactivated',
        subjectType: 'tenant',
        subjectId: id,
        data: auditExtra,
      });
    });
    this.forget();
  }

  /** Host look-ups are cached per instance for a few seconds; a change here shows at once on this one. */
  private forget(): void {
    this.cache.delete();
    this.siteUrls.delete();
    this.objects.clear();
  }

  private checkHosts(hosts: string[]): void {
    const problems = hosts.flatMap((h, i) => (isRegistrableHost(h) ? [] : [fieldProblem(`hosts.${i}`, 'validation.hostName')]));
    if (new Set(hosts).size !== hosts.length) problems.push(fieldProblem('hosts', 'validation.hostsRepeat'));
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
  }

  async updateBranding(tenant: Tenant, dto: BrandingDto, actorUserId: string): Promise<Tenant> {
    this.checkBranding(dto, tenant.timeZone);
    if (dto.languages || dto.defaultLocale) this.checkLanguages(dto.languages ?? tenant.languages, dto.defaultLocale ?? tenant.defaultLocale);
    const patch = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<Tenant>;
    await this.tx.run(async (em) => {
      await this.tenants.update(em, tenant.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'tenant.branding_updated',
        subjectType: 'tenant',
        subjectId: tenant.id,
        data: patch,
      });
    });
    this.forget();
    return (await this.tenants.findById(tenant.id))!;
  }

  /**
   * Replaces the logo by an upload, checked by its content and resized (storage/images.ts; 400 on
   * `logo` when it is not a PNG, JPEG, WebP or GIF, too heavy or too large). The previous renditions
   * stay stored under their names (pages cached with them keep working).
   */
  async setLogo(tenant: Tenant, file: UploadedImageFile | undefined, actorUserId: string): Promise<Tenant> {
    const prepared = await this.images.prepare(file, LOGO_RULES);
    await this.tx.run(async (em) => {
      const logo = await this.images.store(
        em,
        { tenantId: tenant.id, ownerType: 'tenant', ownerId: tenant.id, slot: 'logo', uploadedBy: actorUserId },
        prepared,
      );
      await this.tenants.update(em, tenant.id, { logo });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'tenant.logo_updated',
        subjectType: 'tenant',
        subjectId: tenant.id,
        data: { width: logo.width, height: logo.height, variants: logo.variants.length },
      });
    });
    this.forget();
    return (await this.tenants.findById(tenant.id))!;
  }

  /** No logo any more: neither the uploaded one nor one at an address. */
  async removeLogo(tenant: Tenant, actorUserId: string): Promise<void> {
    await this.tx.run(async (em) => {
      await this.tenants.update(em, tenant.id, { logo: null, logoUrl: null });
      await this.audit.record(em, { tenantId: tenant.id, actorUserId, action: 'tenant.logo_removed', subjectType: 'tenant', subjectId: tenant.id, data: {} });
    });
    this.forget();
  }

  /** At least one language, each installed, and the default among them (400 naming `languages` or `defaultLocale`). */
  private checkLanguages(languages: readonly Locale[], defaultLocale: Locale): void {
    const problems = languageProblems(languages, defaultLocale);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
  }

  /** Readable colours and a time zone from the offered list (`savedTimeZone`, the one already saved, stays accepted). */
  private checkBranding(dto: BrandingDto, savedTimeZone?: string): void {
    const problems = checkBrandColours({ primaryColor: dto.primaryColor, accentColor: dto.accentColor });
    if (dto.timeZone !== undefined && dto.timeZone !== savedTimeZone && !isSupportedTimeZone(dto.timeZone)) {
      problems.push(fieldProblem('timeZone', 'validation.timeZone'));
    }
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
  }
}
