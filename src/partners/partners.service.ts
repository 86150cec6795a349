import { Injectable } from '@nestjs/common';
import { cleanLocalized } from '../common/i18n/localized.js';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { normaliseEmail } from '../auth/domain/tokens.js';
import { PeopleQuery } from '../auth/people.query.js';
import { CoachingService, type LaureateSchedule } from '../coaching/coaching.service.js';
import { isUniqueViolation, TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { LaureatesQuery, type Laureate } from '../jury/laureates.query.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { normaliseTag } from './domain/scoring.js';
import type { ContactDto, PartnerDto, UpdatePartnerDto } from './dto/partners.dto.js';
import type { LaureateNeeds, Partner, PartnerMatch } from './partner.entity.js';
import { PartnersRepository } from './partners.repository.js';
import { PARTNER_LOGO_RULES } from '../storage/image-rules.js';
import { ImagePipeline, type UploadedImageFile } from '../storage/images.js';

const tags = (list: readonly string[] | undefined) => [...new Set((list ?? []).map(normaliseTag).filter(Boolean))];

/**
 * Partner profiles and their contacts (staff), and what each side says it wants: the partners'
 * preferences, the laureates' needs. The matching itself is MatchingService's.
 */
/** A laureate a partner sponsors, as the partner sees it: its title, the pair's score and its coaching progress. */
export function sponsoredLaureateView(m: PartnerMatch, source: Laureate | undefined, schedule: LaureateSchedule | undefined) {
  const milestones = schedule?.milestones ?? [];
  return {
    applicationId: m.applicationId,
    title: source?.title ?? '',
    titleLang: source?.locale ?? null,
    category: source?.category ?? null,
    score: m.score,
    terms: m.terms,
    progress: {
      validated: milestones.filter((x) => x.status === 'validated').length,
      total: milestones.length,
      overdue: milestones.filter((x) => x.effective === 'overdue').length,
      ready: schedule ? schedule.readiness.ready : false,
    },
    milestones: milestones.map((x) => ({ title: x.title, kind: x.kind, at: x.at, status: x.effective, required: x.required })),
  };
}

@Injectable()
export class PartnersService {
  constructor(
    private readonly repo: PartnersRepository,
    private readonly people: PeopleQuery,
    private readonly programmes: ProgrammesRepository,
    private readonly laureates: LaureatesQuery,
    private readonly coaching: CoachingService,
    private readonly auth: AuthService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
    private readonly images: ImagePipeline,
  ) {}

  /** An uploaded logo (checked and resized by the image pipeline), shown on the public pages before `logoUrl`. */
  async setLogo(tenant: Tenant, programmeId: string, partnerId: string, file: UploadedImageFile | undefined, actorUserId: string): Promise<Partner> {
    const prepared = await this.images.prepare(file, PARTNER_LOGO_RULES);
    return this.tx.run(async (em) => {
      const partner = await this.partner(em, tenant.id, programmeId, partnerId);
      const logo = await this.images.store(
        em,
        { tenantId: tenant.id, ownerType: 'partner', ownerId: partner.id, slot: 'logo', uploadedBy: actorUserId },
        prepared,
      );
      await this.repo.updatePartner(em, partner.id, { logo });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'partner.updated',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { partnerId, logo: { width: logo.width, height: logo.height } },
      });
      return { ...partner, logo };
    });
  }

  async removeLogo(tenant: Tenant, programmeId: string, partnerId: string, actorUserId: string): Promise<void> {
    await this.tx.run(async (em) => {
      const partner = await this.partner(em, tenant.id, programmeId, partnerId);
      await this.repo.updatePartner(em, partner.id, { logo: null });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'partner.updated',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { partnerId, logo: null },
      });
    });
  }

  // ---- staff: partner profiles ------------------------------------------------------------------

  async list(tenant: Tenant, programmeId: string) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const partners = await this.repo.partners(em, tenant.id, programmeId);
    const rows = await this.repo.contactsOf(
      em,
      tenant.id,
      partners.map((p) => p.id),
    );
    const people = await this.people.contacts(
      em,
      tenant.id,
      rows.map((c) => c.userId),
    );
    // In the people's order (by e-mail), as the page lists them.
    const contacts = people.flatMap((u) =>
      rows.filter((c) => c.userId === u.id).map((c) => ({ partnerId: c.partnerId, userId: u.id, displayName: u.displayName, email: u.email })),
    );
    return { programme, partners: partners.map((p) => ({ ...p, contacts: contacts.filter((c) => c.partnerId === p.id) })) };
  }

  async create(tenant: Tenant, programmeId: string, dto: PartnerDto, actorUserId: string): Promise<Partner> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const partner = this.repo.newPartner(em, {
        tenantId: tenant.id,
        programmeId,
        name: dto.name,
        logoUrl: dto.logoUrl ?? null,
        description: cleanLocalized(dto.description),
        expertise: tags(dto.expertise),
        themes: tags(dto.themes),
        capacity: dto.capacity ?? 1,
        matchFundingCents: dto.matchFundingCents ?? null,
      });
      try {
        await this.repo.insertPartner(em, partner);
      } catch (err) {
        if (isUniqueViolation(err, 'partner_programme_name_key'))
          throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('name', 'validation.alreadyPartner')]);
        throw err;
      }
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'partner.created',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { partnerId: partner.id, name: partner.name },
      });
      return partner;
    });
  }

  async update(tenant: Tenant, programmeId: string, partnerId: string, dto: UpdatePartnerDto, actorUserId: string): Promise<Partner> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const partner = await this.partner(em, tenant.id, programmeId, partnerId);
      const patch: Partial<Partner> = {};
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.logoUrl !== undefined) patch.logoUrl = dto.logoUrl;
      if (dto.description !== undefined) patch.description = cleanLocalized(dto.description);
      if (dto.expertise !== undefined) patch.expertise = tags(dto.expertise);
      if (dto.themes !== undefined) patch.themes = tags(dto.themes);
      if (dto.capacity !== undefined) patch.capacity = dto.capacity;
      if (dto.matchFundingCents !== undefined) patch.matchFundingCents = dto.matchFundingCents;
      await this.repo.updatePartner(em, partner.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'partner.updated',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { partnerId, ...patch },
      });
      return { ...partner, ...patch };
    });
  }

  /** Adds a contact person: the programme-scoped 'partner' role and an e-mailed sign-in link to their page. */
  async addContact(tenant: Tenant, programmeId: string, partnerId: string, dto: ContactDto, actorUserId: string) {
    const email = normaliseEmail(dto.email);
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const partner = await this.partner(em, tenant.id, programmeId, partnerId);
      const { user } = await this.auth.inviteIn(
        em,
        tenant,
        actorUserId,
        {
          email,
          displayName: dto.displayName,
          role: 'partner',
          programmeId,
          locale: dto.locale,
          next: `/partners/programmes/${programmeId}`,
        },
        siteUrl,
      );
      await this.repo.addContact(em, tenant.id, partner.id, user.id);
      return { partnerId: partner.id, userId: user.id, email: user.email, displayName: user.displayName };
    });
  }

  // ---- partner contacts -------------------------------------------------------------------------

  /** The signed-in contact's partner, its sponsored laureates (once confirmed) and their milestone progress. */
  async mine(tenant: Tenant, programmeId: string, principal: Principal) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const partner = await this.partnerOfContact(em, tenant.id, programmeId, principal.userId);
    const matches = await this.repo.matches(em, tenant.id, programmeId, { partnerId: partner.id });
    const schedules = matches.length ? await this.coaching.schedules(em, tenant.id, programmeId) : [];
    const sources = await this.laureates.ofProgramme(em, tenant.id, programmeId, 'rank_then_receipt');
    const laureates = matches.map((m) =>
      sponsoredLaureateView(
        m,
        sources.find((s) => s.applicationId === m.applicationId),
        schedules.find((s) => s.laureate.applicationId === m.applicationId),
      ),
    );
    const matching = await this.repo.matching(em, tenant.id, programmeId);
    return {
      programme,
      partner,
      laureates,
      candidates: sources.map((s) => ({ applicationId: s.applicationId, title: s.title, titleLang: s.locale, category: s.category })),
      confirmed: matching?.status === 'confirmed',
    };
  }

  async setPartnerPreferences(tenant: Tenant, programmeId: string, principal: Principal, applicationIds: string[]): Promise<string[]> {
    return this.tx.run(async (em) => {
      const partner = await this.partnerOfContact(em, tenant.id, programmeId, principal.userId);
      const known = new Set((await this.laureates.ofProgramme(em, tenant.id, programmeId, 'rank_then_receipt')).map((s) => s.applicationId));
      const unknown = applicationIds.filter((id) => !known.has(id));
      if (unknown.length) throw new DomainError('PARTNER_UNKNOWN_IDS', { ids: unknown.join(', ') });
      const list = [...new Set(applicationIds)];
      await this.repo.updatePartner(em, partner.id, { preferences: list });
      return list;
    });
  }

  // ---- laureates --------------------------------------------------------------------------------

  async myNeeds(tenant: Tenant, programmeId: string, principal: Principal) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const source = await this.laureateOf(em, tenant.id, programmeId, principal.userId);
    const needs = await this.repo.needsOf(em, tenant.id, source.applicationId);
    const partners = await this.repo.partners(em, tenant.id, programmeId);
    const matches = await this.repo.matches(em, tenant.id, programmeId, { applicationId: source.applicationId });
    return {
      programme,
      applicationId: source.applicationId,
      title: source.title,
      titleLang: source.locale,
      needs: needs?.needs ?? [],
      preferences: needs?.preferences ?? [],
      partners: partners.map((p) => ({ id: p.id, name: p.name, logoUrl: p.logoUrl, description: p.description, expertise: p.expertise, themes: p.themes })),
      sponsors: matches.map((m) => ({ partnerId: m.partnerId, name: partners.find((p) => p.id === m.partnerId)?.name ?? '' })),
    };
  }

  async setNeeds(tenant: Tenant, programmeId: string, principal: Principal, needs: string[], preferences: string[]): Promise<LaureateNeeds> {
    return this.tx.run(async (em) => {
      const source = await this.laureateOf(em, tenant.id, programmeId, principal.userId);
      const known = new Set((await this.repo.partners(em, tenant.id, programmeId)).map((p) => p.id));
      const unknown = preferences.filter((id) => !known.has(id));
      if (unknown.length) throw new DomainError('PARTNER_UNKNOWN_IDS', { ids: unknown.join(', ') });
      await this.repo.saveNeeds(em, tenant.id, programmeId, source.applicationId, tags(needs), [...new Set(preferences)]);
      return (await this.repo.needsOf(em, tenant.id, source.applicationId))!;
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private async partner(em: EntityManager, tenantId: string, programmeId: string, id: string): Promise<Partner> {
    const p = await this.repo.partner(em, tenantId, programmeId, id);
    if (!p) throw new DomainError('NOT_FOUND');
    return p;
  }

  private async partnerOfContact(em: EntityManager, tenantId: string, programmeId: string, userId: string): Promise<Partner> {
    const partner = await this.repo.partnerOfContact(em, tenantId, programmeId, userId);
    if (!partner) throw new DomainError('PARTNER_NOT_CONTACT');
    return partner;
  }

  private async laureateOf(em: EntityManager, tenantId: string, programmeId: string, userId: string): Promise<Laureate> {
    const source = (await this.laureates.ofProgramme(em, tenantId, programmeId, 'rank_then_receipt')).find((s) => s.userId === userId);
    if (!source) throw new DomainError('COACHING_NOT_LAUREATE');
    return source;
  }
}
