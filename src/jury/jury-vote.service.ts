import { contentFallbacks, type Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApplicationsService } from '../applications/applications.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { formatInstant } from '../common/web/view.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { FileStorage } from '../storage/file-storage.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { nextPair } from './domain/index.js';
import type { Jury, JuryBallot, JuryMember } from './jury.entity.js';
import { JuryLookups } from './jury-lookups.service.js';
import { JuryRepository } from './jury.repository.js';
import { settingsOf } from './jury.settings.js';
import { checkFavourites, checkScores, expectedFor, sameList, tallyOf, toComparison } from './jury-vote.util.js';

/** A confirmation e-mail per juror per window: a burst of changes (ten picks in a row) sends one. */
const BALLOT_MAIL_WINDOW_MS = 10 * 60_000;

/** The juror's portal: their list, reading an application and its files, conflicts, ballots, comparisons and private notes. */
@Injectable()
export class JuryVoteService {
  constructor(
    private readonly repo: JuryRepository,
    private readonly lookups: JuryLookups,
    private readonly programmes: ProgrammesRepository,
    private readonly applications: ApplicationsService,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly files: FileStorage,
  ) {}

  // ---- jurors ----------------------------------------------------------------------------------

  /** The juror's list: assigned applications once the vote is open; before, the eligible ones (to declare conflicts early). */
  async mine(tenant: Tenant, programmeId: string, principal: Principal) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const member = await this.lookups.memberOf(em, tenant, programmeId, principal);
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
    // Jurors read a category's label in their language, never its key.
    const labels = new Map(((await this.applications.findCall(tenant.id, programmeId))?.categories ?? []).map((c) => [c.key, c.label]));
    const items = apps.map((a) => {
      const b = ballots.get(a.id);
      return {
        applicationId: a.id,
        title: a.title,
        titleLang: a.locale,
        category: a.category,
        categoryLabel: a.category ? (labels.get(a.category) ?? null) : null,
        commune: a.commune,
        receiptNumber: a.receiptNumber,
        conflict: conflicts.has(a.id),
        scores: b?.scores ?? null,
        picked: b?.picked ?? false,
        rank: b?.rank ?? null,
        evaluated: !!b && (method === 'scored_criteria' ? !!b.scores : method === 'favourites' ? b.picked : b.rank !== null),
      };
    });
    // A declared conflict takes the application out of the list; it is only named among the conflicts.
    const open = items.filter((i) => !i.conflict);
    const declared = (await this.repo.applications(em, tenant.id, [...conflicts])).map((a) => ({
      applicationId: a.id,
      title: a.title,
      titleLang: a.locale,
      receiptNumber: a.receiptNumber,
    }));
    const evaluated = method === 'pairwise' ? comparisons.length : open.filter((i) => i.evaluated).length;
    return {
      programme,
      member,
      method,
      status,
      settings,
      items: open,
      conflicts: declared,
      comparisons: comparisons.length,
      progress: { assigned: open.length, evaluated, expected: expectedFor(method, settings, open.length) },
    };
  }

  /** One application as the juror reads it; blind review hides who the applicant is. */
  async readApplication(tenant: Tenant, programmeId: string, applicationId: string, principal: Principal, locale: Locale) {
    const em = this.repo.manager;
    const programme = await this.programmes.found(tenant.id, programmeId);
    const member = await this.lookups.memberOf(em, tenant, programmeId, principal);
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    const app = await this.lookups.visibleApplication(em, tenant, programmeId, jury, member, applicationId);
    const settings = settingsOf(jury);
    const call = await this.applications.getCall(tenant.id, programmeId);
    const hidden = settings.blindReview ? new Set(['applicant_name', 'organisation', 'email', 'phone']) : new Set<string>();
    const rows = this.applications.answerRows(call, app, locale, contentFallbacks(tenant)).filter((r) => !hidden.has(r.key));
    const conflict = (await this.repo.conflicts(em, tenant.id, programmeId)).find((c) => c.memberId === member.id && c.applicationId === app.id) ?? null;
    const ballot = await this.repo.ballot(em, member.id, app.id);
    const note = await this.repo.note(em, member.id, app.id);
    const attachments = (await this.files.list(tenant.id, 'application', app.id))
      .filter((f) => app.answers[f.purpose] === f.id)
      .map((f) => ({ id: f.id, filename: f.filename, contentType: f.contentType, sizeBytes: f.sizeBytes }));
    const view: Record<string, unknown> = {
      id: app.id,
      title: app.title,
      summary: app.summary,
      locale: app.locale,
      category: app.category,
      commune: app.commune,
      goalCents: app.goalCents,
      receiptNumber: app.receiptNumber,
      answers: app.answers,
    };
    if (!settings.blindReview) Object.assign(view, { applicantName: app.applicantName, organisation: app.organisation, email: app.email, phone: app.phone });
    return {
      programme,
      member,
      method: jury?.method ?? 'favourites',
      status: jury?.status ?? 'setup',
      settings,
      application: view,
      rows,
      conflict: conflict ? { reason: conflict.reason, at: conflict.createdAt } : null,
      ballot: ballot
        ? { scores: ballot.scores, picked: ballot.picked, rank: ballot.rank, comment: ballot.comment, version: ballot.version, updatedAt: ballot.updatedAt }
        : null,
      note: note?.body ?? '',
      attachments,
    };
  }

  /** A file of an application the juror may read (assigned, no conflict); the same checks as reading it. */
  async readFile(tenant: Tenant, programmeId: string, applicationId: string, fileId: string, principal: Principal) {
    const em = this.repo.manager;
    await this.programmes.found(tenant.id, programmeId);
    const member = await this.lookups.memberOf(em, tenant, programmeId, principal);
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    const app = await this.lookups.visibleApplication(em, tenant, programmeId, jury, member, applicationId);
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
      const member = await this.lookups.memberOf(em, tenant, programmeId, principal, true);
      await this.lookups.declareConflict(em, tenant, programmeId, member, applicationId, reason, principal.userId);
    });
  }

  /** True when a conflict was withdrawn, false when there was none; 409 once the vote is open. */
  async withdrawConflict(tenant: Tenant, programmeId: string, applicationId: string, principal: Principal): Promise<boolean> {
    return this.tx.run(async (em) => {
      await this.programmes.found(tenant.id, programmeId, em);
      const member = await this.lookups.memberOf(em, tenant, programmeId, principal, true);
      return this.lookups.withdrawConflict(em, tenant, programmeId, member, applicationId, principal.userId);
    });
  }

  /** Scores (scored criteria) or a pick (favourites) on one application, with an optional comment. */
  async castBallot(
    tenant: Tenant,
    programmeId: string,
    applicationId: string,
    input: { scores?: Record<string, number>; picked?: boolean; comment?: string },
    principal: Principal,
  ) {
    return this.tx.run(async (em) => {
      const { jury, member, settings } = await this.votingContext(em, tenant, programmeId, principal);
      await this.assertMayVoteOn(em, tenant, programmeId, jury, member, applicationId);
      const previous = await this.repo.ballot(em, member.id, applicationId);
      const base = { tenantId: tenant.id, programmeId, memberId: member.id, applicationId };
      let next: Pick<JuryBallot, 'scores' | 'picked' | 'rank' | 'comment'>;
      if (jury.method === 'scored_criteria') {
        if (input.picked !== undefined) throw new DomainError('JURY_WRONG_METHOD', { method: jury.method });
        const scores = input.scores ?? previous?.scores;
        if (!scores) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('scores', 'validation.scoreEvery')]);
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
      const changed =
        !previous || JSON.stringify(previous.scores) !== JSON.stringify(next.scores) || previous.picked !== next.picked || previous.comment !== next.comment;
      if (changed) {
        await this.repo.saveBallot(em, { ...base, ...next });
        await this.recorded(em, tenant, jury, member, applicationId, jury.method === 'favourites' ? (next.picked ? 'pick' : 'unpick') : 'scores', {
          scores: next.scores,
          picked: next.picked,
          comment: next.comment,
        });
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
        await this.repo.saveBallot(em, {
          tenantId: tenant.id,
          programmeId,
          memberId: member.id,
          applicationId: id,
          scores: null,
          picked: true,
          rank: null,
          comment: b?.comment ?? '',
        });
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
      const before = current
        .filter((b) => b.rank !== null)
        .sort((a, b) => a.rank! - b.rank!)
        .map((b) => b.applicationId);
      if (sameList(before, applicationIds)) return applicationIds;
      for (const b of current) if (b.rank !== null && !applicationIds.includes(b.applicationId)) await this.repo.saveBallot(em, { ...b, rank: null });
      for (const [i, id] of applicationIds.entries()) {
        const b = current.find((x) => x.applicationId === id);
        await this.repo.saveBallot(em, {
          tenantId: tenant.id,
          programmeId,
          memberId: member.id,
          applicationId: id,
          scores: null,
          picked: false,
          rank: i + 1,
          comment: b?.comment ?? '',
        });
      }
      await this.recorded(em, tenant, jury, member, null, 'ranking', { applicationIds });
      return applicationIds;
    });
  }

  /** The pair this juror should compare next (pairwise), or null when none is left. */
  async nextPairFor(tenant: Tenant, programmeId: string, principal: Principal) {
    const em = this.repo.manager;
    await this.programmes.found(tenant.id, programmeId);
    const member = await this.lookups.memberOf(em, tenant, programmeId, principal);
    const state = await this.lookups.state(em, tenant.id, programmeId);
    if (state.jury.method !== 'pairwise') throw new DomainError('JURY_WRONG_METHOD', { method: state.jury.method });
    if (state.jury.status !== 'open') throw new DomainError(state.jury.status === 'closed' ? 'VOTE_CLOSED' : 'JURY_VOTE_NOT_OPEN');
    // Current strengths from everyone's comparisons guide the choice; they are not shown to the juror.
    const fit = tallyOf(state, []).result;
    const proposal = nextPair({
      jurorId: member.id,
      assignedApplicationIds: state.assignments.filter((a) => a.memberId === member.id).map((a) => a.applicationId),
      conflicts: state.conflicts.map((c) => ({ jurorId: c.memberId, applicationId: c.applicationId })),
      comparisons: state.comparisons.map(toComparison),
      scores: fit.scores,
    });
    if (!proposal) return null;
    const apps = new Map((await this.repo.applications(em, tenant.id, [proposal.first, proposal.second])).map((a) => [a.id, a]));
    const brief = (id: string) => ({
      id,
      title: apps.get(id)?.title ?? '',
      summary: apps.get(id)?.summary ?? '',
      locale: apps.get(id)?.locale ?? null,
      category: apps.get(id)?.category ?? null,
    });
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
      const member = await this.lookups.memberOf(em, tenant, programmeId, principal, true);
      const jury = await this.repo.jury(em, tenant.id, programmeId);
      await this.lookups.visibleApplication(em, tenant, programmeId, jury, member, applicationId, { allowConflict: true });
      await this.repo.saveNote(em, { tenantId: tenant.id, memberId: member.id, applicationId, body });
    });
  }

  // ---- internals -------------------------------------------------------------------------------

  /** The jury locked for a ballot: open, and the juror's member row locked (one change at a time per juror). */
  private async votingContext(em: EntityManager, tenant: Tenant, programmeId: string, principal: Principal) {
    await this.programmes.found(tenant.id, programmeId, em);
    const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'share');
    const member = await this.lookups.memberOf(em, tenant, programmeId, principal, true);
    if (!jury || jury.status === 'setup') throw new DomainError('JURY_VOTE_NOT_OPEN');
    if (jury.status === 'closed') throw new DomainError('VOTE_CLOSED');
    return { jury, member, settings: settingsOf(jury) };
  }

  private async assertMayVoteOn(em: EntityManager, tenant: Tenant, programmeId: string, jury: Jury, member: JuryMember, applicationId: string): Promise<void> {
    await this.lookups.visibleApplication(em, tenant, programmeId, jury, member, applicationId);
  }

  /** History, and a confirmation e-mail (one per juror per window, never two for one change). */
  private async recorded(
    em: EntityManager,
    tenant: Tenant,
    jury: Jury,
    member: JuryMember,
    applicationId: string | null,
    kind: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const now = this.clock.now();
    await this.repo.recordEvent(em, { tenantId: tenant.id, programmeId: jury.programmeId, memberId: member.id, applicationId, kind, data, at: now });
    const programme = (await this.programmes.get(tenant.id, jury.programmeId, em))!;
    const locale = await this.lookups.localeOf(em, tenant, member);
    const window = Math.floor(now.getTime() / BALLOT_MAIL_WINDOW_MS);
    await this.outbox.enqueue(em, {
      tenantId: tenant.id,
      template: 'jury-ballot-recorded',
      locale,
      to: member.email,
      toName: member.displayName,
      dedupeKey: `jury-ballot:${jury.id}:${member.id}:${window}`,
      payload: {
        name: member.displayName,
        programmeTitle: programme.title,
        at: formatInstant(now, locale, tenant.timeZone),
        link: `${await this.tenants.siteUrl(tenant)}/jury/programmes/${programme.id}`,
      },
    });
  }
}
