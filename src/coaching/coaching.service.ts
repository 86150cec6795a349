import { sharedTranslations } from '../common/web/i18n.js';
import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { hashToken, newSecretToken } from '../auth/domain/tokens.js';
import { PeopleQuery } from '../auth/people.query.js';
import { Clock } from '../common/clock/clock.js';
import { cleanLocalized, hasText } from '../common/i18n/localized.js';
import { textIn } from '../common/web/language-fields.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { LaureatesQuery } from '../jury/laureates.query.js';
import { LaureateChanges } from '../jury/laureate-changes.js';
import { PhaseHooks, type PhaseChange } from '../programmes/phase-hooks.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { CoachingMilestone, CoachingPlan, StoredMilestone } from './coaching.entity.js';
import { CoachingRepository, type LaureateRow } from './coaching.repository.js';
import { CoachingSessionsService } from './coaching-sessions.service.js';
import { writeCalendar } from './domain/ics.js';
import { addCalendarDays, wallTimeAt } from './domain/local-time.js';
import { effectiveStatus, type LaureateMilestone, type MilestoneStatus } from './domain/milestone-status.js';
import { assertValidMilestones, milestoneInstant, type Milestone } from './domain/milestones.js';
import { readiness, type Readiness } from './domain/readiness.js';
import { readinessBlockers } from './domain/readiness-guard.js';
import type { MilestoneDto } from './dto/coaching.dto.js';

const MIN_OVERRIDE_REASON = 10;

/** One laureate's milestone as shown: the stored row with the status the clock gives it. */
export type MilestoneView = CoachingMilestone & { effective: MilestoneStatus };

export interface LaureateSchedule {
  laureate: LaureateRow;
  milestones: MilestoneView[];
  readiness: Readiness;
}

/** The plan's milestones in the API's flat shape. */
export function milestoneToDto(m: StoredMilestone): MilestoneDto {
  return {
    id: m.id,
    kind: m.kind,
    title: m.title,
    description: m.description ?? {},
    required: m.required,
    ...(m.date.kind === 'absolute' ? { at: m.date.at } : { days: m.date.days, ...(m.date.time ? { time: m.date.time } : {}) }),
    ...(m.location?.kind === 'place' ? { place: m.location.address } : m.location?.kind === 'video' ? { videoUrl: m.location.url } : {}),
    ...(m.durationMinutes ? { durationMinutes: m.durationMinutes } : {}),
    ...(m.evidence ? { evidence: m.evidence } : {}),
  };
}

function toDomain(m: StoredMilestone): Milestone {
  const date = m.date.kind === 'absolute' ? { kind: 'absolute' as const, at: new Date(m.date.at) } : m.date;
  if (m.kind === 'session')
    return { id: m.id, kind: 'session', title: m.title, required: m.required, date, location: m.location!, durationMinutes: m.durationMinutes };
  return { id: m.id, kind: 'deliverable', title: m.title, required: m.required, date, evidence: m.evidence! };
}

/** The flat DTOs into stored milestones, with every problem named by field. */
export function planFromDtos(dtos: readonly MilestoneDto[]): StoredMilestone[] {
  const problems: FieldProblem[] = [];
  const used = new Set(dtos.map((d) => d.id).filter(Boolean));
  const out = dtos.map((d, i): StoredMilestone => {
    const f = (name: string) => `milestones.${i}.${name}`;
    let id = d.id;
    if (!id) {
      do id = `m-${randomBytes(3).toString('hex')}`;
      while (used.has(id));
      used.add(id);
    }
    if ((d.at === undefined) === (d.days === undefined)) problems.push(fieldProblem(f('at'), 'validation.atOrDays'));
    if (d.time !== undefined && d.days === undefined) problems.push(fieldProblem(f('time'), 'validation.onlyWithDays'));
    const description = cleanLocalized(d.description);
    const base = {
      id,
      title: cleanLocalized(d.title),
      ...(hasText(description) ? { description } : {}),
      required: d.required ?? true,
      date:
        d.at !== undefined
          ? { kind: 'absolute' as const, at: new Date(d.at).toISOString() }
          : { kind: 'relative' as const, days: d.days ?? 0, ...(d.time ? { time: d.time } : {}) },
    };
    if (d.kind === 'session') {
      if (!!d.place === !!d.videoUrl) problems.push(fieldProblem(f('place'), 'validation.placeOrVideo'));
      if (d.evidence) problems.push(fieldProblem(f('evidence'), 'validation.onlyDeliverable'));
      return {
        ...base,
        kind: 'session',
        location: d.videoUrl ? { kind: 'video', url: d.videoUrl } : { kind: 'place', address: d.place ?? '' },
        ...(d.durationMinutes ? { durationMinutes: d.durationMinutes } : {}),
      };
    }
    if (!d.evidence) problems.push(fieldProblem(f('evidence'), 'validation.evidenceKind'));
    if (d.place || d.videoUrl) problems.push(fieldProblem(f('place'), 'validation.onlySession'));
    return { ...base, kind: 'deliverable', evidence: d.evidence ?? 'text' };
  });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
  assertValidMilestones(out.map(toDomain));
  return out;
}

export function toLaureateMilestone(m: CoachingMilestone): LaureateMilestone {
  return { id: m.id, kind: m.kind, title: m.title, required: m.required, at: m.at, status: m.status };
}

/** The Monday (local date) of the week an instant falls in, in a zone: the weekly digest's slot. */
export function weekOf(now: Date, timeZone: string): string {
  const { date } = wallTimeAt(now, timeZone);
  const [y, m, d] = date.split('-').map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday 0
  return addCalendarDays(date, -weekday);
}

/**
 * Coaching's plan (staff edit it, schedules follow it), the readiness override, the schedules every
 * side of coaching reads, and the calendar feed. The laureate's and the coach's sides, and the
 * reminders, are in laureate-schedule, coach-reviews and coaching-reminders.
 */
@Injectable()
export class CoachingService implements OnModuleInit {
  constructor(
    private readonly repo: CoachingRepository,
    private readonly people: PeopleQuery,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
    private readonly hooks: PhaseHooks,
    private readonly clock: Clock,
    private readonly juryLaureates: LaureatesQuery,
    private readonly sessions: CoachingSessionsService,
    private readonly laureateChanges: LaureateChanges,
  ) {}

  onModuleInit(): void {
    this.hooks.onTransitionStart(async (em, { programme, to }) => {
      if (to !== 'campaign') return []; // the only move the readiness rule is about
      const plan = await this.repo.plan(em, programme.tenantId, programme.id);
      // No plan: a programme without coaching is not held back.
      if (!plan) return [];
      const schedules = await this.schedules(em, programme.tenantId, programme.id);
      return readinessBlockers(to, {
        laureatesNotReady: schedules.filter((s) => !s.readiness.ready).length,
        readinessOverridden: !!plan.readinessOverriddenAt,
      });
    });
    this.hooks.onEnter(async (em, change) => {
      if (change.to === 'coaching') await this.startCoaching(em, change);
    });
    // Promoted from the waiting list once coaching has started: their schedule (and coach) are made in
    // the promotion's transaction. Before it starts, entering the phase enrols them like the others.
    this.laureateChanges.onChange(async (em, change) => {
      if (change.kind !== 'promoted') return;
      const plan = await this.repo.plan(em, change.tenant.id, change.programmeId);
      if (plan?.startedAt) await this.generate(em, change.tenant, change.programmeId, plan);
    });
  }

  /** Entering `coaching`: the start instant is recorded and every laureate gets the plan as their schedule. */
  private async startCoaching(em: EntityManager, change: PhaseChange): Promise<void> {
    const plan = await this.repo.ensurePlan(em, change.tenant.id, change.programme.id);
    if (!plan.startedAt) {
      await this.repo.updatePlan(em, plan.id, { startedAt: change.at });
      plan.startedAt = change.at;
    }
    await this.generate(em, change.tenant, change.programme.id, plan);
  }

  // ---- staff ------------------------------------------------------------------------------------

  async plan(tenant: Tenant, programmeId: string) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const plan = await this.repo.plan(this.repo.manager, tenant.id, programmeId);
    return { programme, plan };
  }

  async savePlan(tenant: Tenant, programmeId: string, dtos: MilestoneDto[], actorUserId: string): Promise<CoachingPlan> {
    const milestones = planFromDtos(dtos);
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const plan = await this.repo.ensurePlan(em, tenant.id, programmeId);
      await this.repo.updatePlan(em, plan.id, { milestones });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'coaching.plan_saved',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { milestones },
      });
      const saved = { ...plan, milestones };
      // Once coaching has started, schedules follow the plan (reviewed work is kept).
      if (saved.startedAt) await this.generate(em, tenant, programmeId, saved);
      return saved;
    });
  }

  /** (Re)generates every laureate's schedule from the plan; idempotent. Returns how many laureates have one. */
  async generateSchedules(tenant: Tenant, programmeId: string, actorUserId: string): Promise<{ laureates: number; startedAt: Date }> {
    return this.tx.run(async (em) => {
      const programme = await this.programmes.lockFound(em, tenant.id, programmeId);
      const plan = await this.repo.ensurePlan(em, tenant.id, programmeId);
      if (!plan.startedAt) {
        // Before the phase: count from the coaching instant of the timeline, else from now.
        const planned = programme.timeline.coaching ? new Date(programme.timeline.coaching) : this.clock.now();
        plan.startedAt = planned;
        await this.repo.updatePlan(em, plan.id, { startedAt: planned });
      }
      const laureates = await this.generate(em, tenant, programmeId, plan);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'coaching.schedules_generated',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { laureates },
      });
      return { laureates, startedAt: plan.startedAt };
    });
  }

  /**
   * Each confirmed laureate gets a schedule and, when they have none, the coach with the fewest
   * laureates. Milestones are upserted by their plan id: definition changes reach pending and
   * reviewed rows alike (their status is kept), milestones removed from the plan go unless work was
   * handed in for them.
   */
  private async generate(em: EntityManager, tenant: Tenant, programmeId: string, plan: CoachingPlan): Promise<number> {
    const sources = await this.juryLaureates.ofProgramme(em, tenant.id, programmeId, 'rank_then_receipt');
    await this.repo.enrol(em, tenant.id, programmeId, sources);
    const laureates = await this.repo.laureates(em, tenant.id, programmeId);
    const coaches = await this.coaches(em, tenant.id, programmeId);
    if (coaches.length) {
      const load = new Map(coaches.map((c) => [c.id, 0]));
      for (const l of laureates) if (l.coachUserId && load.has(l.coachUserId)) load.set(l.coachUserId, load.get(l.coachUserId)! + 1);
      for (const l of laureates.filter((x) => !x.coachUserId)) {
        const coach = coaches.reduce((best, c) => (load.get(c.id)! < load.get(best.id)! ? c : best));
        load.set(coach.id, load.get(coach.id)! + 1);
        await this.repo.updateLaureate(em, l.id, { coachUserId: coach.id });
      }
    }
    const start = plan.startedAt ?? this.clock.now();
    const keys = plan.milestones.map((m) => m.id);
    for (const l of laureates) {
      for (const m of plan.milestones) {
        await this.repo.upsertMilestone(em, tenant.id, programmeId, l.id, m, milestoneInstant(toDomain(m).date, start, tenant.timeZone));
      }
      await this.repo.dropMilestonesNotIn(em, tenant.id, l.id, keys);
    }
    // Each laureate is e-mailed the invitation of each session scheduled, changed or cancelled.
    await this.sessions.syncInvitations(em, tenant, programmeId, plan);
    return laureates.length;
  }

  async assignCoach(tenant: Tenant, programmeId: string, laureateId: string, coachUserId: string | null, actorUserId: string): Promise<LaureateRow> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const l = await this.repo.laureate(em, tenant.id, programmeId, laureateId);
      if (!l) throw new DomainError('NOT_FOUND');
      if (coachUserId && !(await this.people.hasRoleIn(em, tenant.id, coachUserId, ['coach', 'staff'], programmeId)))
        throw new DomainError('COACHING_NOT_A_COACH');
      await this.repo.updateLaureate(em, l.id, { coachUserId });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'coaching.coach_assigned',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { laureateId, coachUserId },
      });
      return (await this.repo.laureate(em, tenant.id, programmeId, laureateId))!;
    });
  }

  /** Every laureate's schedule and readiness (the staff dashboard). */
  async dashboard(tenant: Tenant, programmeId: string) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const plan = await this.repo.plan(em, tenant.id, programmeId);
    const schedules = await this.schedules(em, tenant.id, programmeId);
    const coaches = await this.coaches(em, tenant.id, programmeId);
    return { programme, plan, schedules, coaches, notReady: schedules.filter((s) => !s.readiness.ready).length };
  }

  /** Lets the campaign start with laureates not ready: a staff decision with its reason, audited. */
  async overrideReadiness(tenant: Tenant, programmeId: string, reason: string, actorUserId: string): Promise<CoachingPlan> {
    if (reason.trim().length < MIN_OVERRIDE_REASON) {
      throw new DomainError('COACHING_OVERRIDE_REASON_REQUIRED', {}, [fieldProblem('reason', 'validation.atLeastChars', { min: MIN_OVERRIDE_REASON })]);
    }
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const plan = await this.repo.ensurePlan(em, tenant.id, programmeId);
      const schedules = await this.schedules(em, tenant.id, programmeId);
      const notReady = schedules.filter((s) => !s.readiness.ready).map((s) => s.laureate.applicationId);
      const patch = { readinessOverriddenAt: this.clock.now(), readinessOverrideReason: reason.trim(), readinessOverriddenBy: actorUserId };
      await this.repo.updatePlan(em, plan.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'coaching.readiness_overridden',
        subjectType: 'programme',
        subjectId: programmeId,
        data: { reason: reason.trim(), notReady },
      });
      return { ...plan, ...patch };
    });
  }

  /** People who may coach in a programme: coaches (tenant-wide or of the programme), by e-mail. */
  private async coaches(em: EntityManager, tenantId: string, programmeId: string): Promise<Array<{ id: string; displayName: string; email: string }>> {
    return (await this.people.withRoleIn(em, tenantId, ['coach'], programmeId)).map((c) => ({ id: c.id, displayName: c.displayName, email: c.email }));
  }

  // ---- the laureate's calendar feed --------------------------------------------------------------

  /** A new secret calendar address (the previous one stops working). Only its hash is kept. */
  async rotateFeed(tenant: Tenant, programmeId: string, principal: Principal): Promise<string> {
    const token = newSecretToken();
    await this.tx.run(async (em) => {
      const [l] = await this.repo.laureates(em, tenant.id, programmeId, { userId: principal.userId });
      if (!l) throw new DomainError('COACHING_NOT_LAUREATE');
      await this.repo.updateLaureate(em, l.id, { feedTokenHash: hashToken(token) });
    });
    return `${await this.tenants.siteUrl(tenant)}/coaching/calendar/${token}.ics`;
  }

  /** The iCalendar feed of the laureate the secret token belongs to. */
  async feed(tenant: Tenant, token: string): Promise<string> {
    const em = this.repo.manager;
    const l = /^[\w-]{20,100}$/.test(token) ? await this.repo.byFeedToken(em, tenant.id, hashToken(token)) : null;
    if (!l) throw new DomainError('COACHING_FEED_NOT_FOUND');
    const milestones = await this.repo.milestones(em, tenant.id, [l.id]);
    const siteUrl = await this.tenants.siteUrl(tenant);
    const page = `${siteUrl}/coaching/programmes/${l.programmeId}`;
    return writeCalendar({
      prodId: '-//Tremplin//Coaching//FR',
      name: `${tenant.name} — ${l.title}`,
      now: this.clock.now(),
      events: milestones.map((m) => {
        const session = m.kind === 'session';
        // The laureate's language, else the authority's default: a calendar entry has one language.
        const title = textIn(m.title, l.locale, tenant);
        const description = textIn(m.description, l.locale, tenant);
        const start = session ? m.at : new Date(m.at.getTime() - 30 * 60_000);
        const end = session ? new Date(m.at.getTime() + (m.durationMinutes ?? 60) * 60_000) : m.at;
        return {
          uid: `${m.id}@tremplin`,
          start,
          end,
          sequence: m.version,
          summary: session ? title : sharedTranslations().t(l.locale, 'coaching.feedDue', { title }),
          description: description || undefined,
          location: m.location?.kind === 'place' ? m.location.address : m.location?.kind === 'video' ? m.location.url : undefined,
          url: m.location?.kind === 'video' ? m.location.url : page,
        };
      }),
    });
  }

  // ---- schedules, read by every side of coaching and by partners and reports ---------------------

  /** Every laureate's schedule and readiness in a programme. */
  async schedules(em: EntityManager, tenantId: string, programmeId: string): Promise<LaureateSchedule[]> {
    const laureates = await this.repo.laureates(em, tenantId, programmeId);
    const all = await this.repo.milestones(
      em,
      tenantId,
      laureates.map((l) => l.id),
    );
    const now = this.clock.now();
    return laureates.map((l) => {
      const milestones = all.filter((m) => m.laureateId === l.id).map((m) => ({ ...m, effective: effectiveStatus(m.kind, m.status, m.at, now) }));
      return { laureate: l, milestones, readiness: readiness(milestones.map(toLaureateMilestone), now) };
    });
  }

  async scheduleOf(em: EntityManager, tenantId: string, l: LaureateRow, now = this.clock.now()): Promise<LaureateSchedule> {
    const milestones = (await this.repo.milestones(em, tenantId, [l.id])).map((m) => ({ ...m, effective: effectiveStatus(m.kind, m.status, m.at, now) }));
    return { laureate: l, milestones, readiness: readiness(milestones.map(toLaureateMilestone), now) };
  }
}
