import { cleanLocalized } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { normaliseEmail } from '../auth/domain/tokens.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { AssignmentResult } from './domain/index.js';
import type { InviteMemberDto, JurySettingsDto, UpdateMemberDto } from './dto/jury.dto.js';
import type { Jury, JuryMember } from './jury.entity.js';
import { JuryLookups } from './jury-lookups.service.js';
import { JuryRepository } from './jury.repository.js';
import { checkSettings, DEFAULT_SETTINGS, settingsOf, type JurySettings } from './jury.settings.js';
import { assignFor } from './jury-vote.util.js';

/** Staff set the jury up: members, settings, conflicts on a juror's behalf, the assignment, and the opening of the vote. */
@Injectable()
export class JurySetupService {
  constructor(
    private readonly repo: JuryRepository,
    private readonly lookups: JuryLookups,
    private readonly programmes: ProgrammesRepository,
    private readonly auth: AuthService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
  ) {}

  // ---- staff: composition and settings ---------------------------------------------------------

  async overview(tenant: Tenant, programmeId: string) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    const members = await this.repo.members(em, tenant.id, programmeId);
    return { programme, jury, settings: settingsOf(jury), method: jury?.method ?? 'favourites', status: jury?.status ?? 'setup', members };
  }

  async saveSettings(tenant: Tenant, programmeId: string, dto: JurySettingsDto, actorUserId: string): Promise<Jury> {
    const settings: JurySettings = {
      criteria: (dto.criteria ?? []).map((c) => ({
        id: c.id,
        label: cleanLocalized(c.label),
        weight: c.weight ?? 1,
        min: c.min ?? 0,
        max: c.max ?? 5,
      })),
      normalisation: dto.normalisation ?? DEFAULT_SETTINGS.normalisation,
      quorum: dto.quorum ?? DEFAULT_SETTINGS.quorum,
      maxFavourites: dto.maxFavourites ?? DEFAULT_SETTINGS.maxFavourites,
      blindReview: dto.blindReview ?? DEFAULT_SETTINGS.blindReview,
      jurorsPerApplication: dto.jurorsPerApplication ?? null,
      laureates: dto.laureates ?? DEFAULT_SETTINGS.laureates,
      waitingList: dto.waitingList ?? DEFAULT_SETTINGS.waitingList,
      cutOff: dto.cutOff ?? null,
      quotas: (dto.quotas ?? []).map((q) => ({ dimension: q.dimension, group: q.group, min: q.min })),
      tieBreakers: dto.tieBreakers ? dto.tieBreakers.map((t) => ({ key: t.key, prefer: t.prefer })) : DEFAULT_SETTINGS.tieBreakers,
    };
    const problems = checkSettings(dto.method, settings);
    if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const jury = await this.repo.ensureJury(em, tenant.id, programmeId);
      if (jury.status !== 'setup') throw new DomainError('JURY_SETTINGS_LOCKED');
      await this.repo.updateJury(em, jury.id, { method: dto.method, settings });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.settings_saved',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { method: dto.method, settings },
      });
      return { ...jury, method: dto.method, settings };
    });
  }

  /** Invites a juror (grants the programme-scoped role and e-mails a sign-in link) and adds them to the jury. */
  async invite(tenant: Tenant, programmeId: string, dto: InviteMemberDto, actorUserId: string): Promise<JuryMember> {
    const email = normaliseEmail(dto.email);
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const jury = await this.repo.ensureJury(em, tenant.id, programmeId);
      if (jury.status !== 'setup') throw new DomainError('JURY_SETTINGS_LOCKED');
      const { user } = await this.auth.inviteIn(
        em,
        tenant,
        actorUserId,
        {
          email,
          displayName: dto.displayName,
          role: 'juror',
          programmeId,
          locale: dto.locale,
          next: `/jury/programmes/${programmeId}`,
        },
        siteUrl,
      );
      const member = await this.repo.insertMember(em, {
        tenantId: tenant.id,
        programmeId,
        userId: user.id,
        displayName: user.displayName,
        email: user.email,
        organisation: dto.organisation ?? '',
        weight: dto.weight ?? 1,
      });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.member_added',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { memberId: member.id, email, organisation: member.organisation, weight: member.weight },
      });
      return member;
    });
  }

  async updateMember(tenant: Tenant, programmeId: string, memberId: string, dto: UpdateMemberDto, actorUserId: string): Promise<JuryMember> {
    return this.tx.run(async (em) => {
      const jury = await this.setupJury(em, tenant, programmeId);
      const member = await this.repo.member(em, tenant.id, programmeId, memberId);
      if (!member) throw new DomainError('NOT_FOUND');
      const patch: Partial<JuryMember> = {};
      if (dto.organisation !== undefined) patch.organisation = dto.organisation;
      if (dto.weight !== undefined) patch.weight = dto.weight;
      await this.repo.updateMember(em, member.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.member_updated',
        subjectType: 'programme',
        subjectId: jury.programmeId,
        data: { memberId, ...patch },
      });
      return { ...member, ...patch };
    });
  }

  async removeMember(tenant: Tenant, programmeId: string, memberId: string, actorUserId: string): Promise<void> {
    await this.tx.run(async (em) => {
      await this.setupJury(em, tenant, programmeId);
      const member = await this.repo.member(em, tenant.id, programmeId, memberId);
      if (!member) throw new DomainError('NOT_FOUND');
      await this.repo.deleteMember(em, member);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.member_removed',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { memberId, email: member.email },
      });
    });
  }

  /** What the assignment is (once the vote is open) or would be (before). */
  async assignment(tenant: Tenant, programmeId: string): Promise<{ stored: boolean; result: AssignmentResult }> {
    await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    const members = await this.repo.members(em, tenant.id, programmeId);
    const conflicts = await this.repo.conflicts(em, tenant.id, programmeId);
    const applicationIds =
      jury && jury.status !== 'setup' ? jury.applicationIds : (await this.repo.eligibleApplications(em, tenant.id, programmeId)).map((a) => a.id);
    const result = assignFor(settingsOf(jury), members, conflicts, applicationIds);
    return { stored: !!jury && jury.status !== 'setup', result };
  }

  // ---- staff: the vote -------------------------------------------------------------------------

  /** Opens the vote: freezes the settings and the candidates, and assigns applications to jurors. */
  async openVote(tenant: Tenant, programmeId: string, actorUserId: string): Promise<Jury> {
    return this.tx.run(async (em) => {
      const programme = await this.programmes.lockFound(em, tenant.id, programmeId);
      const jury = await this.repo.ensureJury(em, tenant.id, programmeId);
      if (jury.status === 'open') return jury;
      if (jury.status === 'closed') throw new DomainError('VOTE_CLOSED');
      if (programme.phase !== 'jury') throw new DomainError('JURY_PHASE_REQUIRED', { phase: programme.phase });
      const settings = settingsOf(jury);
      const problems = checkSettings(jury.method, settings);
      if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
      const members = await this.repo.members(em, tenant.id, programmeId);
      if (!members.length) throw new DomainError('JURY_NO_MEMBERS');
      const apps = await this.repo.eligibleApplications(em, tenant.id, programmeId);
      if (!apps.length) throw new DomainError('JURY_NO_APPLICATIONS');
      const conflicts = await this.repo.conflicts(em, tenant.id, programmeId);
      const result = assignFor(
        settings,
        members,
        conflicts,
        apps.map((a) => a.id),
      );
      await this.repo.replaceAssignments(em, tenant.id, programmeId, result.pairs);
      const now = this.clock.now();
      const applicationIds = apps.map((a) => a.id);
      await this.repo.updateJury(em, jury.id, { status: 'open', openedAt: now, applicationIds });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.vote_opened',
        subjectType: 'programme',
        subjectId: programmeId,
        data: {
          method: jury.method,
          applications: apps.length,
          jurors: members.length,
          shortfalls: result.shortfalls.length,
          // The explanation's code, figures and message: the audit page says it in its reader's language.
          assignment: result.explanation,
        },
      });
      return { ...jury, status: 'open', openedAt: now, applicationIds };
    });
  }

  // ---- staff: conflicts on a juror's behalf ----------------------------------------------------

  async staffConflict(tenant: Tenant, programmeId: string, memberId: string, applicationId: string, reason: string, actorUserId: string): Promise<void> {
    await this.tx.run(async (em) => {
      await this.programmes.found(tenant.id, programmeId, em);
      const member = await this.repo.member(em, tenant.id, programmeId, memberId);
      if (!member) throw new DomainError('NOT_FOUND');
      await this.lookups.declareConflict(em, tenant, programmeId, member, applicationId, reason, actorUserId);
    });
  }

  private async setupJury(em: EntityManager, tenant: Tenant, programmeId: string): Promise<Jury> {
    await this.programmes.lockFound(em, tenant.id, programmeId);
    const jury = await this.repo.ensureJury(em, tenant.id, programmeId);
    if (jury.status !== 'setup') throw new DomainError('JURY_SETTINGS_LOCKED');
    return jury;
  }
}
