import type { Locale, Localized } from '../../common/i18n/localized.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { assertTimeZone, instantOf, isWallClockTime, shiftWallClockDays, wallTimeAt } from './local-time.js';
import { awaitsLaureate, effectiveStatus, type LaureateMilestone } from './milestone-status.js';

export interface ReminderRecipient {
  laureateId: string;
  /** A muted laureate gets no reminder at all. */
  muted: boolean;
  /** The laureate's own zone: "the day of the session" and "7 days before" are read on their clock. */
  timeZone: string;
  locale: Locale;
}

export interface ReminderOptions {
  /** Whole days before a deliverable's due time (same local time); default 7 and 1. */
  beforeDays?: readonly number[];
  /** Local time the session-day reminder goes out, 'HH:mm'; default 07:00. */
  sessionDayTime?: string;
}

export const DEFAULT_BEFORE_DAYS: readonly number[] = [7, 1];
export const DEFAULT_SESSION_DAY_TIME = '07:00';

export type ReminderKind = 'before_due' | 'session_day' | 'overdue';

export interface Reminder {
  /** Stable and unique per laureate, milestone and moment: a unique constraint on it makes sending exactly-once. */
  key: string;
  kind: ReminderKind;
  milestoneId: string;
  laureateId: string;
  title: Localized;
  /** When the reminder became due (it may be sent later, after downtime). */
  sendAt: Date;
  /** The session's start or the deliverable's due instant. */
  at: Date;
  daysBefore?: number;
  locale: Locale;
  timeZone: string;
}

export function reminderKey(milestoneId: string, laureateId: string, suffix: string): string {
  return `milestone:${milestoneId}:laureate:${laureateId}:${suffix}`;
}

function beforeDays(options: ReminderOptions): number[] {
  const days = options.beforeDays ?? DEFAULT_BEFORE_DAYS;
  for (const d of days) if (!Number.isSafeInteger(d) || d < 1) throw new DomainError('REMINDER_INVALID_OFFSET', { days: d });
  // Nearest first: the first offset whose moment has passed is the one still worth sending.
  return [...new Set(days)].sort((a, b) => a - b);
}

/**
 * The reminders to send now for one laureate, minus those in `alreadySent` (keys). Catch-up: a
 * reminder whose moment passed while the app was down is still returned while it is relevant, and
 * only the latest of the "before" reminders is (no 7-day reminder once the 1-day one is due, nothing
 * "before" once the due instant has passed). A "N days before" reminder is sent only while N days is
 * still what is left, rounded up on the laureate's clock (between N and N-1 days before the due
 * time): after downtime, a deliverable due in 27 hours gets no "à rendre dans 7 jours", it gets the
 * 1-day reminder three hours later. Overdue is sent once, whenever it is noticed.
 */
export function dueReminders(
  milestones: readonly LaureateMilestone[],
  laureate: ReminderRecipient,
  now: Date,
  alreadySent: ReadonlySet<string>,
  options: ReminderOptions = {},
): Reminder[] {
  if (laureate.muted) return [];
  assertTimeZone(laureate.timeZone);
  const offsets = beforeDays(options);
  const sessionTime = options.sessionDayTime ?? DEFAULT_SESSION_DAY_TIME;
  if (!isWallClockTime(sessionTime)) throw new DomainError('REMINDER_INVALID_TIME', { sessionDayTime: sessionTime });
  const t = now.getTime();
  const reminders: Reminder[] = [];
  const add = (m: LaureateMilestone, kind: ReminderKind, suffix: string, sendAt: Date, daysBefore?: number) => {
    const key = reminderKey(m.id, laureate.laureateId, suffix);
    if (alreadySent.has(key)) return;
    reminders.push({
      key,
      kind,
      milestoneId: m.id,
      laureateId: laureate.laureateId,
      title: m.title,
      sendAt,
      at: m.at,
      ...(daysBefore === undefined ? {} : { daysBefore }),
      locale: laureate.locale,
      timeZone: laureate.timeZone,
    });
  };

  for (const m of milestones) {
    if (m.kind === 'deliverable') {
      if (effectiveStatus(m.kind, m.status, m.at, now) === 'overdue') {
        add(m, 'overdue', 'overdue', m.at);
      } else if (awaitsLaureate(m.status) && t < m.at.getTime()) {
        for (const days of offsets) {
          const sendAt = shiftWallClockDays(m.at, -days, laureate.timeZone);
          if (sendAt.getTime() <= t) {
            // The message says "in N days": it must still be true (less than N-1 days left means it is not).
            const stillTrueUntil = days === 1 ? m.at : shiftWallClockDays(m.at, -(days - 1), laureate.timeZone);
            if (t < stillTrueUntil.getTime()) add(m, 'before_due', `before-${days}d`, sendAt, days);
            break;
          }
        }
      }
    } else if (m.status !== 'validated' && t < m.at.getTime()) {
      // A session starting before the usual hour is announced from the start of its day instead.
      const day = wallTimeAt(m.at, laureate.timeZone).date;
      let sendAt = instantOf({ date: day, time: sessionTime }, laureate.timeZone);
      if (sendAt.getTime() >= m.at.getTime()) sendAt = instantOf({ date: day, time: '00:00' }, laureate.timeZone);
      if (sendAt.getTime() <= t) add(m, 'session_day', 'session-day', sendAt);
    }
  }
  return reminders.sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
