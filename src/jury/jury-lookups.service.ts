import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Application } from '../applications/application.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { reassignAfterConflict } from './domain/index.js';
import type { Jury, JuryMember } from './jury.entity.js';
import { JuryRepository } from './jury.repository.js';
import { settingsOf } from './jury.settings.js';
import type { VoteState } from './jury-vote.util.js';

/**
 * What the jury's services share: the state of the vote, the juror behind a principal, what a juror
 * may read, and the declaration of a conflict (by the juror, or by staff on their behalf).
 */
@Injectable()
export class JuryLookups {
  constructor(
    private readonly repo: JuryRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async state(em: EntityManager, tenantId: string, programmeId: string, jury?: Jury): Promise<VoteState> {
    const j = jury ?? (await this.repo.jury(em, tenantId, programmeId));
    if (!j) throw new DomainError('JURY_NOT_CONFIGURED');
    // One after the other: inside a transaction they share one connection.
    const members = await this.repo.members(em, tenantId, programmeId);
    const conflicts = await this.repo.conflicts(em, tenantId, programmeId);
    const assignments = await this.repo.assignments(em, tenantId, programmeId);
    const ballots = await this.repo.ballots(em, tenantId, programmeId);
    const comparisons = await this.repo.comparisons(em, tenantId, programmeId);
    return { jury: j, members, conflicts, assignments, ballots, comparisons };
  }

  async memberOf(em: EntityManager, tenant: Tenant, programmeId: string, principal: Principal, lock = false): Promise<JuryMember> {
    const member = await this.repo.memberOfUser(em, tenant.id, programmeId, principal.userId, lock);
    if (!member) throw new DomainError('JURY_NOT_MEMBER');
    return member;
  }

  async localeOf(em: EntityManager, tenant: Tenant, member: JuryMember): Promise<Locale> {
    return (await this.users.findById(tenant.id, member.userId, em))?.locale ?? tenant.defaultLocale;
  }

  /**
   * The application if this juror may read it: 404 when it is not one of the programme's, 403 when it
   * is not assigned to them, 409 when they declared a conflict (unless `allowConflict`).
   */
  async visibleApplication(
    em: EntityManager,
    tenant: Tenant,
    programmeId: string,
    jury: Jury | null,
    member: JuryMember,
    applicationId: string,
    opts: { allowConflict?: boolean } = {},
  ): Promise<Application> {
    const app = await this.repo.application(em, tenant.id, programmeId, applicationId);
    if (!app) throw new DomainError('NOT_FOUND');
    // A declared conflict hides the application from this juror in every state of the jury, set-up included.
    const conflict = (await this.repo.conflicts(em, tenant.id, programmeId)).some((c) => c.memberId === member.id && c.applicationId === applicationId);
    if (conflict && !opts.allowConflict) throw new DomainError('JURY_CONFLICT_DECLARED', { applicationId });
    if (!jury || jury.status === 'setup') {
      if (app.status !== 'submitted' || app.screening !== 'eligible') throw new DomainError('JURY_APPLICATION_NOT_ASSIGNED', { applicationId });
    } else {
      // A conflict declared before the vote opened keeps the application out of the assignment.
      const assigned = (await this.repo.assignments(em, tenant.id, programmeId)).some((a) => a.memberId === member.id && a.applicationId === applicationId);
      if (!assigned && !conflict) throw new DomainError('JURY_APPLICATION_NOT_ASSIGNED', { applicationId });
    }
    return app;
  }

  /**
   * A conflict takes the application out of the juror's list and ballot: their scores, pick, ranking
   * position and comparisons on it are withdrawn (the history keeps them). With k jurors per
   * application and the vote open, the application goes to another juror in the same transaction
   * when one is available (src/jury/domain/assignment.ts); the staff progress says when none is.
   */
  async declareConflict(
    em: EntityManager,
    tenant: Tenant,
    programmeId: string,
    member: JuryMember,
    applicationId: string,
    reason: string,
    actorUserId: string,
  ): Promise<void> {
    const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'share');
    if (jury?.status === 'closed') throw new DomainError('VOTE_CLOSED');
    await this.visibleApplication(em, tenant, programmeId, jury, member, applicationId, { allowConflict: true });
    const now = this.clock.now();
    const added = await this.repo.insertConflict(em, {
      tenantId: tenant.id,
      programmeId,
      memberId: member.id,
      applicationId,
      reason,
      declaredBy: actorUserId,
      at: now,
    });
    if (!added) return;
    const ballot = await this.repo.ballot(em, member.id, applicationId);
    if (ballot) await this.repo.deleteBallot(em, member.id, applicationId);
    await this.repo.deleteComparisonsWith(em, member.id, applicationId);
    if (ballot?.rank) await this.renumberRanking(em, tenant.id, programmeId, member.id);
    await this.repo.recordEvent(em, {
      tenantId: tenant.id,
      programmeId,
      memberId: member.id,
      applicationId,
      kind: 'conflict_declared',
      data: { reason, withdrew: !!ballot },
      at: now,
    });
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId,
      action: 'jury.conflict_declared',
      subjectType: 'application',
      subjectId: applicationId,
      data: { memberId: member.id, reason },
    });
    const k = settingsOf(jury).jurorsPerApplication;
    if (jury?.status === 'open' && k) await this.reassign(em, tenant, jury, member, applicationId, k, actorUserId);
  }

  /**
   * Withdraws a conflict declared by mistake: only before the vote opens, since the assignment is
   * computed from the conflicts at the opening (afterwards the conflict has taken effect).
   */
  async withdrawConflict(
    em: EntityManager,
    tenant: Tenant,
    programmeId: string,
    member: JuryMember,
    applicationId: string,
    actorUserId: string,
  ): Promise<boolean> {
    const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'share');
    const app = await this.repo.application(em, tenant.id, programmeId, applicationId);
    if (!app) throw new DomainError('NOT_FOUND');
    if (jury && jury.status !== 'setup') throw new DomainError('JURY_CONFLICT_WITHDRAWAL_CLOSED', { status: jury.status });
    const removed = await this.repo.deleteConflict(em, tenant.id, member.id, applicationId);
    if (!removed) return false;
    const now = this.clock.now();
    await this.repo.recordEvent(em, {
      tenantId: tenant.id,
      programmeId,
      memberId: member.id,
      applicationId,
      kind: 'conflict_withdrawn',
      data: { reason: removed.reason },
      at: now,
    });
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId,
      action: 'jury.conflict_withdrawn',
      subjectType: 'application',
      subjectId: applicationId,
      data: { memberId: member.id, reason: removed.reason },
    });
    return true;
  }

  private async reassign(em: EntityManager, tenant: Tenant, jury: Jury, from: JuryMember, applicationId: string, k: number, actorUserId: string) {
    await this.repo.lockApplicationReaders(em, applicationId);
    const members = await this.repo.members(em, tenant.id, jury.programmeId);
    const result = reassignAfterConflict({
      applicationId,
      wanted: k,
      jurors: members.map((m) => ({ id: m.id })),
      assignments: (await this.repo.assignments(em, tenant.id, jury.programmeId)).map((a) => ({ jurorId: a.memberId, applicationId: a.applicationId })),
      conflicts: (await this.repo.conflicts(em, tenant.id, jury.programmeId)).map((c) => ({ jurorId: c.memberId, applicationId: c.applicationId })),
    });
    if (!result.added.length && !result.missing) return;
    await this.repo.addAssignments(em, tenant.id, jury.programmeId, applicationId, result.added);
    const names = new Map(members.map((m) => [m.id, m.displayName]));
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId,
      action: result.added.length ? 'jury.application_reassigned' : 'jury.reassignment_unavailable',
      subjectType: 'application',
      subjectId: applicationId,
      data: {
        fromMemberId: from.id,
        toMemberIds: result.added,
        toNames: result.added.map((id) => names.get(id) ?? ''),
        wanted: k,
        missing: result.missing,
      },
    });
  }

  private async renumberRanking(em: EntityManager, tenantId: string, programmeId: string, memberId: string): Promise<void> {
    const ranked = (await this.repo.ballots(em, tenantId, programmeId, memberId)).filter((b) => b.rank !== null).sort((a, b) => a.rank! - b.rank!);
    for (const [i, b] of ranked.entries()) if (b.rank !== i + 1) await this.repo.saveBallot(em, { ...b, rank: i + 1 });
  }
}
