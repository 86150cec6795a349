import { FileStorage } from '../storage/file-storage.js';
import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Application } from '../applications/application.entity.js';
import { ApplicationsService } from '../applications/applications.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { normaliseEmail } from '../auth/domain/tokens.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { formatInstant } from '../common/web/view.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { PhaseHooks, type PhaseChange } from '../programmes/phase-hooks.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import {
  aggregateFavourites, aggregateScoredCriteria, assignJurors, nextPair, tally,
  type AssignmentResult, type JuryMethod, type Panel, type Tally,
} from './domain/index.js';
import type { ConfirmDto, InviteMemberDto, JurySettingsDto, UpdateMemberDto } from './dto/jury.dto.js';
import type { Jury, JuryBallot, JuryComparison, JuryConflict, JuryMember, JuryOutcome } from './jury.entity.js';
import { JuryRepository } from './jury.repository.js';
import { checkSettings, DEFAULT_SETTINGS, type JurySettings } from './jury.settings.js';

/** A confirmation e-mail per juror per window: a burst of changes (ten picks in a row) sends one. */
const BALLOT_MAIL_WINDOW_MS = 10 * 60_000;
const MIN_JUSTIFICATION = 10;

export interface JurorProgress {
  memberId: string;
  displayName: string;
  organisation: string;
  weight: number;
  assigned: number;
  conflicts: number;
  evaluated: number;
  /** What "done" means for the method (all scored, max picks, all ranked, one comparison per application). */
  expected: number;
  complete: boolean;
}

export interface ApplicationProgress {
  applicationId: string;
  title: string;
  receiptNumber: string | null;
  jurors: number;
  evaluations: number;
  conflicts: number;
}

/** Everything read to count or follow the vote, loaded once. */
interface VoteState {
  jury: Jury;
  members: JuryMember[];
  conflicts: JuryConflict[];
  assignments: Array<{ memberId: string; applicationId: string }>;
  ballots: JuryBallot[];
  comparisons: JuryComparison[];
}

@Injectable()
export class JuryService implements OnModuleInit {
  constructor(
    private readonly repo: JuryRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly applications: ApplicationsService,
    private readonly users: UsersRepository,
    private readonly auth: AuthService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly hooks: PhaseHooks,
    private readonly clock: Clock,
    private readonly files: FileStorage,
  ) {}

  onModuleInit(): void {
    // No jury configured: no facts, so a programme without a jury is not held back by these guards.
    this.hooks.provideFacts(async (em, programme) => {
      const jury = await this.repo.jury(em, programme.tenantId, programme.id);
      if (!jury) return {};
      return {
        voteClosed: jury.status === 'closed',
        confirmedLaureates: jury.confirmedAt ? await this.repo.countLaureates(em, programme.tenantId, programme.id) : 0,
      };
    });
    this.hooks.onEnter((em, change) => this.onPhaseEntered(em, change));
  }

  /**
   * Leaving the jury phase closes an open vote (a safety net: the `announced` guard already asks for a
   * closed vote). Entering `announced` sends the results if staff have confirmed but not yet announced,
   * in the same transaction as the move.
   */
  private async onPhaseEntered(em: EntityManager, change: PhaseChange): Promise<void> {
    const jury = await this.repo.lockJury(em, change.tenant.id, change.programme.id, 'update');
    if (!jury) return;
    if (change.from === 'jury' && jury.status === 'open') {
      await this.repo.updateJury(em, jury.id, { status: 'closed', closedAt: change.at, closedBy: 'phase' });
      await this.audit.record(em, {
        tenantId: change.tenant.id, actorUserId: null, action: 'jury.vote_closed', subjectType: 'programme', subjectId: change.programme.id,
        data: { by: 'phase', to: change.to },
      });
      jury.status = 'closed';
    }
    if (change.to === 'announced' && jury.confirmedAt && !jury.announcedAt) {
      await this.queueAnnouncement(em, change.tenant, change.programme, jury, null);
    }
  }

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
      criteria: (dto.criteria ?? []).map((c) => ({ id: c.id, labelFr: c.labelFr, labelEn: c.labelEn, weight: c.weight ?? 1, min: c.min ?? 0, max: c.max ?? 5 })),
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
        tenantId: tenant.id, actorUserId, action: 'jury.settings_saved', subjectType: 'programme', subjectId: programmeId,
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
      const user = await this.users.upsert(em, tenant.id, email, dto.displayName, dto.locale ?? null);
      const granted = await this.users.grant(em, tenant.id, user.id, 'juror', programmeId);
      if (granted) {
        await this.audit.record(em, {
          tenantId: tenant.id, actorUserId, action: 'person.role_granted', subjectType: 'user', subjectId: user.id,
          data: { role: 'juror', programmeId, email },
        });
        await this.auth.issueLink(em, tenant, user, siteUrl, 'invitation', `/jury/programmes/${programmeId}`, user.locale ?? dto.locale ?? tenant.defaultLocale, { role: 'juror' });
      }
      const member = await this.repo.insertMember(em, {
        tenantId: tenant.id, programmeId, userId: user.id, displayName: user.displayName, email: user.email,
        organisation: dto.organisation ?? '', weight: dto.weight ?? 1,
      });
      await this.audit.record(em, {
        tenantId: tenant.id, actorUserId, action: 'jury.member_added', subjectType: 'programme', subjectId: programmeId,
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
        tenantId: tenant.id, actorUserId, action: 'jury.member_updated', subjectType: 'programme', subjectId: jury.programmeId, data: { memberId, ...patch },
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
        tenantId: tenant.id, actorUserId, action: 'jury.member_removed', subjectType: 'programme', subjectId: programmeId, data: { memberId, email: member.email },
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
    const applicationIds = jury && jury.status !== 'setup'
      ? jury.applicationIds : (await this.repo.eligibleApplications(em, tenant.id, programmeId)).map((a) => a.id);
    const result = this.assign(settingsOf(jury), members, conflicts, applicationIds);
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
      const result = this.assign(settings, members, conflicts, apps.map((a) => a.id));
      await this.repo.replaceAssignments(em, tenant.id, programmeId, result.pairs);
      const now = this.clock.now();
      const applicationIds = apps.map((a) => a.id);
      await this.repo.updateJury(em, jury.id, { status: 'open', openedAt: now, applicationIds });
      await this.audit.record(em, {
        tenantId: tenant.id, actorUserId, action: 'jury.vote_opened', subjectType: 'programme', subjectId: programmeId,
        data: { method: jury.method, applications: apps.length, jurors: members.length, shortfalls: result.shortfalls.length, assignment: result.explanation.en },
      });
      return { ...jury, status: 'open', openedAt: now, applicationIds };
    });
  }

  async closeVote(tenant: Tenant, programmeId: string, actorUserId: string): Promise<Jury> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'update');
      if (!jury) throw new DomainError('JURY_NOT_CONFIGURED');
      if (jury.status === 'closed') return jury;
      if (jury.status !== 'open') throw new DomainError('JURY_VOTE_NOT_OPEN');
      const now = this.clock.now();
      await this.repo.updateJury(em, jury.id, { status: 'closed', closedAt: now, closedBy: 'staff' });
      await this.audit.record(em, { tenantId: tenant.id, actorUserId, action: 'jury.vote_closed', subjectType: 'programme', subjectId: programmeId, data: { by: 'staff' } });
      return { ...jury, status: 'closed', closedAt: now, closedBy: 'staff' };
    });
  }

  async progress(tenant: Tenant, programmeId: string): Promise<{ jury: Jury; jurors: JurorProgress[]; applications: ApplicationProgress[] }> {
    await this.programmes.found(tenant.id, programmeId);
    const state = await this.state(this.repo.manager, tenant.id, programmeId);
    const apps = await this.repo.applications(this.repo.manager, tenant.id, state.jury.applicationIds);
    return { jury: state.jury, ...computeProgress(state, apps) };
  }

  /**
   * E-mails every juror who has not finished. `requestKey` (the client's Idempotency-Key, else a new
   * id) makes a retried request a no-op, while a later request reminds them again.
   */
  async remind(tenant: Tenant, programmeId: string, actorUserId: string, requestKey?: string): Promise<{ reminded: number }> {
    const key = requestKey ?? randomUUID();
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      const programme = await this.programmes.found(tenant.id, programmeId, em);
      const state = await this.state(em, tenant.id, programmeId);
      if (state.jury.status !== 'open') throw new DomainError(state.jury.status === 'closed' ? 'VOTE_CLOSED' : 'JURY_VOTE_NOT_OPEN');
      const apps = await this.repo.applications(em, tenant.id, state.jury.applicationIds);
      const late = computeProgress(state, apps).jurors.filter((j) => !j.complete);
      let reminded = 0;
      for (const j of late) {
        const member = state.members.find((m) => m.id === j.memberId)!;
        const locale = await this.localeOf(em, tenant, member);
        const queued = await this.outbox.enqueue(em, {
          tenantId: tenant.id, template: 'jury-reminder', locale, to: member.email, toName: member.displayName,
          dedupeKey: `jury-reminder:${state.jury.id}:${member.id}:${key}`,
          payload: {
            name: member.displayName, programmeTitleFr: programme.titleFr, programmeTitleEn: programme.titleEn,
            evaluated: j.evaluated, expected: j.expected, link: `${siteUrl}/jury/programmes/${programmeId}`,
          },
        });
        if (queued) reminded++;
      }
      if (reminded) {
        await this.audit.record(em, { tenantId: tenant.id, actorUserId, action: 'jury.reminder_sent', subjectType: 'programme', subjectId: programmeId, data: { jurors: late.map((l) => l.memberId) } });
      }
      return { reminded };
    });
  }

  // ---- staff: results, confirmation, announcement ----------------------------------------------

  /** The ranking, each application's figures and explanation, and the proposal. Only once the vote is closed. */
  async results(tenant: Tenant, programmeId: string) {
    await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const state = await this.state(em, tenant.id, programmeId);
    if (state.jury.status !== 'closed') throw new DomainError('JURY_VOTE_NOT_CLOSED');
    const apps = await this.repo.applications(em, tenant.id, state.jury.applicationIds);
    const t = this.tallyOf(state, apps);
    const outcomes = await this.repo.outcomes(em, tenant.id, programmeId);
    return { jury: state.jury, apps, tally: t, outcomes, members: state.members };
  }

  /**
   * Confirms the laureates and the waiting list: the proposal by default; any other choice needs a
   * written justification, kept with the outcome and in the audit log. May be repeated until announced.
   */
  async confirm(tenant: Tenant, programmeId: string, dto: ConfirmDto, actorUserId: string): Promise<JuryOutcome[]> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'update');
      if (!jury) throw new DomainError('JURY_NOT_CONFIGURED');
      if (jury.status !== 'closed') throw new DomainError('JURY_VOTE_NOT_CLOSED');
      if (jury.announcedAt) throw new DomainError('JURY_ALREADY_ANNOUNCED');
      const state = await this.state(em, tenant.id, programmeId, jury);
      const apps = await this.repo.applications(em, tenant.id, jury.applicationIds);
      const { selection } = this.tallyOf(state, apps);
      const laureates = dto.laureates ?? [...selection.laureates];
      const waitingList = dto.waitingList ?? [...selection.waitingList];
      const candidates = new Set(jury.applicationIds);
      const all = [...laureates, ...waitingList];
      if (new Set(all).size !== all.length || all.some((id) => !candidates.has(id))) throw new DomainError('JURY_SELECTION_INVALID');
      const overridden = !sameList(laureates, selection.laureates) || !sameList(waitingList, selection.waitingList);
      const justification = dto.justification?.trim() ?? '';
      if (overridden && justification.length < MIN_JUSTIFICATION) {
        throw new DomainError('JURY_OVERRIDE_JUSTIFICATION_REQUIRED', {}, [{ field: 'justification', message: `must be at least ${MIN_JUSTIFICATION} characters when the lists differ from the proposal` }]);
      }
      const now = this.clock.now();
      const entry = new Map(selection.entries.map((e) => [e.applicationId, e]));
      const proposedLaureates = new Set(selection.laureates);
      const proposedWaiting = new Map(selection.waitingList.map((id, i) => [id, i + 1]));
      const rows = jury.applicationIds.map((applicationId) => {
        const li = laureates.indexOf(applicationId);
        const wi = waitingList.indexOf(applicationId);
        const status = li >= 0 ? 'laureate' as const : wi >= 0 ? 'waiting' as const : 'not_selected' as const;
        const proposed = proposedLaureates.has(applicationId) ? 'laureate' : proposedWaiting.has(applicationId) ? 'waiting' : 'not_selected';
        const e = entry.get(applicationId);
        return {
          applicationId, status, rank: e?.position ?? null, waitingPosition: wi >= 0 ? wi + 1 : null, score: e?.score ?? null,
          overridden: status !== proposed || (status === 'waiting' && proposedWaiting.get(applicationId) !== wi + 1),
          confirmedBy: actorUserId, confirmedAt: now,
        };
      });
      await this.repo.replaceOutcomes(em, tenant.id, programmeId, rows);
      await this.repo.updateJury(em, jury.id, { confirmedAt: now });
      await this.audit.record(em, {
        tenantId: tenant.id, actorUserId, action: overridden ? 'jury.laureates_overridden' : 'jury.laureates_confirmed',
        subjectType: 'programme', subjectId: programmeId,
        data: {
          laureates, waitingList, proposedLaureates: selection.laureates, proposedWaitingList: selection.waitingList,
          overridden, justification: overridden ? justification : null,
        },
      });
      return this.repo.outcomes(em, tenant.id, programmeId);
    });
  }

  /**
   * Announces the results: moves the programme to `announced` (its guards and listeners run, and the
   * listener queues the e-mails); when it is already there, queues them directly. Once only.
   */
  async announce(tenant: Tenant, programmeId: string, actorUserId: string, transition: (reason: string) => Promise<unknown>): Promise<Jury> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const jury = await this.repo.jury(this.repo.manager, tenant.id, programmeId);
    if (!jury) throw new DomainError('JURY_NOT_CONFIGURED');
    if (jury.announcedAt) throw new DomainError('JURY_ALREADY_ANNOUNCED');
    if (jury.status !== 'closed') throw new DomainError('JURY_VOTE_NOT_CLOSED');
    if (!jury.confirmedAt) throw new DomainError('JURY_NOT_CONFIRMED');
    if (programme.phase === 'jury') {
      await transition('jury results announced');
    } else {
      await this.tx.run(async (em) => {
        const p = await this.programmes.lockFound(em, tenant.id, programmeId);
        const j = (await this.repo.lockJury(em, tenant.id, programmeId, 'update'))!;
        if (j.announcedAt) throw new DomainError('JURY_ALREADY_ANNOUNCED');
        await this.queueAnnouncement(em, tenant, p, j, actorUserId);
      });
    }
    return (await this.repo.jury(this.repo.manager, tenant.id, programmeId))!;
  }

  private async queueAnnouncement(em: EntityManager, tenant: Tenant, programme: Programme, jury: Jury, actorUserId: string | null): Promise<void> {
    const outcomes = await this.repo.outcomes(em, tenant.id, programme.id);
    const apps = new Map((await this.repo.applications(em, tenant.id, outcomes.map((o) => o.applicationId))).map((a) => [a.id, a]));
    const siteUrl = await this.tenants.siteUrl(tenant);
    for (const o of outcomes) {
      const app = apps.get(o.applicationId);
      if (!app || !app.email) continue;
      await this.outbox.enqueue(em, {
        tenantId: tenant.id, template: 'jury-result', locale: app.locale, to: app.email, toName: app.applicantName,
        dedupeKey: `jury-result:${jury.id}:${app.id}`,
        payload: {
          title: app.title, receipt: app.receiptNumber, laureate: o.status === 'laureate', waiting: o.status === 'waiting',
          notSelected: o.status === 'not_selected', waitingPosition: o.waitingPosition,
          programmeTitleFr: programme.titleFr, programmeTitleEn: programme.titleEn, link: `${siteUrl}/programmes/${programme.slug}`,
        },
      });
    }
    const now = this.clock.now();
    await this.repo.updateJury(em, jury.id, { announcedAt: now });
    await this.audit.record(em, {
      tenantId: tenant.id, actorUserId, action: 'jury.results_announced', subjectType: 'programme', subjectId: programme.id,
      data: { laureates: outcomes.filter((o) => o.status === 'laureate').length, waiting: outcomes.filter((o) => o.status === 'waiting').length, total: outcomes.length },
    });
  }

  // ---- exports (after the close) ---------------------------------------------------------------

  /** Everything the exports need; refused while the vote is not closed. */
  async exportData(tenant: Tenant, programmeId: string) {
    await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const state = await this.state(em, tenant.id, programmeId);
    if (state.jury.status !== 'closed') throw new DomainError('JURY_VOTE_NOT_CLOSED');
    const apps = await this.repo.applications(em, tenant.id, state.jury.applicationIds);
    return { ...state, apps, settings: settingsOf(state.jury) };
  }

  // ---- staff: conflicts on a juror's behalf ----------------------------------------------------

  async staffConflict(tenant: Tenant, programmeId: string, memberId: string, applicationId: string, reason: string, actorUserId: string): Promise<void> {
    await this.tx.run(async (em) => {
      await this.programmes.found(tenant.id, programmeId, em);
      const member = await this.repo.member(em, tenant.id, programmeId, memberId);
      if (!member) throw new DomainError('NOT_FOUND');
      await this.declare(em, tenant, programmeId, member, applicationId, reason, actorUserId);
    });
  }

  // ---- jurors ----------------------------------------------------------------------------------

  /** The juror's list: assigned applications once the vote is open; before, the eligible ones (to declare conflicts early). */
  async mine(tenant: Tenant, programmeId: string, principal: Principal) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const member = await this.memberOf(em, tenant, programmeId, principal);
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    const settings = settingsOf(jury);
    const status = jury?.status ?? 'setup';
    const conflicts = new Set((await this.repo.conflicts(em, tenant.id, programmeId)).filter((c) => c.memberId === member.id).map((c) => c.applicationId));
    let ids: string[];
    if (status === 'setup') ids = (await this.repo.eligibleApplications(em, tenant.id, programmeId)).map((a) => a.id);
    else ids = (await this.repo.assignments(em, tenant.id, programmeId)).filter((a) => a.memberId === member.id).map((a) => a.applicationId);
    const apps = await this.repo.applications(em, tenant.id, ids);
    const ballots = new Map((await this.repo.ballots(em, tenant.id, programmeId, member.id)).map((b) => [b.applicationId, b]));
    const comparisons = await this.repo.comparisons(em, tenant.id, programmeId, member.id);
    const method = jury?.method ?? 'favourites';
    const items = apps.map((a) => {
      const b = ballots.get(a.id);
      return {
        applicationId: a.id, title: a.title, category: a.category, commune: a.commune, receiptNumber: a.receiptNumber,
        conflict: conflicts.has(a.id), scores: b?.scores ?? null, picked: b?.picked ?? false, rank: b?.rank ?? null,
        evaluated: !!b && (method === 'scored_criteria' ? !!b.scores : method === 'favourites' ? b.picked : b.rank !== null),
      };
    });
    // A declared conflict takes the application out of the list; it is only named among the conflicts.
    const open = items.filter((i) => !i.conflict);
    const declared = (await this.repo.applications(em, tenant.id, [...conflicts])).map((a) => ({ applicationId: a.id, title: a.title, receiptNumber: a.receiptNumber }));
    const evaluated = method === 'pairwise' ? comparisons.length : open.filter((i) => i.evaluated).length;
    return {
      programme, member, method, status, settings, items: open, conflicts: declared, comparisons: comparisons.length,
      progress: { assigned: open.length, evaluated, expected: expectedFor(method, settings, open.length) },
    };
  }

  /** One application as the juror reads it; blind review hides who the applicant is. */
  async readApplication(tenant: Tenant, programmeId: string, applicationId: string, principal: Principal, locale: 'fr' | 'en') {
    const em = this.repo.manager;
    const programme = await this.programmes.found(tenant.id, programmeId);
    const member = await this.memberOf(em, tenant, programmeId, principal);
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    const app = await this.visibleApplication(em, tenant, programmeId, jury, member, applicationId);
    const settings = settingsOf(jury);
    const call = await this.applications.getCall(tenant.id, programmeId);
    const hidden = settings.blindReview ? new Set(['applicant_name', 'organisation', 'email', 'phone']) : new Set<string>();
    const rows = this.applications.answerRows(call, app, locale).filter((r) => !hidden.has(r.key));
    const conflict = (await this.repo.conflicts(em, tenant.id, programmeId)).find((c) => c.memberId === member.id && c.applicationId === app.id) ?? null;
    const ballot = await this.repo.ballot(em, member.id, app.id);
    const note = await this.repo.note(em, member.id, app.id);
    const attachments = (await this.files.list(tenant.id, 'application', app.id))
      .filter((f) => app.answers[f.purpose] === f.id)
      .map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType, sizeBytes: f.sizeBytes }));
    const view: Record<string, unknown> = {
      id: app.id, title: app.title, summary: app.summary, category: app.category, commune: app.commune, goalCents: app.goalCents,
      receiptNumber: app.receiptNumber, answers: app.answers,
    };
    if (!settings.blindReview) Object.assign(view, { applicantName: app.applicantName, organisation: app.organisation, email: app.email, phone: app.phone });
    return {
      programme, member, method: jury?.method ?? 'favourites', status: jury?.status ?? 'setup', settings, application: view, rows,
      conflict: conflict ? { reason: conflict.reason, at: conflict.createdAt } : null,
      ballot: ballot ? { scores: ballot.scores, picked: ballot.picked, rank: ballot.rank, comment: ballot.comment, version: ballot.version, updatedAt: ballot.updatedAt } : null,
      note: note?.body ?? '', attachments,
    };
  }

  /** A file of an application the juror may read (assigned, no conflict); the same checks as reading it. */
  async readFile(tenant: Tenant, programmeId: string, applicationId: string, fileId: string, principal: Principal) {
    const em = this.repo.manager;
    await this.programmes.found(tenant.id, programmeId);
    const member = await this.memberOf(em, tenant, programmeId, principal);
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    const app = await this.visibleApplication(em, tenant, programmeId, jury, member, applicationId);
    const file = await this.files.get(tenant.id, fileId);
    // Only the file an answer currently points to: replaced uploads stay private to the applicant.
    if (!file || file.info.ownerType !== 'application' || file.info.ownerId !== app.id || app.answers[file.info.purpose] !== file.info.id) {
      throw new DomainError('NOT_FOUND');
    }
    return file;
  }

  async declareConflict(tenant: Tenant, programmeId: string, applicationId: string, reason: string, principal: Principal): Promise<void> {
    await this.tx.run(async (em) => {
      await this.programmes.found(tenant.id, programmeId, em);
      const member = await this.memberOf(em, tenant, programmeId, principal, true);
      await this.declare(em, tenant, programmeId, member, applicationId, reason, principal.userId);
    });
  }

  /**
   * A conflict takes the application out of the juror's list and ballot: their scores, pick, ranking
   * position and comparisons on it are withdrawn (the history keeps them).
   */
  private async declare(em: EntityManager, tenant: Tenant, programmeId: string, member: JuryMember, applicationId: string, reason: string, actorUserId: string): Promise<void> {
    const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'share');
    if (jury?.status === 'closed') throw new DomainError('VOTE_CLOSED');
    await this.visibleApplication(em, tenant, programmeId, jury, member, applicationId, { allowConflict: true });
    const now = this.clock.now();
    const added = await this.repo.insertConflict(em, { tenantId: tenant.id, programmeId, memberId: member.id, applicationId, reason, declaredBy: actorUserId, at: now });
    if (!added) return;
    const ballot = await this.repo.ballot(em, member.id, applicationId);
    if (ballot) await this.repo.deleteBallot(em, member.id, applicationId);
    await this.repo.deleteComparisonsWith(em, member.id, applicationId);
    if (ballot?.rank) await this.renumberRanking(em, tenant.id, programmeId, member.id);
    await this.repo.recordEvent(em, { tenantId: tenant.id, programmeId, memberId: member.id, applicationId, kind: 'conflict_declared', data: { reason, withdrew: !!ballot }, at: now });
    await this.audit.record(em, {
      tenantId: tenant.id, actorUserId, action: 'jury.conflict_declared', subjectType: 'application', subjectId: applicationId,
      data: { memberId: member.id, reason },
    });
  }

  /** Scores (scored criteria) or a pick (favourites) on one application, with an optional comment. */
  async castBallot(tenant: Tenant, programmeId: string, applicationId: string, input: { scores?: Record<string, number>; picked?: boolean; comment?: string }, principal: Principal) {
    return this.tx.run(async (em) => {
      const { jury, member, settings } = await this.votingContext(em, tenant, programmeId, principal);
      await this.assertMayVoteOn(em, tenant, programmeId, jury, member, applicationId);
      const previous = await this.repo.ballot(em, member.id, applicationId);
      const base = { tenantId: tenant.id, programmeId, memberId: member.id, applicationId };
      let next: Pick<JuryBallot, 'scores' | 'picked' | 'rank' | 'comment'>;
      if (jury.method === 'scored_criteria') {
        if (input.picked !== undefined) throw new DomainError('JURY_WRONG_METHOD', { method: jury.method });
        const scores = input.scores ?? previous?.scores;
        if (!scores) throw new DomainError('VALIDATION_FAILED', {}, [{ field: 'scores', message: 'score every criterion' }]);
        checkScores(settings, member.id, applicationId, scores);
        next = { scores, picked: false, rank: null, comment: input.comment ?? previous?.comment ?? '' };
      } else if (jury.method === 'favourites') {
        if (input.scores !== undefined) throw new DomainError('JURY_WRONG_METHOD', { method: jury.method });
        const picked = input.picked ?? previous?.picked ?? false;
        if (picked && !previous?.picked) {
          const mine = (await this.repo.ballots(em, tenant.id, programmeId, member.id)).filter((b) => b.picked).map((b) => b.applicationId);
          checkFavourites(settings, member.id, [...mine, applicationId]);
        }
        next = { scores: null, picked, rank: null, comment: input.comment ?? previous?.comment ?? '' };
      } else {
        // Ranking and pairwise ballots have their own routes; a comment is still welcome.
        if (input.scores !== undefined || input.picked !== undefined) throw new DomainError('JURY_WRONG_METHOD', { method: jury.method });
        next = { scores: previous?.scores ?? null, picked: false, rank: previous?.rank ?? null, comment: input.comment ?? previous?.comment ?? '' };
      }
      const changed = !previous || JSON.stringify(previous.scores) !== JSON.stringify(next.scores) || previous.picked !== next.picked || previous.comment !== next.comment;
      if (changed) {
        await this.repo.saveBallot(em, { ...base, ...next });
        await this.recorded(em, tenant, jury, member, applicationId, jury.method === 'favourites' ? (next.picked ? 'pick' : 'unpick') : 'scores', { scores: next.scores, picked: next.picked, comment: next.comment });
      }
      return (await this.repo.ballot(em, member.id, applicationId))!;
    });
  }

  /** Replaces the juror's whole set of favourites (what a form of checkboxes sends). */
  async setFavourites(tenant: Tenant, programmeId: string, applicationIds: string[], principal: Principal): Promise<string[]> {
    return this.tx.run(async (em) => {
      const { jury, member, settings } = await this.votingContext(em, tenant, programmeId, principal);
      if (jury.method !== 'favourites') throw new DomainError('JURY_WRONG_METHOD', { method: jury.method });
      checkFavourites(settings, member.id, applicationIds);
      for (const id of applicationIds) await this.assertMayVoteOn(em, tenant, programmeId, jury, member, id);
      const current = await this.repo.ballots(em, tenant.id, programmeId, member.id);
      const wanted = new Set(applicationIds);
      let changed = false;
      for (const b of current) {
        if (b.picked && !wanted.has(b.applicationId)) {
          await this.repo.saveBallot(em, { ...b, picked: false });
          changed = true;
        }
      }
      for (const id of applicationIds) {
        const b = current.find((x) => x.applicationId === id);
        if (b?.picked) continue;
        await this.repo.saveBallot(em, { tenantId: tenant.id, programmeId, memberId: member.id, applicationId: id, scores: null, picked: true, rank: null, comment: b?.comment ?? '' });
        changed = true;
      }
      if (changed) await this.recorded(em, tenant, jury, member, null, 'favourites', { applicationIds: [...applicationIds].sort() });
      return [...applicationIds];
    });
  }

  /** Replaces the juror's ranking (Borda), best first; applications left out are unranked. */
  async setRanking(tenant: Tenant, programmeId: string, applicationIds: string[], principal: Principal): Promise<string[]> {
    return this.tx.run(async (em) => {
      const { jury, member } = await this.votingContext(em, tenant, programmeId, principal);
      if (jury.method !== 'borda') throw new DomainError('JURY_WRONG_METHOD', { method: jury.method });
      if (new Set(applicationIds).size !== applicationIds.length) throw new DomainError('BALLOT_DUPLICATE_RANK', { jurorId: member.id });
      for (const id of applicationIds) await this.assertMayVoteOn(em, tenant, programmeId, jury, member, id);
      const current = await this.repo.ballots(em, tenant.id, programmeId, member.id);
      const before = current.filter((b) => b.rank !== null).sort((a, b) => a.rank! - b.rank!).map((b) => b.applicationId);
      if (sameList(before, applicationIds)) return applicationIds;
      for (const b of current) if (b.rank !== null && !applicationIds.includes(b.applicationId)) await this.repo.saveBallot(em, { ...b, rank: null });
      for (const [i, id] of applicationIds.entries()) {
        const b = current.find((x) => x.applicationId === id);
        await this.repo.saveBallot(em, { tenantId: tenant.id, programmeId, memberId: member.id, applicationId: id, scores: null, picked: false, rank: i + 1, comment: b?.comment ?? '' });
      }
      await this.recorded(em, tenant, jury, member, null, 'ranking', { applicationIds });
      return applicationIds;
    });
  }

  /** The pair this juror should compare next (pairwise), or null when none is left. */
  async nextPairFor(tenant: Tenant, programmeId: string, principal: Principal) {
    const em = this.repo.manager;
    await this.programmes.found(tenant.id, programmeId);
    const member = await this.memberOf(em, tenant, programmeId, principal);
    const state = await this.state(em, tenant.id, programmeId);
    if (state.jury.method !== 'pairwise') throw new DomainError('JURY_WRONG_METHOD', { method: state.jury.method });
    if (state.jury.status !== 'open') throw new DomainError(state.jury.status === 'closed' ? 'VOTE_CLOSED' : 'JURY_VOTE_NOT_OPEN');
    // Current strengths from everyone's comparisons guide the choice; they are not shown to the juror.
    const fit = this.tallyOf(state, []).result;
    const proposal = nextPair({
      jurorId: member.id,
      assignedApplicationIds: state.assignments.filter((a) => a.memberId === member.id).map((a) => a.applicationId),
      conflicts: state.conflicts.map((c) => ({ jurorId: c.memberId, applicationId: c.applicationId })),
      comparisons: state.comparisons.map(toComparison),
      scores: fit.scores,
    });
    if (!proposal) return null;
    const apps = new Map((await this.repo.applications(em, tenant.id, [proposal.first, proposal.second])).map((a) => [a.id, a]));
    const brief = (id: string) => ({ id, title: apps.get(id)?.title ?? '', summary: apps.get(id)?.summary ?? '', category: apps.get(id)?.category ?? null });
    return { first: brief(proposal.first), second: brief(proposal.second) };
  }

  async compare(tenant: Tenant, programmeId: string, winnerId: string, loserId: string, principal: Principal): Promise<void> {
    if (winnerId === loserId) throw new DomainError('BALLOT_INVALID_COMPARISON', { applicationId: winnerId });
    await this.tx.run(async (em) => {
      const { jury, member } = await this.votingContext(em, tenant, programmeId, principal);
      if (jury.method !== 'pairwise') throw new DomainError('JURY_WRONG_METHOD', { method: jury.method });
      await this.assertMayVoteOn(em, tenant, programmeId, jury, member, winnerId);
      await this.assertMayVoteOn(em, tenant, programmeId, jury, member, loserId);
      const changed = await this.repo.saveComparison(em, { tenantId: tenant.id, programmeId, memberId: member.id, winnerId, loserId });
      if (changed) await this.recorded(em, tenant, jury, member, null, 'comparison', { winnerId, loserId });
    });
  }

  /** Private notes: allowed whenever the juror may read the application, kept after the close. */
  async saveNote(tenant: Tenant, programmeId: string, applicationId: string, body: string, principal: Principal): Promise<void> {
    await this.tx.run(async (em) => {
      await this.programmes.found(tenant.id, programmeId, em);
      const member = await this.memberOf(em, tenant, programmeId, principal, true);
      const jury = await this.repo.jury(em, tenant.id, programmeId);
      await this.visibleApplication(em, tenant, programmeId, jury, member, applicationId, { allowConflict: true });
      await this.repo.saveNote(em, { tenantId: tenant.id, memberId: member.id, applicationId, body });
    });
  }

  // ---- internals -------------------------------------------------------------------------------

  tallyOf(state: VoteState, apps: Application[]): Tally {
    const settings = settingsOf(state.jury);
    const panel: Panel = {
      applicationIds: state.jury.applicationIds,
      jurors: state.members.map((m) => ({ id: m.id, weight: m.weight })),
      conflicts: state.conflicts.map((c) => ({ jurorId: c.memberId, applicationId: c.applicationId })),
      assignments: state.assignments.map((a) => ({ jurorId: a.memberId, applicationId: a.applicationId })),
    };
    const byApp = new Map(apps.map((a) => [a.id, a]));
    const keys: Record<string, Record<string, string>> = {};
    const groups: Record<string, Record<string, string>> = {};
    for (const id of state.jury.applicationIds) {
      const a = byApp.get(id);
      keys[id] = { submittedAt: a?.submittedAt ? new Date(a.submittedAt).toISOString() : '' };
      groups[id] = { category: a?.category ?? '', commune: a?.commune ?? '' };
    }
    const favourites = new Map<string, string[]>();
    const rankings = new Map<string, JuryBallot[]>();
    for (const b of state.ballots) {
      if (b.picked) favourites.set(b.memberId, [...(favourites.get(b.memberId) ?? []), b.applicationId]);
      if (b.rank !== null) rankings.set(b.memberId, [...(rankings.get(b.memberId) ?? []), b]);
    }
    return tally({
      method: state.jury.method,
      rules: { ...settings, criteria: settings.criteria.map((c) => ({ id: c.id, weight: c.weight, min: c.min, max: c.max })) },
      panel,
      ballots: {
        scores: state.ballots.filter((b) => b.scores).map((b) => ({ jurorId: b.memberId, applicationId: b.applicationId, scores: b.scores! })),
        favourites: [...favourites].map(([jurorId, applicationIds]) => ({ jurorId, applicationIds })),
        rankings: [...rankings].map(([jurorId, bs]) => ({ jurorId, ranking: bs.sort((x, y) => x.rank! - y.rank!).map((b) => b.applicationId) })),
        comparisons: state.comparisons.map(toComparison),
      },
      // The tie-breaker on submission time only matters when declared; when not declared it is ignored.
      keys: state.jury.settings.tieBreakers?.some((t) => t.key === 'submittedAt') ? keys : undefined,
      groups,
    });
  }

  private async state(em: EntityManager, tenantId: string, programmeId: string, jury?: Jury): Promise<VoteState> {
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

  private assign(settings: JurySettings, members: JuryMember[], conflicts: JuryConflict[], applicationIds: string[]): AssignmentResult {
    return assignJurors({
      applicationIds, jurors: members.map((m) => ({ id: m.id })),
      conflicts: conflicts.map((c) => ({ jurorId: c.memberId, applicationId: c.applicationId })),
      mode: settings.jurorsPerApplication ? { k: settings.jurorsPerApplication } : 'all',
    });
  }

  /** The jury locked for a ballot: open, and the juror's member row locked (one change at a time per juror). */
  private async votingContext(em: EntityManager, tenant: Tenant, programmeId: string, principal: Principal) {
    await this.programmes.found(tenant.id, programmeId, em);
    const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'share');
    const member = await this.memberOf(em, tenant, programmeId, principal, true);
    if (!jury || jury.status === 'setup') throw new DomainError('JURY_VOTE_NOT_OPEN');
    if (jury.status === 'closed') throw new DomainError('VOTE_CLOSED');
    return { jury, member, settings: settingsOf(jury) };
  }

  private async assertMayVoteOn(em: EntityManager, tenant: Tenant, programmeId: string, jury: Jury, member: JuryMember, applicationId: string): Promise<void> {
    await this.visibleApplication(em, tenant, programmeId, jury, member, applicationId);
  }

  /**
   * The application if this juror may read it: 404 when it is not one of the programme's, 403 when it
   * is not assigned to them, 409 when they declared a conflict (unless `allowConflict`).
   */
  private async visibleApplication(em: EntityManager, tenant: Tenant, programmeId: string, jury: Jury | null, member: JuryMember, applicationId: string, opts: { allowConflict?: boolean } = {}): Promise<Application> {
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

  /** History, and a confirmation e-mail (one per juror per window, never two for one change). */
  private async recorded(em: EntityManager, tenant: Tenant, jury: Jury, member: JuryMember, applicationId: string | null, kind: string, data: Record<string, unknown>): Promise<void> {
    const now = this.clock.now();
    await this.repo.recordEvent(em, { tenantId: tenant.id, programmeId: jury.programmeId, memberId: member.id, applicationId, kind, data, at: now });
    const programme = (await this.programmes.get(tenant.id, jury.programmeId, em))!;
    const locale = await this.localeOf(em, tenant, member);
    const window = Math.floor(now.getTime() / BALLOT_MAIL_WINDOW_MS);
    await this.outbox.enqueue(em, {
      tenantId: tenant.id, template: 'jury-ballot-recorded', locale, to: member.email, toName: member.displayName,
      dedupeKey: `jury-ballot:${jury.id}:${member.id}:${window}`,
      payload: {
        name: member.displayName, programmeTitleFr: programme.titleFr, programmeTitleEn: programme.titleEn,
        at: formatInstant(now, locale, tenant.timeZone), link: `${await this.tenants.siteUrl(tenant)}/jury/programmes/${programme.id}`,
      },
    });
  }

  private async renumberRanking(em: EntityManager, tenantId: string, programmeId: string, memberId: string): Promise<void> {
    const ranked = (await this.repo.ballots(em, tenantId, programmeId, memberId)).filter((b) => b.rank !== null).sort((a, b) => a.rank! - b.rank!);
    for (const [i, b] of ranked.entries()) if (b.rank !== i + 1) await this.repo.saveBallot(em, { ...b, rank: i + 1 });
  }

  private async memberOf(em: EntityManager, tenant: Tenant, programmeId: string, principal: Principal, lock = false): Promise<JuryMember> {
    const member = await this.repo.memberOfUser(em, tenant.id, programmeId, principal.userId, lock);
    if (!member) throw new DomainError('JURY_NOT_MEMBER');
    return member;
  }

  private async localeOf(em: EntityManager, tenant: Tenant, member: JuryMember): Promise<'fr' | 'en'> {
    return (await this.users.findById(tenant.id, member.userId, em))?.locale ?? tenant.defaultLocale;
  }



  private async setupJury(em: EntityManager, tenant: Tenant, programmeId: string): Promise<Jury> {
    await this.programmes.lockFound(em, tenant.id, programmeId);
    const jury = await this.repo.ensureJury(em, tenant.id, programmeId);
    if (jury.status !== 'setup') throw new DomainError('JURY_SETTINGS_LOCKED');
    return jury;
  }
}

export function settingsOf(jury: Jury | null): JurySettings {
  return { ...DEFAULT_SETTINGS, ...(jury?.settings ?? {}) };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function toComparison(c: JuryComparison) {
  return { jurorId: c.memberId, winnerId: c.winnerId, loserId: c.winnerId === c.firstId ? c.secondId : c.firstId };
}

/** Checked with the domain's own rules, on a one-ballot panel: the same codes as the count would throw. */
function checkScores(settings: JurySettings, memberId: string, applicationId: string, scores: Record<string, number>): void {
  aggregateScoredCriteria({
    applicationIds: [applicationId], jurors: [{ id: memberId, weight: 1 }],
    criteria: settings.criteria.map((c) => ({ id: c.id, weight: c.weight, min: c.min, max: c.max })),
    ballots: [{ jurorId: memberId, applicationId, scores }],
  });
}

function checkFavourites(settings: JurySettings, memberId: string, applicationIds: string[]): void {
  aggregateFavourites({ applicationIds, jurors: [{ id: memberId, weight: 1 }], ballots: [{ jurorId: memberId, applicationIds }], maxFavourites: settings.maxFavourites });
}

function expectedFor(method: JuryMethod, settings: JurySettings, assigned: number): number {
  if (method === 'favourites') return Math.min(settings.maxFavourites, assigned);
  if (method === 'pairwise') return Math.max(0, assigned - 1);
  return assigned;
}

/** Per juror and per application, from the stored rows (conflicts excluded from what is expected). */
export function computeProgress(state: VoteState, apps: Application[]): { jurors: JurorProgress[]; applications: ApplicationProgress[] } {
  const settings = settingsOf(state.jury);
  const method = state.jury.method;
  const conflict = new Set(state.conflicts.map((c) => `${c.memberId}:${c.applicationId}`));
  const counts = (b: JuryBallot) => (method === 'scored_criteria' ? !!b.scores : method === 'favourites' ? b.picked : method === 'borda' ? b.rank !== null : false);
  const jurors = state.members.map((m) => {
    const assigned = state.assignments.filter((a) => a.memberId === m.id && !conflict.has(`${m.id}:${a.applicationId}`)).length;
    const conflicts = state.conflicts.filter((c) => c.memberId === m.id).length;
    const evaluated = method === 'pairwise'
      ? state.comparisons.filter((c) => c.memberId === m.id).length
      : state.ballots.filter((b) => b.memberId === m.id && counts(b)).length;
    const expected = expectedFor(method, settings, assigned);
    return { memberId: m.id, displayName: m.displayName, organisation: m.organisation, weight: m.weight, assigned, conflicts, evaluated, expected, complete: evaluated >= expected };
  });
  const byApp = new Map(apps.map((a) => [a.id, a]));
  const applications = state.jury.applicationIds.map((id) => {
    const a = byApp.get(id);
    const jurorsOn = state.assignments.filter((x) => x.applicationId === id && !conflict.has(`${x.memberId}:${id}`)).length;
    const evaluations = method === 'pairwise'
      ? new Set(state.comparisons.filter((c) => c.firstId === id || c.secondId === id).map((c) => c.memberId)).size
      : state.ballots.filter((b) => b.applicationId === id && counts(b)).length;
    return {
      applicationId: id, title: a?.title ?? '', receiptNumber: a?.receiptNumber ?? null, jurors: jurorsOn, evaluations,
      conflicts: state.conflicts.filter((c) => c.applicationId === id).length,
    };
  });
  return { jurors, applications };
}
