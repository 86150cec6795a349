import fc from 'fast-check';
import type { DomainError } from '../../../src/common/errors/domain-error.js';
import { offsetMs } from '../../../src/common/time/zoned.js';
import { wallTimeAt } from '../../../src/coaching/domain/local-time.js';
import { STORED_STATUSES, type LaureateMilestone } from '../../../src/coaching/domain/milestone-status.js';
import { dueReminders, type Reminder, type ReminderRecipient } from '../../../src/coaching/domain/reminders.js';

const t = (iso: string) => new Date(iso);
const laureate: ReminderRecipient = { laureateId: 'L1', muted: false, timeZone: 'Europe/Paris', locale: 'fr' };
const none = new Set<string>();

// Due Friday 3 April 2026 at 18:00 CEST; seven days earlier is still winter time (CET).
const pitch: LaureateMilestone = { id: 'd1', kind: 'deliverable', title: { fr: 'Pitch' }, required: true, at: t('2026-04-03T16:00:00Z'), status: 'pending' };
// Sunday 29 March 2026 is the spring change in Paris; Sunday 25 October the autumn one.
const springSession: LaureateMilestone = {
  id: 's1',
  kind: 'session',
  title: { fr: 'Workshop' },
  required: false,
  at: t('2026-03-29T08:00:00Z'),
  status: 'pending',
};
const autumnSession: LaureateMilestone = {
  id: 's2',
  kind: 'session',
  title: { fr: 'Review' },
  required: false,
  at: t('2026-10-25T09:00:00Z'),
  status: 'pending',
};

const keys = (rs: Reminder[]) => rs.map((r) => r.key);

describe('reminder selection', () => {
  it('sends "7 days before" at the same local time, across the spring change', () => {
    expect(dueReminders([pitch], laureate, t('2026-03-27T16:59:59Z'), none)).toEqual([]);
    const [r] = dueReminders([pitch], laureate, t('2026-03-27T17:00:00Z'), none); // 18:00 CET
    expect(r).toEqual({
      key: 'milestone:d1:laureate:L1:before-7d',
      kind: 'before_due',
      milestoneId: 'd1',
      laureateId: 'L1',
      title: { fr: 'Pitch' },
      sendAt: t('2026-03-27T17:00:00Z'),
      at: pitch.at,
      daysBefore: 7,
      locale: 'fr',
      timeZone: 'Europe/Paris',
    });
    expect(keys(dueReminders([pitch], laureate, t('2026-04-02T16:00:00Z'), new Set([r.key])))).toEqual(['milestone:d1:laureate:L1:before-1d']);
  });

  it('sends the session-day reminder at 07:00 local on the day of the change, spring and autumn', () => {
    expect(dueReminders([springSession], laureate, t('2026-03-29T04:59:00Z'), none)).toEqual([]);
    expect(dueReminders([springSession], laureate, t('2026-03-29T05:00:00Z'), none).map((r) => [r.key, r.sendAt])).toEqual([
      ['milestone:s1:laureate:L1:session-day', t('2026-03-29T05:00:00Z')], // 07:00 CEST
    ]);
    expect(dueReminders([autumnSession], laureate, t('2026-10-25T05:59:00Z'), none)).toEqual([]);
    expect(dueReminders([autumnSession], laureate, t('2026-10-25T06:00:00Z'), none).map((r) => r.sendAt)).toEqual([t('2026-10-25T06:00:00Z')]); // 07:00 CET
    expect(dueReminders([autumnSession], laureate, t('2026-10-25T09:00:00Z'), none)).toEqual([]); // started: too late
  });

  it("reads the session's day on the laureate's own clock", () => {
    const noumea = { ...laureate, timeZone: 'Pacific/Noumea', locale: 'en' as const }; // UTC+11
    // 08:00Z on 29 March is 19:00 in Nouméa: reminder at 07:00 there, 20:00Z the day before.
    const [r] = dueReminders([springSession], noumea, t('2026-03-29T07:00:00Z'), none);
    expect(r.sendAt).toEqual(t('2026-03-28T20:00:00Z'));
    expect(r.locale).toBe('en');
  });

  it('announces a session starting before the usual hour from the start of its day', () => {
    const early = { ...springSession, at: t('2026-03-30T04:30:00Z') }; // 06:30 CEST
    expect(dueReminders([early], laureate, t('2026-03-29T21:59:00Z'), none)).toEqual([]);
    expect(dueReminders([early], laureate, t('2026-03-29T22:00:00Z'), none).map((r) => r.sendAt)).toEqual([t('2026-03-29T22:00:00Z')]);
  });

  it('catches up after downtime with only what is still relevant', () => {
    // Down from before the 7-day moment until after the 1-day one: only the 1-day reminder.
    expect(keys(dueReminders([pitch], laureate, t('2026-04-02T20:00:00Z'), none))).toEqual(['milestone:d1:laureate:L1:before-1d']);
    // Down past the due instant: no "before" reminder, the overdue one.
    const late = dueReminders([pitch], laureate, t('2026-04-05T09:00:00Z'), none);
    expect(late.map((r) => [r.key, r.sendAt])).toEqual([['milestone:d1:laureate:L1:overdue', pitch.at]]);
    // Missed the 7-day moment by a few hours: still 7 days left (rounded up), the 7-day reminder goes.
    expect(keys(dueReminders([pitch], laureate, t('2026-03-27T20:00:00Z'), none))).toEqual(['milestone:d1:laureate:L1:before-7d']);
    // Missed it by days: "à rendre dans 7 jours" would be false, so nothing until the 1-day moment.
    expect(dueReminders([pitch], laureate, t('2026-03-30T12:00:00Z'), none)).toEqual([]);
    // Issue 19: due in about 27 hours, the 1-day reminder not yet due: no 7-day reminder.
    expect(dueReminders([pitch], laureate, t('2026-04-02T13:00:00Z'), none)).toEqual([]);
    expect(keys(dueReminders([pitch], laureate, t('2026-04-02T16:00:00Z'), none))).toEqual(['milestone:d1:laureate:L1:before-1d']);
    // A missed session-day reminder is sent later that day, before the session.
    expect(keys(dueReminders([springSession], laureate, t('2026-03-29T07:59:00Z'), none))).toEqual(['milestone:s1:laureate:L1:session-day']);
  });

  it('sends nothing to a muted laureate', () => {
    const muted = { ...laureate, muted: true };
    for (const now of ['2026-03-27T17:00:00Z', '2026-03-29T05:00:00Z', '2026-04-05T09:00:00Z']) {
      expect(dueReminders([pitch, springSession], muted, t(now), none)).toEqual([]);
    }
  });

  it('leaves alone what is handed in or done, and reminds of what came back with changes', () => {
    const now = t('2026-04-02T17:00:00Z');
    expect(dueReminders([{ ...pitch, status: 'submitted' }], laureate, now, none)).toEqual([]);
    expect(dueReminders([{ ...pitch, status: 'validated' }], laureate, t('2026-04-05T00:00:00Z'), none)).toEqual([]);
    expect(keys(dueReminders([{ ...pitch, status: 'changes_requested' }], laureate, now, none))).toEqual(['milestone:d1:laureate:L1:before-1d']);
    expect(dueReminders([{ ...springSession, status: 'validated' }], laureate, t('2026-03-29T05:00:00Z'), none)).toEqual([]);
  });

  it('takes configured offsets and session time', () => {
    const options = { beforeDays: [3], sessionDayTime: '08:30' };
    expect(keys(dueReminders([pitch], laureate, t('2026-03-31T16:00:00Z'), none, options))).toEqual(['milestone:d1:laureate:L1:before-3d']);
    expect(dueReminders([pitch], laureate, t('2026-03-31T15:59:00Z'), none, options)).toEqual([]);
    expect(dueReminders([springSession], laureate, t('2026-03-29T06:29:00Z'), none, options)).toEqual([]);
    expect(keys(dueReminders([springSession], laureate, t('2026-03-29T06:30:00Z'), none, options))).toHaveLength(1);
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'none';
      } catch (e) {
        return (e as DomainError).code;
      }
    };
    expect(code(() => dueReminders([pitch], laureate, t('2026-03-31T16:00:00Z'), none, { beforeDays: [0] }))).toBe('REMINDER_INVALID_OFFSET');
    expect(code(() => dueReminders([pitch], laureate, t('2026-03-31T16:00:00Z'), none, { sessionDayTime: '7h' }))).toBe('REMINDER_INVALID_TIME');
    expect(code(() => dueReminders([pitch], { ...laureate, timeZone: 'Nowhere/Land' }, t('2026-03-31T16:00:00Z'), none))).toBe('INVALID_TIME_ZONE');
  });

  describe('properties', () => {
    const milestoneArb = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      kind: fc.constantFrom('session' as const, 'deliverable' as const),
      title: fc.constant({ fr: 'x' }),
      required: fc.boolean(),
      // Around both 2026 changes in Paris.
      at: fc.oneof(
        fc.date({ min: t('2026-03-15T00:00:00Z'), max: t('2026-04-15T00:00:00Z'), noInvalidDate: true }),
        fc.date({ min: t('2026-10-10T00:00:00Z'), max: t('2026-11-10T00:00:00Z'), noInvalidDate: true }),
      ),
      status: fc.constantFrom(...STORED_STATUSES),
    });
    const runArb = fc.record({
      milestones: fc.uniqueArray(milestoneArb, { selector: (m) => m.id, maxLength: 5 }),
      timeZone: fc.constantFrom('Europe/Paris', 'America/Montreal', 'Pacific/Noumea'),
      // Ticks at irregular intervals (minutes to days), as a scheduler with downtime would make.
      start: fc.date({ min: t('2026-03-01T00:00:00Z'), max: t('2026-11-15T00:00:00Z'), noInvalidDate: true }),
      steps: fc.array(fc.integer({ min: 1, max: 4 * 24 * 60 }), { minLength: 1, maxLength: 40 }),
    });

    it('says the time left: a "N days before" reminder goes out only while N days is what is left, rounded up on the laureate\'s clock', () => {
      fc.assert(
        fc.property(runArb, fc.constantFrom([7, 1], [3], [14, 7, 2, 1]), ({ milestones, timeZone, start, steps }, beforeDays) => {
          const who = { ...laureate, timeZone };
          const sent = new Set<string>();
          let now = start.getTime();
          for (const minutes of steps) {
            now += minutes * 60_000;
            for (const r of dueReminders(milestones, who, new Date(now), sent, { beforeDays })) {
              sent.add(r.key);
              if (r.kind !== 'before_due') continue;
              // The time left on the laureate's wall clock (a day is a calendar day, 23 or 25 hours at a change),
              // rounded up to whole days, is the N the reminder says.
              const wall = (ms: number) => ms + offsetMs(ms, timeZone);
              const left = (wall(r.at.getTime()) - wall(now)) / 86_400_000;
              expect(Math.ceil(left - 1e-9)).toBe(r.daysBefore);
            }
          }
        }),
        { numRuns: 150 },
      );
    });

    it('is exactly-once: each key at most once, and feeding back what was sent returns nothing new', () => {
      fc.assert(
        fc.property(runArb, ({ milestones, timeZone, start, steps }) => {
          const who = { ...laureate, timeZone };
          const sent = new Set<string>();
          let now = start.getTime();
          for (const minutes of steps) {
            now += minutes * 60_000;
            const batch = dueReminders(milestones, who, new Date(now), sent);
            for (const r of batch) {
              expect(sent.has(r.key)).toBe(false);
              sent.add(r.key);
              expect(r.sendAt.getTime()).toBeLessThanOrEqual(now);
              if (r.kind !== 'overdue') expect(now).toBeLessThan(r.at.getTime());
              else expect(now).toBeGreaterThan(r.at.getTime());
            }
            expect(new Set(keys(batch)).size).toBe(batch.length);
            // At most one reminder per milestone per call: "before" reminders supersede each other.
            expect(new Set(batch.map((r) => r.milestoneId)).size).toBe(batch.length);
            expect(dueReminders(milestones, who, new Date(now), sent)).toEqual([]);
          }
        }),
        { numRuns: 120 },
      );
    });

    it('keeps the due time\'s local clock for "days before" reminders, across daylight-saving changes', () => {
      fc.assert(
        fc.property(runArb, ({ milestones, timeZone, start, steps }) => {
          const who = { ...laureate, timeZone };
          let now = start.getTime();
          for (const minutes of steps) {
            now += minutes * 60_000;
            for (const r of dueReminders(milestones, who, new Date(now), none)) {
              const sameClock = wallTimeAt(r.sendAt, timeZone).time === wallTimeAt(r.at, timeZone).time;
              // Only a time falling in a spring gap that day may differ.
              const gapDay = offsetMs(r.sendAt.getTime() - 12 * 3_600_000, timeZone) !== offsetMs(r.sendAt.getTime() + 12 * 3_600_000, timeZone);
              if (r.kind === 'before_due') expect(sameClock || gapDay).toBe(true);
              if (r.kind === 'session_day') expect(wallTimeAt(r.sendAt, timeZone).date).toBe(wallTimeAt(r.at, timeZone).date);
            }
          }
        }),
        { numRuns: 100 },
      );
    });
  });
});
