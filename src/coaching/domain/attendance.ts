import { DomainError } from '../../common/errors/domain-error.js';
import type { StoredMilestoneStatus } from './milestone-status.js';

/** What the coach records for each laureate of a session, once it took place. */
export const ATTENDANCE = ['present', 'absent', 'excused'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

export function isAttendance(value: unknown): value is Attendance {
  return typeof value === 'string' && (ATTENDANCE as readonly string[]).includes(value);
}

/** Attendance is recorded after the session started, not before (COACHING_SESSION_NOT_HELD, 409). */
export function assertSessionHeld(start: Date, now: Date): void {
  if (now.getTime() < start.getTime()) throw new DomainError('COACHING_SESSION_NOT_HELD', { at: start.toISOString() });
}

/**
 * The session's status for the laureate follows the attendance: present validates it (it counts for
 * readiness when required), absent or excused leaves it to be settled (pending). A coach may correct
 * an attendance recorded by mistake; every record is in the audit log.
 */
export function statusForAttendance(attendance: Attendance): StoredMilestoneStatus {
  return attendance === 'present' ? 'validated' : 'pending';
}

/** A session as invited: what the attendees' calendars hold. A change of any of these is a new SEQUENCE. */
export interface SessionSnapshot {
  at: string;
  durationMinutes: number;
  location: { kind: 'place'; address: string } | { kind: 'video'; url: string } | null;
  title: Record<string, string>;
  description: Record<string, string>;
}

/** Whether two snapshots describe the same event (key order does not matter). */
export function sameSnapshot(a: SessionSnapshot | null, b: SessionSnapshot): boolean {
  if (!a) return false;
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The next state of a session's invitation: the sequence to send (0 the first time, +1 on each change
 * or cancellation), and whether anything changed since the last one sent.
 */
export function nextInvitation(
  stored: { sequence: number; snapshot: SessionSnapshot | null; cancelled: boolean } | null,
  current: SessionSnapshot | null,
): { sequence: number; changed: boolean; method: 'REQUEST' | 'CANCEL' } | null {
  if (!current) {
    // Gone from the plan: cancelled once, if it was ever invited.
    if (!stored?.snapshot || stored.cancelled) return null;
    return { sequence: stored.sequence + 1, changed: true, method: 'CANCEL' };
  }
  if (!stored || !stored.snapshot) return { sequence: stored?.sequence ?? 0, changed: true, method: 'REQUEST' };
  if (!stored.cancelled && sameSnapshot(stored.snapshot, current)) return { sequence: stored.sequence, changed: false, method: 'REQUEST' };
  return { sequence: stored.sequence + 1, changed: true, method: 'REQUEST' };
}
