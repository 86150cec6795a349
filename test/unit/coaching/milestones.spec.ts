import fc from 'fast-check';
import { DomainError } from '../../../src/common/errors/domain-error.js';
import { offsetMs } from '../../../src/common/time/zoned.js';
import { addCalendarDays, wallTimeAt } from '../../../src/coaching/domain/local-time.js';
import {
  applyReviewAction,
  effectiveStatus,
  MILESTONE_TRANSITIONS,
  REVIEW_ACTIONS,
  STORED_STATUSES,
  type LaureateMilestone,
} from '../../../src/coaching/domain/milestone-status.js';
import {
  assertEvidenceFits,
  assertValidMilestones,
  milestoneInstant,
  scheduleMilestones,
  validateMilestone,
  type Milestone,
} from '../../../src/coaching/domain/milestones.js';
import { readiness } from '../../../src/coaching/domain/readiness.js';

const PARIS = 'Europe/Paris';
const t = (iso: string) => new Date(iso);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).code;
  }
  return 'none';
}

describe('milestone dating', () => {
  it('keeps the local wall-clock time across the spring change', () => {
    const start = t('2026-03-20T08:00:00Z'); // 09:00 CET
    expect(milestoneInstant({ kind: 'relative', days: 14, time: '09:00' }, start, PARIS)).toEqual(t('2026-04-03T07:00:00Z'));
    expect(milestoneInstant({ kind: 'relative', days: 14 }, start, PARIS)).toEqual(t('2026-04-03T07:00:00Z'));
    expect(milestoneInstant({ kind: 'relative', days: 14, time: '18:00' }, start, PARIS)).toEqual(t('2026-04-03T16:00:00Z'));
    expect(milestoneInstant({ kind: 'relative', days: 0, time: '18:00' }, start, PARIS)).toEqual(t('2026-03-20T17:00:00Z'));
  });

  it('keeps the local wall-clock time across the autumn change', () => {
    const start = t('2026-10-20T07:00:00Z'); // 09:00 CEST
    expect(milestoneInstant({ kind: 'relative', days: 14, time: '09:00' }, start, PARIS)).toEqual(t('2026-11-03T08:00:00Z'));
    expect(milestoneInstant({ kind: 'relative', days: -1, time: '09:00' }, start, PARIS)).toEqual(t('2026-10-19T07:00:00Z'));
  });

  it('moves a time skipped in spring forward, and takes the first of a repeated autumn time', () => {
    expect(milestoneInstant({ kind: 'relative', days: 9, time: '02:30' }, t('2026-03-20T08:00:00Z'), PARIS)).toEqual(t('2026-03-29T01:30:00Z'));
    expect(milestoneInstant({ kind: 'relative', days: 5, time: '02:30' }, t('2026-10-20T07:00:00Z'), PARIS)).toEqual(t('2026-10-25T00:30:00Z'));
  });

  it('reads the start date in the zone, not in UTC', () => {
    // 23:30Z on the 19th is already the 20th in Paris.
    expect(milestoneInstant({ kind: 'relative', days: 1, time: '10:00' }, t('2026-03-19T23:30:00Z'), PARIS)).toEqual(t('2026-03-21T09:00:00Z'));
  });

  it('leaves absolute dates alone', () => {
    expect(milestoneInstant({ kind: 'absolute', at: t('2026-05-01T10:00:00Z') }, t('2026-03-20T08:00:00Z'), PARIS)).toEqual(t('2026-05-01T10:00:00Z'));
  });

  it('lands on the requested local date and time whatever the start and the zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: t('2025-01-01T00:00:00Z'), max: t('2028-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -60, max: 200 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom(PARIS, 'America/Montreal', 'Pacific/Noumea', 'Australia/Sydney'),
        (start, days, h, m, zone) => {
          const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
          const at = milestoneInstant({ kind: 'relative', days, time }, start, zone);
          const wall = wallTimeAt(at, zone);
          expect(wall.date).toBe(addCalendarDays(wallTimeAt(start, zone).date, days));
          if (wall.time !== time) {
            // Only a time inside a spring gap may differ: pushed forward, on a day the offset changes.
            expect(wall.time > time).toBe(true);
            expect(offsetMs(at.getTime() - 12 * 3_600_000, zone)).toBeLessThan(offsetMs(at.getTime() + 12 * 3_600_000, zone));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('schedules a programme template for one laureate, in order', () => {
    const template: Milestone[] = [
      { id: 'pitch', kind: 'deliverable', title: { fr: 'Pitch video' }, required: true, evidence: 'url', date: { kind: 'relative', days: 21, time: '18:00' } },
      {
        id: 'kickoff',
        kind: 'session',
        title: { fr: 'Kick-off' },
        required: true,
        location: { kind: 'place', address: 'Hôtel de ville' },
        date: { kind: 'relative', days: 0 },
      },
      {
        id: 'budget',
        kind: 'deliverable',
        title: { fr: 'Budget' },
        required: false,
        evidence: 'file',
        date: { kind: 'absolute', at: t('2026-04-01T10:00:00Z') },
      },
    ];
    const scheduled = scheduleMilestones(template, t('2026-03-20T08:00:00Z'), PARIS);
    expect(scheduled.map((m) => [m.id, m.at.toISOString()])).toEqual([
      ['kickoff', '2026-03-20T08:00:00.000Z'],
      ['budget', '2026-04-01T10:00:00.000Z'],
      ['pitch', '2026-04-10T16:00:00.000Z'],
    ]);
  });

  it('rejects bad definitions with clear codes and fields', () => {
    expect(codeOf(() => milestoneInstant({ kind: 'relative', days: 1 }, t('2026-03-20T08:00:00Z'), 'Mars/Olympus'))).toBe('INVALID_TIME_ZONE');
    expect(codeOf(() => milestoneInstant({ kind: 'relative', days: 1, time: '25:00' }, t('2026-03-20T08:00:00Z'), PARIS))).toBe('MILESTONE_INVALID_DATE');
    expect(codeOf(() => milestoneInstant({ kind: 'relative', days: 1.5 }, t('2026-03-20T08:00:00Z'), PARIS))).toBe('MILESTONE_INVALID_DATE');
    const bad: Milestone = {
      id: 's',
      kind: 'session',
      title: { fr: ' ' },
      required: false,
      location: { kind: 'video', url: 'ftp://x' },
      date: { kind: 'relative', days: 2, time: '9h' },
    };
    expect(validateMilestone(bad).map((p) => p.field)).toEqual(['milestone.title', 'milestone.date.time', 'milestone.location.url']);
    expect(codeOf(() => assertValidMilestones([bad]))).toBe('VALIDATION_FAILED');
    const ok: Milestone = { id: 'd', kind: 'deliverable', title: { fr: 'Plan' }, required: true, evidence: 'text', date: { kind: 'relative', days: 2 } };
    expect(codeOf(() => assertValidMilestones([ok]))).toBe('none');
    expect(codeOf(() => assertValidMilestones([ok, ok]))).toBe('VALIDATION_FAILED');
  });

  it('checks evidence against what the deliverable expects', () => {
    expect(codeOf(() => assertEvidenceFits('url', { kind: 'url', url: 'https://example.org/pitch' }))).toBe('none');
    expect(codeOf(() => assertEvidenceFits('url', { kind: 'text', text: 'hello' }))).toBe('MILESTONE_EVIDENCE_KIND');
    expect(codeOf(() => assertEvidenceFits('text', { kind: 'text', text: '  ' }))).toBe('VALIDATION_FAILED');
  });
});

describe('review workflow', () => {
  it('walks submit, request changes, resubmit, validate', () => {
    let s = applyReviewAction('deliverable', 'pending', 'submit');
    expect(s).toBe('submitted');
    s = applyReviewAction('deliverable', s, 'request_changes');
    expect(s).toBe('changes_requested');
    s = applyReviewAction('deliverable', s, 'resubmit');
    expect(s).toBe('submitted');
    expect(applyReviewAction('deliverable', s, 'validate')).toBe('validated');
    expect(applyReviewAction('session', 'pending', 'validate')).toBe('validated');
  });

  it('refuses every move not in the table, saying what is allowed', () => {
    for (const kind of ['deliverable', 'session'] as const) {
      for (const from of STORED_STATUSES) {
        for (const action of REVIEW_ACTIONS) {
          const to = MILESTONE_TRANSITIONS[kind][from][action];
          if (to) {
            expect(applyReviewAction(kind, from, action)).toBe(to);
            continue;
          }
          try {
            applyReviewAction(kind, from, action);
            throw new Error('should have thrown');
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
            expect((e as DomainError).code).toBe('MILESTONE_TRANSITION_NOT_ALLOWED');
            expect((e as DomainError).details).toEqual({ kind, from, action, allowed: Object.keys(MILESTONE_TRANSITIONS[kind][from]) });
          }
        }
      }
    }
    expect(Object.keys(MILESTONE_TRANSITIONS.deliverable.validated)).toEqual([]);
  });

  it('derives overdue: past due and not handed in', () => {
    const due = t('2026-04-03T16:00:00Z');
    const after = t('2026-04-03T16:00:01Z');
    expect(effectiveStatus('deliverable', 'pending', due, due)).toBe('pending');
    expect(effectiveStatus('deliverable', 'pending', due, after)).toBe('overdue');
    expect(effectiveStatus('deliverable', 'changes_requested', due, after)).toBe('overdue');
    expect(effectiveStatus('deliverable', 'submitted', due, after)).toBe('submitted');
    expect(effectiveStatus('deliverable', 'validated', due, after)).toBe('validated');
    expect(effectiveStatus('session', 'pending', due, after)).toBe('pending');
  });
});

describe('readiness', () => {
  const m = (id: string, over: Partial<LaureateMilestone>): LaureateMilestone => ({
    id,
    kind: 'deliverable',
    title: { fr: id },
    required: true,
    at: t('2026-04-03T16:00:00Z'),
    status: 'pending',
    ...over,
  });

  it('is ready when every required deliverable is validated', () => {
    expect(readiness([m('a', { status: 'validated' }), m('b', { required: false }), m('s', { kind: 'session' })])).toEqual({ ready: true, missing: [] });
    expect(readiness([])).toEqual({ ready: true, missing: [] });
  });

  it('lists what is missing, soonest first, overdue when past due', () => {
    const r = readiness(
      [m('late', { at: t('2026-04-20T16:00:00Z'), status: 'submitted' }), m('early', { status: 'changes_requested' }), m('done', { status: 'validated' })],
      t('2026-04-10T00:00:00Z'),
    );
    expect(r.ready).toBe(false);
    expect(r.missing.map((x) => [x.milestoneId, x.status])).toEqual([
      ['early', 'overdue'],
      ['late', 'submitted'],
    ]);
  });
});
