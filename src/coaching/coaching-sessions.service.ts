import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { formatInstant } from '../common/i18n/format.js';
import { textIn } from '../common/web/language-fields.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { CoachingMilestone, CoachingPlan, CoachingSession } from './coaching.entity.js';
import { CoachingRepository, type LaureateRow } from './coaching.repository.js';
import { assertSessionHeld, isAttendance, nextInvitation, statusForAttendance, type Attendance, type SessionSnapshot } from './domain/attendance.js';
import { writeInvitation, type InvitationMethod } from './domain/ics.js';

const DEFAULT_DURATION = 60;

/** One laureate's line of a session's attendance list. */
export interface AttendanceLine {
  laureate: LaureateRow;
  milestone: CoachingMilestone;
}

export interface SessionView {
  programme: Programme;
  key: string;
  /** The session as scheduled (every laureate's row holds the same definition). */
  session: CoachingMilestone;
  end: Date;
  held: boolean;
  /** The laureates the reader may see: a coach's own, every one for staff, a laureate only themself. */
  lines: AttendanceLine[];
  canRecord: boolean;
}

function snapshotOf(m: CoachingMilestone): SessionSnapshot {
  return {
    at: m.at.toISOString(),
    durationMinutes: m.durationMinutes ?? DEFAULT_DURATION,
    location: m.location,
    title: { ...m.title },
    description: { ...(m.description ?? {}) },
  };
}

/**
 * Coaching sessions: the iCalendar invitation each laureate is e-mailed when a session is scheduled,
 * changed (same UID, SEQUENCE + 1) or removed from the plan (METHOD:CANCEL), and the attendance list
 * the coach keeps once it took place.
 */
@Injectable()
export class CoachingSessionsService {
  constructor(
    private readonly repo: CoachingRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
  ) {}

  /**
   * After the schedules follow the plan (in the same transaction, the programme locked): each session
   * whose definition changed since its last invitation gets a new sequence, and every laureate of a
   * session still to come is e-mailed the invitation of the current sequence once (the outbox's key
   * says which were sent: a laureate enrolled later gets it too, a second run sends nothing).
   */
  async syncInvitations(em: EntityManager, tenant: Tenant, programmeId: string, plan: CoachingPlan): Promise<void> {
    const now = this.clock.now();
    const laureates = await this.repo.laureates(em, tenant.id, programmeId);
    const keys = plan.milestones.filter((m) => m.kind === 'session').map((m) => m.id);
    const stored = await this.repo.sessions(em, tenant.id, programmeId);
    const programme = (await this.programmes.get(tenant.id, programmeId, em))!;
    const siteUrl = await this.tenants.siteUrl(tenant);
    for (const key of new Set([...keys, ...stored.map((s) => s.milestoneKey)])) {
      const rows = keys.includes(key) ? await this.repo.sessionRows(em, tenant.id, programmeId, key) : [];
      const current = rows[0] ? snapshotOf(rows[0]) : null;
      const session = await this.repo.ensureSession(em, tenant.id, programmeId, key);
      const next = nextInvitation({ sequence: session.sequence, snapshot: session.snapshot, cancelled: !!session.cancelledAt }, current);
      if (!next) continue;
      if (next.changed) {
        const patch = current ? { sequence: next.sequence, snapshot: current, cancelledAt: null } : { sequence: next.sequence, cancelledAt: now };
        await this.repo.updateSession(em, session.id, patch);
        Object.assign(session, patch);
      }
      const snapshot = session.snapshot!;
      // Nothing is sent for a session that already began: calendars keep what they had.
      if (new Date(snapshot.at).getTime() <= now.getTime()) continue;
      const invited = current ? laureates.filter((l) => rows.some((r) => r.laureateId === l.id)) : laureates;
      await this.invite(em, tenant, programme, siteUrl, session, snapshot, next.method, invited);
    }
  }

  private async invite(
    em: EntityManager,
    tenant: Tenant,
    programme: Programme,
    siteUrl: string,
    session: CoachingSession,
    snapshot: SessionSnapshot,
    method: InvitationMethod,
    laureates: readonly LaureateRow[],
  ): Promise<void> {
    const start = new Date(snapshot.at);
    const end = new Date(start.getTime() + snapshot.durationMinutes * 60_000);
    const link = `${siteUrl}/coaching/programmes/${programme.id}/sessions/${encodeURIComponent(session.milestoneKey)}`;
    const location = snapshot.location?.kind === 'place' ? snapshot.location.address : snapshot.location?.kind === 'video' ? snapshot.location.url : '';
    const attendees = laureates.map((l) => ({ name: l.displayName, email: l.email }));
    const host = new URL(siteUrl).hostname;
    await this.outbox.enqueueMany(
      em,
      laureates.map((l) => {
        const title = textIn(snapshot.title, l.locale, tenant);
        const ics = writeInvitation({
          prodId: '-//Tremplin//Coaching//FR',
          method,
          organizer: { name: tenant.senderName || tenant.name, email: tenant.senderEmail },
          attendees,
          now: this.clock.now(),
          event: {
            uid: `session-${session.id}@${host}`,
            sequence: session.sequence,
            start,
            end,
            summary: title,
            description: textIn(snapshot.description, l.locale, tenant) || undefined,
            location: location || undefined,
            url: link,
          },
        });
        return {
          tenantId: tenant.id,
          template: method === 'CANCEL' ? 'coaching-session-cancelled' : 'coaching-session-invitation',
          locale: l.locale,
          to: l.email,
          toName: l.displayName,
          dedupeKey: `coaching-session:${session.id}:${session.sequence}:${l.id}`,
          payload: {
            name: l.displayName,
            title: snapshot.title,
            programmeTitle: programme.title,
            when: formatInstant(start, l.locale, tenant.timeZone),
            durationMinutes: snapshot.durationMinutes,
            place: snapshot.location?.kind === 'place' ? snapshot.location.address : '',
            videoUrl: snapshot.location?.kind === 'video' ? snapshot.location.url : '',
            updated: session.sequence > 0,
            // A cancelled session has no page any more: the laureate's schedule instead.
            link: method === 'CANCEL' ? `${siteUrl}/coaching/programmes/${programme.id}` : link,
            calendar: { method, content: ics },
          },
        };
      }),
    );
  }

  // ---- the session's page and its attendance list -------------------------------------------------

  async sessionView(tenant: Tenant, programmeId: string, key: string, principal: Principal): Promise<SessionView> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const rows = await this.repo.sessionRows(em, tenant.id, programmeId, key);
    if (!rows.length) throw new DomainError('NOT_FOUND');
    const lines = await this.visibleLines(em, tenant, programmeId, rows, principal);
    const staff = hasRole(principal, ['staff', 'platform_admin']);
    const coach = lines.some((x) => x.laureate.coachUserId === principal.userId);
    // A laureate sees their own line; anyone else with no laureate in this session does not see it.
    if (!lines.length && !staff) throw new DomainError('NOT_FOUND');
    const session = rows[0];
    const held = this.clock.now().getTime() >= session.at.getTime();
    return {
      programme,
      key,
      session,
      end: new Date(session.at.getTime() + (session.durationMinutes ?? DEFAULT_DURATION) * 60_000),
      held,
      lines,
      canRecord: staff || coach,
    };
  }

  private async visibleLines(
    em: EntityManager,
    tenant: Tenant,
    programmeId: string,
    rows: CoachingMilestone[],
    principal: Principal,
  ): Promise<AttendanceLine[]> {
    const laureates = await this.repo.laureates(em, tenant.id, programmeId);
    const staff = hasRole(principal, ['staff', 'platform_admin']);
    return rows.flatMap((m) => {
      const l = laureates.find((x) => x.id === m.laureateId);
      if (!l) return [];
      if (staff || l.coachUserId === principal.userId || l.userId === principal.userId) return [{ laureate: l, milestone: m }];
      return [];
    });
  }

  /**
   * The coach records, for each of their laureates of the session (staff for any), present, absent or
   * excused, once the session took place. Each change is audited; recording the same again does nothing.
   * Returns how many lines changed.
   */
  async recordAttendance(tenant: Tenant, programmeId: string, key: string, principal: Principal, entries: Record<string, string>): Promise<number> {
    return this.tx.run(async (em) => {
      await this.programmes.lockFound(em, tenant.id, programmeId);
      const rows = await this.repo.sessionRows(em, tenant.id, programmeId, key, true);
      if (!rows.length) throw new DomainError('NOT_FOUND');
      const laureates = await this.repo.laureates(em, tenant.id, programmeId);
      const staff = hasRole(principal, ['staff', 'platform_admin']);
      // A coach none of whose laureates attend does not see the session (as on its page).
      if (!staff && !rows.some((r) => laureates.find((x) => x.id === r.laureateId)?.coachUserId === principal.userId)) throw new DomainError('NOT_FOUND');
      const now = this.clock.now();
      let changed = 0;
      for (const [milestoneId, value] of Object.entries(entries)) {
        const m = rows.find((r) => r.id === milestoneId);
        if (!m) throw new DomainError('NOT_FOUND');
        const l = laureates.find((x) => x.id === m.laureateId);
        if (!l) throw new DomainError('NOT_FOUND');
        if (!staff && l.coachUserId !== principal.userId) throw new DomainError('COACHING_NOT_YOUR_LAUREATE');
        if (!isAttendance(value)) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem(`attendance.${milestoneId}`, 'validation.required')]);
        assertSessionHeld(m.at, now);
        if (m.attendance === value) continue;
        const attendance: Attendance = value;
        const patch = {
          attendance,
          attendanceRecordedAt: now,
          attendanceRecordedBy: principal.userId,
          status: statusForAttendance(attendance),
          version: m.version + 1,
        };
        await this.repo.updateMilestone(em, m.id, patch);
        await this.audit.record(em, {
          tenantId: tenant.id,
          actorUserId: principal.userId,
          action: 'coaching.attendance_recorded',
          subjectType: 'coaching_milestone',
          subjectId: m.id,
          data: { session: key, laureateId: l.id, attendance, previous: m.attendance },
        });
        changed++;
      }
      return changed;
    });
  }
}
