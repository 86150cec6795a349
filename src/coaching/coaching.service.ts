import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sniffFileType } from '../applications/domain/file-sniffing.js';
import { AuditService } from '../audit/audit.service.js';
import { hashToken, newSecretToken } from '../auth/domain/tokens.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { hasRole, type Principal } from '../common/web/request-context.js';
import { formatInstant } from '../common/web/view.service.js';
import { LaureatesQuery } from '../jury/laureates.query.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { PhaseHooks, type PhaseChange } from '../programmes/phase-hooks.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { storedFileName } from '../storage/file-names.js';
import { FileStorage } from '../storage/file-storage.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { CoachingMilestone, CoachingPlan, StoredMilestone } from './coaching.entity.js';
import { CoachingRepository, type LaureateRow } from './coaching.repository.js';
import { writeCalendar } from './domain/ics.js';
import { addCalendarDays, wallTimeAt } from './domain/local-time.js';
import { applyReviewAction, effectiveStatus, type LaureateMilestone, type MilestoneStatus } from './domain/milestone-status.js';
import { assertEvidenceFits, assertValidMilestones, milestoneInstant, type Evidence, type Milestone } from './domain/milestones.js';
import { readinessBlockers } from './domain/phase-guard.js';
import { readiness, type Readiness } from './domain/readiness.js';
import { dueReminders } from './domain/reminders.js';
import type { MilestoneDto } from './dto/coaching.dto.js';

const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
const MIN_OVERRIDE_REASON = 10;

export interface UploadedEvidence {
  originalname: string;
  buffer: Buffer;
  size: number;
}

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
    id: m.id, kind: m.kind, title: m.title, description: m.description ?? '', required: m.required,
    ...(m.date.kind === 'absolute' ? { at: m.date.at } : { days: m.date.days, ...(m.date.time ? { time: m.date.time } : {}) }),
    ...(m.location?.kind === 'place' ? { place: m.location.address } : m.location?.kind === 'video' ? { videoUrl: m.location.url } : {}),
    ...(m.durationMinutes ? { durationMinutes: m.durationMinutes } : {}),
    ...(m.evidence ? { evidence: m.evidence } : {}),
  };
}

function toDomain(m: StoredMilestone): Milestone {
  const date = m.date.kind === 'absolute' ? { kind: 'absolute' as const, at: new Date(m.date.at) } : m.date;
  if (m.kind === 'session') return { id: m.id, kind: 'session', title: m.title, required: m.required, date, location: m.location!, durationMinutes: m.durationMinutes };
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
      do id = `m-${randomBytes(3).toString('hex')}`; while (used.has(id));
      used.add(id);
    }
    if ((d.at === undefined) === (d.days === undefined)) problems.push({ field: f('at'), message: 'give either at (a date and time) or days (after the start of the coaching)' });
    if (d.time !== undefined && d.days === undefined) problems.push({ field: f('time'), message: 'only goes with days' });
    const base = {
      id, title: d.title, description: d.description ?? '', required: d.required ?? true,
      date: d.at !== undefined ? { kind: 'absolute' as const, at: new Date(d.at).toISOString() } : { kind: 'relative' as const, days: d.days ?? 0, ...(d.time ? { time: d.time } : {}) },
    };
    if (d.kind === 'session') {
      if (!!d.place === !!d.videoUrl) problems.push({ field: f('place'), message: 'a session needs a place or a video link (one of them)' });
      if (d.evidence) problems.push({ field: f('evidence'), message: 'only goes with a deliverable' });
      return { ...base, kind: 'session', location: d.videoUrl ? { kind: 'video', url: d.videoUrl } : { kind: 'place', address: d.place ?? '' }, ...(d.durationMinutes ? { durationMinutes: d.durationMinutes } : {}) };
    }
    if (!d.evidence) problems.push({ field: f('evidence'), message: 'say what the laureate hands in: text, url or file' });
    if (d.place || d.videoUrl) problems.push({ field: f('place'), message: 'only goes with a session' });
    return { ...base, kind: 'deliverable', evidence: d.evidence ?? 'text' };
  });
  if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
  assertValidMilestones(out.map(toDomain));
  return out;
}

function toLaureateMilestone(m: CoachingMilestone): LaureateMilestone {
  return { id: m.id, kind: m.kind, title: m.title, required: m.required, at: m.at, status: m.status };
}

/** The Monday (local date) of the week an instant falls in, in a zone: the weekly digest's slot. */
export function weekOf(now: Date, timeZone: string): string {
  const { date } = wallTimeAt(now, timeZone);
  const [y, m, d] = date.split('-').map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday 0
  return addCalendarDays(date, -weekday);
}

@Injectable()
export class CoachingService implements OnModuleInit {
  constructor(
    private readonly repo: CoachingRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly hooks: PhaseHooks,
    private readonly clock: Clock,
    private readonly files: FileStorage,
    private readonly juryLaureates: LaureatesQuery,
  ) {}

  onModuleInit(): void {
    this.hooks.onTransitionStart(async (em, { programme, to }) => {
      if (to !== 'campaign') return []; // the only move the readiness rule is about
      const plan = await this.repo.plan(em, programme.tenantId, programme.id);
      // No plan: a programme without coaching is not held back.
      if (!plan) return [];
      const schedules = await this.schedules(em, programme.tenantId, programme.id);
      return readinessBlockers(to, { laureatesNotReady: schedules.filter((s) => !s.readiness.ready).length, readinessOverridden: !!plan.readinessOverriddenAt });
    });
    this.hooks.onEnter(async (em, change) => {
      if (change.to === 'coaching') await this.startCoaching(em, change);
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
        tenantId: tenant.id, actorUserId, action: 'coaching.plan_saved', subjectType: 'programme', subjectId: programmeId, data: { milestones },
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
        tenantId: tenant.id, actorUserId, action: 'coaching.schedules_generated', subjectType: 'programme', subjectId: programmeId, data: { laureates },
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
    for (const s of sources) {
      await em.query(
        `INSERT INTO coaching_laureate (tenant_id, programme_id, application_id, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING`,
        [tenant.id, programmeId, s.applicationId, s.userId],
      );
    }
    const laureates = await this.repo.laureates(em, tenant.id, programmeId);
    const coaches = await this.repo.coaches(em, tenant.id, programmeId);
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
        const at = milestoneInstant(toDomain(m).date, start, tenant.timeZone);
        await em.query(
          `INSERT INTO coaching_milestone (tenant_id, programme_id, laureate_id, milestone_key, kind, title, description, required, at,
             duration_minutes, location, evidence_kind)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (laureate_id, milestone_key) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
             required = EXCLUDED.required, at = EXCLUDED.at, duration_minutes = EXCLUDED.duration_minutes, location = EXCLUDED.location,
             evidence_kind = EXCLUDED.evidence_kind, kind = EXCLUDED.kind, version = coaching_milestone.version + 1
           WHERE (coaching_milestone.status = 'pending' OR coaching_milestone.kind = EXCLUDED.kind)
             AND (coaching_milestone.title, coaching_milestone.description, coaching_milestone.required, coaching_milestone.at,
                  coaching_milestone.duration_minutes, coaching_milestone.location, coaching_milestone.evidence_kind, coaching_milestone.kind)
             IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.description, EXCLUDED.required, EXCLUDED.at, EXCLUDED.duration_minutes,
                  EXCLUDED.location, EXCLUDED.evidence_kind, EXCLUDED.kind)`,
          [tenant.id, programmeId, l.id, m.id, m.kind, m.title, m.description ?? '', m.required, at,
            m.durationMinutes ?? null, m.location ? JSON.stringify(m.location) : null, m.kind === 'deliverable' ? m.evidence : null],
        );
      }
      await em.query(
        `DELETE FROM coaching_milestone WHERE tenant_id = $1 AND laureate_id = $2 AND NOT (milestone_key = ANY($3)) AND evidence IS NULL AND status = 'pending'`,
        [tenant.id, l.id, keys],
      );
    }
    return laureates.length;
  }

  async assignCoach(tenant: Tenant, programmeId: string, laureateId: string, coachUserId: string | null, actorUserId: string): Promise<LaureateRow> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const l = await this.repo.laureate(em, tenant.id, programmeId, laureateId);
      if (!l) throw new DomainError('NOT_FOUND');
      if (coachUserId && !(await this.repo.mayCoach(em, tenant.id, programmeId, coachUserId))) throw new DomainError('COACHING_NOT_A_COACH');
      await this.repo.updateLaureate(em, l.id, { coachUserId });
      await this.audit.record(em, {
        tenantId: tenant.id, actorUserId, action: 'coaching.coach_assigned', subjectType: 'programme', subjectId: programmeId,
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
    const coaches = await this.repo.coaches(em, tenant.id, programmeId);
    return { programme, plan, schedules, coaches, notReady: schedules.filter((s) => !s.readiness.ready).length };
  }

  /** Lets the campaign start with laureates not ready: a staff decision with its reason, audited. */
  async overrideReadiness(tenant: Tenant, programmeId: string, reason: string, actorUserId: string): Promise<CoachingPlan> {
    if (reason.trim().length < MIN_OVERRIDE_REASON) {
      throw new DomainError('COACHING_OVERRIDE_REASON_REQUIRED', {}, [{ field: 'reason', message: `must be at least ${MIN_OVERRIDE_REASON} characters` }]);
    }
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const plan = await this.repo.ensurePlan(em, tenant.id, programmeId);
      const schedules = await this.schedules(em, tenant.id, programmeId);
      const notReady = schedules.filter((s) => !s.readiness.ready).map((s) => s.laureate.applicationId);
      const patch = { readinessOverriddenAt: this.clock.now(), readinessOverrideReason: reason.trim(), readinessOverriddenBy: actorUserId };
      await this.repo.updatePlan(em, plan.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id, actorUserId, action: 'coaching.readiness_overridden', subjectType: 'programme', subjectId: programmeId,
        data: { reason: reason.trim(), notReady },
      });
      return { ...plan, ...patch };
    });
  }

  // ---- laureates --------------------------------------------------------------------------------

  async mySchedule(tenant: Tenant, programmeId: string, principal: Principal): Promise<LaureateSchedule & { programme: Programme }> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const [laureate] = await this.repo.laureates(em, tenant.id, programmeId, { userId: principal.userId });
    if (!laureate) throw new DomainError('COACHING_NOT_LAUREATE');
    return { programme, ...(await this.scheduleOf(em, tenant.id, laureate)) };
  }

  async submit(tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal, evidence: Evidence): Promise<CoachingMilestone> {
    return this.tx.run((em) => this.submitIn(em, tenant, programmeId, milestoneId, principal, evidence));
  }

  /** A file as evidence: checked by its content (PDF or image), stored, and handed in, in one transaction. */
  async submitFile(tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal, file: UploadedEvidence | undefined): Promise<CoachingMilestone> {
    if (!file || !file.size) throw new DomainError('COACHING_FILE_REQUIRED', {}, [{ field: 'file', message: 'attach a PDF or an image' }]);
    if (file.size > MAX_EVIDENCE_BYTES) throw new DomainError('FILE_TOO_LARGE', { maxMb: MAX_EVIDENCE_BYTES / 1024 / 1024 }, [{ field: 'file', message: `must be at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB` }]);
    const sniffed = sniffFileType(file.buffer);
    if (!sniffed) throw new DomainError('FILE_TYPE_NOT_ACCEPTED', {}, [{ field: 'file', message: 'must be a PDF or an image (PNG, JPEG, GIF, WebP)' }]);
    return this.tx.run(async (em) => {
      const m = await this.ownMilestone(em, tenant, programmeId, milestoneId, principal);
      const safeName = storedFileName(file.originalname, `evidence.${sniffed.extension}`);
      const stored = await this.files.put(em, {
        tenantId: tenant.id, ownerType: 'coaching_milestone', ownerId: m.id, purpose: 'evidence', filename: safeName,
        contentType: sniffed.mime, uploadedBy: principal.userId, bytes: file.buffer,
      });
      return this.submitIn(em, tenant, programmeId, milestoneId, principal, { kind: 'file', fileId: stored.id });
    });
  }

  private async submitIn(em: EntityManager, tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal, evidence: Evidence): Promise<CoachingMilestone> {
    const m = await this.ownMilestone(em, tenant, programmeId, milestoneId, principal);
    if (m.kind !== 'deliverable') throw new DomainError('MILESTONE_TRANSITION_NOT_ALLOWED', { kind: m.kind, from: m.status, action: 'submit', allowed: [] });
    assertEvidenceFits(m.evidenceKind!, evidence);
    const status = applyReviewAction(m.kind, m.status, m.status === 'changes_requested' ? 'resubmit' : 'submit');
    const patch = { status, evidence, submittedAt: this.clock.now(), version: m.version + 1 };
    await this.repo.updateMilestone(em, m.id, patch);
    await this.audit.record(em, {
      tenantId: tenant.id, actorUserId: principal.userId, action: 'coaching.evidence_submitted', subjectType: 'coaching_milestone', subjectId: m.id,
      data: { kind: evidence.kind },
    });
    return { ...m, ...patch };
  }

  async setMuted(tenant: Tenant, programmeId: string, principal: Principal, muted: boolean): Promise<void> {
    await this.tx.run(async (em) => {
      const [l] = await this.repo.laureates(em, tenant.id, programmeId, { userId: principal.userId });
      if (!l) throw new DomainError('COACHING_NOT_LAUREATE');
      await this.repo.updateLaureate(em, l.id, { remindersMuted: muted });
    });
  }

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
    const fr = l.locale === 'fr';
    return writeCalendar({
      prodId: '-//Tremplin//Coaching//FR', name: `${tenant.name} — ${l.title}`, now: this.clock.now(),
      events: milestones.map((m) => {
        const session = m.kind === 'session';
        const start = session ? m.at : new Date(m.at.getTime() - 30 * 60_000);
        const end = session ? new Date(m.at.getTime() + (m.durationMinutes ?? 60) * 60_000) : m.at;
        return {
          uid: `${m.id}@tremplin`, start, end, sequence: m.version,
          summary: session ? m.title : fr ? `Échéance : ${m.title}` : `Due: ${m.title}`,
          description: m.description || undefined,
          location: m.location?.kind === 'place' ? m.location.address : m.location?.kind === 'video' ? m.location.url : undefined,
          url: m.location?.kind === 'video' ? m.location.url : page,
        };
      }),
    });
  }

  // ---- coaches ----------------------------------------------------------------------------------

  /** The coach's laureates (staff see every laureate), each with their schedule. */
  async coachView(tenant: Tenant, programmeId: string, principal: Principal) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const staff = hasRole(principal, ['staff', 'platform_admin']);
    const laureates = await this.repo.laureates(em, tenant.id, programmeId, staff ? {} : { coachUserId: principal.userId });
    const schedules = await Promise.all(laureates.map((l) => this.scheduleOf(em, tenant.id, l)));
    return { programme, schedules, awaiting: schedules.reduce((n, s) => n + s.milestones.filter((m) => m.status === 'submitted').length, 0) };
  }

  async review(tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal, action: 'validate' | 'request_changes', comment: string): Promise<CoachingMilestone> {
    if (action === 'request_changes' && !comment.trim()) throw new DomainError('COACHING_FEEDBACK_REQUIRED', {}, [{ field: 'comment', message: 'say what to change' }]);
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      const m = await this.repo.lockMilestone(em, tenant.id, programmeId, milestoneId);
      if (!m) throw new DomainError('NOT_FOUND');
      const l = (await this.repo.laureate(em, tenant.id, programmeId, m.laureateId))!;
      this.assertCoachOf(principal, l);
      const status = applyReviewAction(m.kind, m.status, action);
      const patch = { status, feedback: comment.trim(), reviewedAt: this.clock.now(), reviewedBy: principal.userId, version: m.version + 1 };
      await this.repo.updateMilestone(em, m.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id, actorUserId: principal.userId, action: `coaching.${action === 'validate' ? 'validated' : 'changes_requested'}`,
        subjectType: 'coaching_milestone', subjectId: m.id, data: { laureateId: l.id, comment: comment.trim() },
      });
      const programme = (await this.programmes.get(tenant.id, programmeId, em))!;
      await this.outbox.enqueue(em, {
        tenantId: tenant.id, template: 'coaching-feedback', locale: l.locale, to: l.email, toName: l.displayName,
        dedupeKey: `coaching-feedback:${m.id}:${patch.version}`,
        payload: {
          name: l.displayName, title: m.title, validated: status === 'validated', comment: comment.trim(),
          programmeTitleFr: programme.titleFr, programmeTitleEn: programme.titleEn, link: `${siteUrl}/coaching/programmes/${programmeId}`,
        },
      });
      return { ...m, ...patch };
    });
  }

  /** An evidence file, for the laureate who handed it in, their coach and staff. */
  async evidenceFile(tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal) {
    const em = this.repo.manager;
    const m = await this.repo.milestone(em, tenant.id, programmeId, milestoneId);
    if (!m || m.evidence?.kind !== 'file') throw new DomainError('NOT_FOUND');
    const l = (await this.repo.laureate(em, tenant.id, programmeId, m.laureateId))!;
    const staff = hasRole(principal, ['staff', 'platform_admin']);
    if (l.userId !== principal.userId && l.coachUserId !== principal.userId && !staff) throw new DomainError('NOT_FOUND');
    const file = await this.files.get(tenant.id, m.evidence.fileId);
    if (!file || file.info.ownerType !== 'coaching_milestone' || file.info.ownerId !== m.id) throw new DomainError('NOT_FOUND');
    return file;
  }

  // ---- scheduled work ---------------------------------------------------------------------------

  /**
   * Queues what is due now: milestone reminders (7 and 1 days before a due date, the day of a session,
   * once overdue) and each coach's weekly digest. Every e-mail carries a stable dedupe key (the domain's
   * reminder key, or coach and week), so ticks on several instances queue each one once.
   */
  async queueDue(now: Date): Promise<number> {
    let queued = 0;
    const em = this.repo.manager;
    const laureates = await this.repo.remindable(em);
    const tenants = new Map<string, Tenant | null>();
    const tenantOf = async (id: string) => {
      if (!tenants.has(id)) tenants.set(id, await this.tenants.get(id));
      return tenants.get(id) ?? null;
    };
    const byCoach = new Map<string, { tenant: Tenant; items: Array<{ laureate: LaureateRow; milestone: MilestoneView }> }>();
    for (const l of laureates) {
      const tenant = await tenantOf(l.tenantId);
      if (!tenant) continue;
      const schedule = await this.scheduleOf(em, tenant.id, l, now);
      const reminders = dueReminders(schedule.milestones.map(toLaureateMilestone), {
        laureateId: l.id, muted: l.remindersMuted, timeZone: tenant.timeZone, locale: l.locale,
      }, now, new Set());
      if (reminders.length) {
        const siteUrl = await this.tenants.siteUrl(tenant);
        const programme = await this.programmes.get(tenant.id, l.programmeId, em);
        queued += await this.tx.run(async (tem) => {
          let n = 0;
          for (const r of reminders) {
            const ok = await this.outbox.enqueue(tem, {
              tenantId: tenant.id, template: 'coaching-reminder', locale: r.locale, to: l.email, toName: l.displayName, dedupeKey: r.key,
              payload: {
                name: l.displayName, title: r.title, when: formatInstant(r.at, r.locale, r.timeZone), daysBefore: r.daysBefore ?? null,
                beforeDue: r.kind === 'before_due', sessionDay: r.kind === 'session_day', overdue: r.kind === 'overdue',
                programmeTitleFr: programme?.titleFr ?? '', programmeTitleEn: programme?.titleEn ?? '',
                link: `${siteUrl}/coaching/programmes/${l.programmeId}`,
              },
            });
            if (ok) n++;
          }
          return n;
        });
      }
      if (l.coachUserId) {
        const awaiting = schedule.milestones.filter((m) => m.status === 'submitted' || m.effective === 'overdue');
        if (awaiting.length) {
          const entry = byCoach.get(l.coachUserId) ?? { tenant, items: [] };
          entry.items.push(...awaiting.map((milestone) => ({ laureate: l, milestone })));
          byCoach.set(l.coachUserId, entry);
        }
      }
    }
    for (const [coachUserId, { tenant, items }] of byCoach) queued += await this.queueDigest(tenant, coachUserId, items, now);
    return queued;
  }

  /** One digest per coach per week (Monday of the authority's week), whatever the number of instances. */
  private async queueDigest(tenant: Tenant, coachUserId: string, items: Array<{ laureate: LaureateRow; milestone: MilestoneView }>, now: Date): Promise<number> {
    const week = weekOf(now, tenant.timeZone);
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      const coach: Array<{ email: string; display_name: string; locale: 'fr' | 'en' | null }> = await em.query(
        'SELECT email, display_name, locale FROM app_user WHERE tenant_id = $1 AND id = $2', [tenant.id, coachUserId],
      );
      if (!coach.length) return 0;
      const locale = coach[0].locale ?? tenant.defaultLocale;
      const programmes = [...new Set(items.map((i) => i.laureate.programmeId))];
      const ok = await this.outbox.enqueue(em, {
        tenantId: tenant.id, template: 'coaching-digest', locale, to: coach[0].email, toName: coach[0].display_name,
        dedupeKey: `coaching-digest:${coachUserId}:${week}`,
        payload: {
          name: coach[0].display_name, week,
          toReview: items.filter((i) => i.milestone.status === 'submitted').map((i) => ({ laureate: i.laureate.displayName, project: i.laureate.title, title: i.milestone.title })),
          overdue: items.filter((i) => i.milestone.effective === 'overdue').map((i) => ({ laureate: i.laureate.displayName, project: i.laureate.title, title: i.milestone.title, when: formatInstant(i.milestone.at, locale, tenant.timeZone) })),
          link: `${siteUrl}/coaching/programmes/${programmes[0]}/coach`,
        },
      });
      return ok ? 1 : 0;
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Every laureate's schedule and readiness in a programme. */
  async schedules(em: EntityManager, tenantId: string, programmeId: string): Promise<LaureateSchedule[]> {
    const laureates = await this.repo.laureates(em, tenantId, programmeId);
    const all = await this.repo.milestones(em, tenantId, laureates.map((l) => l.id));
    const now = this.clock.now();
    return laureates.map((l) => {
      const milestones = all.filter((m) => m.laureateId === l.id).map((m) => ({ ...m, effective: effectiveStatus(m.kind, m.status, m.at, now) }));
      return { laureate: l, milestones, readiness: readiness(milestones.map(toLaureateMilestone), now) };
    });
  }

  private async scheduleOf(em: EntityManager, tenantId: string, l: LaureateRow, now = this.clock.now()): Promise<LaureateSchedule> {
    const milestones = (await this.repo.milestones(em, tenantId, [l.id])).map((m) => ({ ...m, effective: effectiveStatus(m.kind, m.status, m.at, now) }));
    return { laureate: l, milestones, readiness: readiness(milestones.map(toLaureateMilestone), now) };
  }

  private async ownMilestone(em: EntityManager, tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal): Promise<CoachingMilestone> {
    const m = await this.repo.lockMilestone(em, tenant.id, programmeId, milestoneId);
    if (!m) throw new DomainError('NOT_FOUND');
    const l = await this.repo.laureate(em, tenant.id, programmeId, m.laureateId);
    // Someone else's milestone is not found, rather than forbidden: ids do not leak.
    if (!l || l.userId !== principal.userId) throw new DomainError('NOT_FOUND');
    return m;
  }

  private assertCoachOf(principal: Principal, l: LaureateRow): void {
    if (hasRole(principal, ['staff', 'platform_admin'])) return;
    if (l.coachUserId !== principal.userId) throw new DomainError('COACHING_NOT_YOUR_LAUREATE');
  }


}
