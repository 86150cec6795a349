import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { newDrawSeed } from './domain/index.js';
import type { ConfirmDto } from './dto/jury.dto.js';
import type { Jury, JuryOutcome } from './jury.entity.js';
import { JuryLookups } from './jury-lookups.service.js';
import { JuryRepository } from './jury.repository.js';
import { settingsOf } from './jury.settings.js';
import { computeProgress, sameList, tallyOf, type ApplicationProgress, type JurorProgress } from './jury-vote.util.js';

const MIN_JUSTIFICATION = 10;

/** Staff follow and close the vote, read the ranking, confirm the laureates and the waiting list, announce, export. */
@Injectable()
export class JuryResultsService {
  constructor(
    private readonly repo: JuryRepository,
    private readonly lookups: JuryLookups,
    private readonly programmes: ProgrammesRepository,
    private readonly lifecycle: ProgrammesService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
  ) {}

  // ---- staff: the vote -------------------------------------------------------------------------

  async closeVote(tenant: Tenant, programmeId: string, actorUserId: string): Promise<Jury> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const jury = await this.repo.lockJury(em, tenant.id, programmeId, 'update');
      if (!jury) throw new DomainError('JURY_NOT_CONFIGURED');
      if (jury.status === 'closed') return jury;
      if (jury.status !== 'open') throw new DomainError('JURY_VOTE_NOT_OPEN');
      const now = this.clock.now();
      await this.repo.updateJury(em, jury.id, { status: 'closed', closedAt: now, closedBy: 'staff' });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.vote_closed',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { by: 'staff' },
      });
      return this.sealDraw(em, tenant, { ...jury, status: 'closed', closedAt: now, closedBy: 'staff' }, actorUserId);
    });
  }

  /**
   * Draws the seed of the last-resort tie-break, once per vote: when it closes (by staff or by the
   * phase), or at the first count of a vote closed before draws existed. The audit log keeps the seed
   * and every tie it settles, with each application's title and ticket, so the draw can be redone.
   */
  async sealDraw(em: EntityManager, tenant: Tenant, jury: Jury, actorUserId: string | null): Promise<Jury> {
    if (jury.drawSeed || jury.status !== 'closed') return jury;
    const { seed, won } = await this.repo.setDrawSeed(em, jury.id, newDrawSeed());
    const sealed = { ...jury, drawSeed: seed };
    if (!won) return sealed;
    const state = await this.lookups.state(em, tenant.id, jury.programmeId, sealed);
    const apps = await this.repo.applications(em, tenant.id, jury.applicationIds);
    const titles = new Map(apps.map((a) => [a.id, a.title]));
    const { selection } = tallyOf(state, apps);
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId,
      action: 'jury.tie_draw',
      subjectType: 'programme',
      subjectId: jury.programmeId,
      data: {
        seed,
        method: 'HMAC-SHA-256(seed, applicationId), smallest first',
        ties: selection.draw.ties.map((t) => ({
          score: t.score,
          applications: t.applicationIds.map((id, i) => ({ applicationId: id, title: titles.get(id) ?? '', ticket: t.tickets[i] })),
        })),
      },
    });
    return sealed;
  }

  async progress(tenant: Tenant, programmeId: string): Promise<{ jury: Jury; jurors: JurorProgress[]; applications: ApplicationProgress[] }> {
    await this.programmes.found(tenant.id, programmeId);
    const state = await this.lookups.state(this.repo.manager, tenant.id, programmeId);
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
      const state = await this.lookups.state(em, tenant.id, programmeId);
      if (state.jury.status !== 'open') throw new DomainError(state.jury.status === 'closed' ? 'VOTE_CLOSED' : 'JURY_VOTE_NOT_OPEN');
      const apps = await this.repo.applications(em, tenant.id, state.jury.applicationIds);
      const late = computeProgress(state, apps).jurors.filter((j) => !j.complete);
      let reminded = 0;
      for (const j of late) {
        const member = state.members.find((m) => m.id === j.memberId)!;
        const locale = await this.lookups.localeOf(em, tenant, member);
        const queued = await this.outbox.enqueue(em, {
          tenantId: tenant.id,
          template: 'jury-reminder',
          locale,
          to: member.email,
          toName: member.displayName,
          dedupeKey: `jury-reminder:${state.jury.id}:${member.id}:${key}`,
          payload: {
            name: member.displayName,
            programmeTitle: programme.title,
            evaluated: j.evaluated,
            expected: j.expected,
            link: `${siteUrl}/jury/programmes/${programmeId}`,
          },
        });
        if (queued) reminded++;
      }
      if (reminded) {
        await this.audit.record(em, {
          tenantId: tenant.id,
          actorUserId,
          action: 'jury.reminder_sent',
          subjectType: 'programme',
          subjectId: programmeId,
          data: { jurors: late.map((l) => l.memberId) },
        });
      }
      return { reminded };
    });
  }

  // ---- staff: results, confirmation, announcement ----------------------------------------------

  /** The ranking, each application's figures and explanation, and the proposal. Only once the vote is closed. */
  async results(tenant: Tenant, programmeId: string) {
    await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    let state = await this.lookups.state(em, tenant.id, programmeId);
    if (state.jury.status !== 'closed') throw new DomainError('JURY_VOTE_NOT_CLOSED');
    if (!state.jury.drawSeed) {
      const sealed = await this.tx.run((tx) => this.sealDraw(tx, tenant, state.jury, null));
      state = { ...state, jury: sealed };
    }
    const apps = await this.repo.applications(em, tenant.id, state.jury.applicationIds);
    const t = tallyOf(state, apps);
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
      const state = await this.lookups.state(em, tenant.id, programmeId, await this.sealDraw(em, tenant, jury, actorUserId));
      const apps = await this.repo.applications(em, tenant.id, jury.applicationIds);
      const { selection } = tallyOf(state, apps);
      const laureates = dto.laureates ?? [...selection.laureates];
      const waitingList = dto.waitingList ?? [...selection.waitingList];
      const candidates = new Set(jury.applicationIds);
      const all = [...laureates, ...waitingList];
      if (new Set(all).size !== all.length || all.some((id) => !candidates.has(id))) throw new DomainError('JURY_SELECTION_INVALID');
      const overridden = !sameList(laureates, selection.laureates) || !sameList(waitingList, selection.waitingList);
      const justification = dto.justification?.trim() ?? '';
      if (overridden && justification.length < MIN_JUSTIFICATION) {
        throw new DomainError('JURY_OVERRIDE_JUSTIFICATION_REQUIRED', {}, [
          fieldProblem('justification', 'validation.justificationLength', { min: MIN_JUSTIFICATION }),
        ]);
      }
      const now = this.clock.now();
      const entry = new Map(selection.entries.map((e) => [e.applicationId, e]));
      const proposedLaureates = new Set(selection.laureates);
      const proposedWaiting = new Map(selection.waitingList.map((id, i) => [id, i + 1]));
      const rows = jury.applicationIds.map((applicationId) => {
        const li = laureates.indexOf(applicationId);
        const wi = waitingList.indexOf(applicationId);
        const status = li >= 0 ? ('laureate' as const) : wi >= 0 ? ('waiting' as const) : ('not_selected' as const);
        const proposed = proposedLaureates.has(applicationId) ? 'laureate' : proposedWaiting.has(applicationId) ? 'waiting' : 'not_selected';
        const e = entry.get(applicationId);
        return {
          applicationId,
          status,
          rank: e?.position ?? null,
          waitingPosition: wi >= 0 ? wi + 1 : null,
          score: e?.score ?? null,
          overridden: status !== proposed || (status === 'waiting' && proposedWaiting.get(applicationId) !== wi + 1),
          confirmedBy: actorUserId,
          confirmedAt: now,
        };
      });
      await this.repo.replaceOutcomes(em, tenant.id, programmeId, rows);
      await this.repo.updateJury(em, jury.id, { confirmedAt: now });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: overridden ? 'jury.laureates_overridden' : 'jury.laureates_confirmed',
        subjectType: 'programme',
        subjectId: programmeId,
        data: {
          laureates,
          waitingList,
          proposedLaureates: selection.laureates,
          proposedWaitingList: selection.waitingList,
          overridden,
          justification: overridden ? justification : null,
        },
      });
      return this.repo.outcomes(em, tenant.id, programmeId);
    });
  }

  /**
   * Announces the results: moves the programme to `announced` (its guards and listeners run, and the
   * listener queues the e-mails); when it is already there, queues them directly. Once only.
   */
  async announce(tenant: Tenant, programmeId: string, actorUserId: string): Promise<Jury> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const jury = await this.repo.jury(this.repo.manager, tenant.id, programmeId);
    if (!jury) throw new DomainError('JURY_NOT_CONFIGURED');
    if (jury.announcedAt) throw new DomainError('JURY_ALREADY_ANNOUNCED');
    if (jury.status !== 'closed') throw new DomainError('JURY_VOTE_NOT_CLOSED');
    if (!jury.confirmedAt) throw new DomainError('JURY_NOT_CONFIRMED');
    if (programme.phase === 'jury') {
      await this.lifecycle.transition(
        tenant,
        programmeId,
        'announced',
        // A code, not a sentence: the programme's history says it in its reader's language.
        'phaseReason.juryAnnounced',
        actorUserId,
        'jury',
      );
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

  /** The results e-mails to every applicant of the vote, and the announcement recorded. */
  async queueAnnouncement(em: EntityManager, tenant: Tenant, programme: Programme, jury: Jury, actorUserId: string | null): Promise<void> {
    const outcomes = await this.repo.outcomes(em, tenant.id, programme.id);
    const apps = new Map(
      (
        await this.repo.applications(
          em,
          tenant.id,
          outcomes.map((o) => o.applicationId),
        )
      ).map((a) => [a.id, a]),
    );
    const siteUrl = await this.tenants.siteUrl(tenant);
    for (const o of outcomes) {
      const app = apps.get(o.applicationId);
      if (!app || !app.email) continue;
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'jury-result',
        locale: app.locale,
        to: app.email,
        toName: app.applicantName,
        dedupeKey: `jury-result:${jury.id}:${app.id}`,
        payload: {
          title: app.title,
          receipt: app.receiptNumber,
          laureate: o.status === 'laureate',
          waiting: o.status === 'waiting',
          notSelected: o.status === 'not_selected',
          waitingPosition: o.waitingPosition,
          programmeTitle: programme.title,
          link: `${siteUrl}/programmes/${programme.slug}`,
        },
      });
    }
    const now = this.clock.now();
    await this.repo.updateJury(em, jury.id, { announcedAt: now });
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId,
      action: 'jury.results_announced',
      subjectType: 'programme',
      subjectId: programme.id,
      data: {
        laureates: outcomes.filter((o) => o.status === 'laureate').length,
        waiting: outcomes.filter((o) => o.status === 'waiting').length,
        total: outcomes.length,
      },
    });
  }

  // ---- exports (after the close) ---------------------------------------------------------------

  /** Everything the exports need; refused while the vote is not closed. */
  async exportData(tenant: Tenant, programmeId: string) {
    await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const state = await this.lookups.state(em, tenant.id, programmeId);
    if (state.jury.status !== 'closed') throw new DomainError('JURY_VOTE_NOT_CLOSED');
    const apps = await this.repo.applications(em, tenant.id, state.jury.applicationIds);
    return { ...state, apps, settings: settingsOf(state.jury) };
  }
}
