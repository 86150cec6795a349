import fc from 'fast-check';
import { localizeProblems } from '../../src/common/errors/validation.js';
import { readinessBlockers } from '../../src/coaching/domain/readiness-guard.js';
import { juryBlockers } from '../../src/jury/domain/phase-guard.js';
import { blockersFor } from '../../src/programmes/domain/phase-guards.js';
import { assertTransition, canTransition, nextPhase, PHASES, type Phase } from '../../src/programmes/domain/phase.js';
import { dueTransitions, scheduledPhaseAt, validateTimeline, type Timeline } from '../../src/programmes/domain/timeline.js';

describe('programme lifecycle', () => {
  it('moves forward one phase at a time, from draft to results', () => {
    const walked: Phase[] = ['draft'];
    let p: Phase | undefined = 'draft';
    while ((p = nextPhase(p))) walked.push(p);
    expect(walked).toEqual([...PHASES]);
    expect(nextPhase('results')).toBeUndefined();
  });

  it('refuses every move that is not to the next phase', () => {
    for (const from of PHASES) {
      for (const to of PHASES) {
        const allowed = nextPhase(from) === to;
        expect(canTransition(from, to)).toBe(allowed);
        if (!allowed) expect(() => assertTransition(from, to)).toThrow('PHASE_TRANSITION_NOT_ALLOWED');
      }
    }
  });

  it('guards: no laureates without a closed vote, no campaign with laureates not ready unless overridden', () => {
    // Each rule lives with the module that owns it (jury, coaching) and is registered into PhaseHooks.
    expect(juryBlockers('announced', { voteClosed: false, confirmedLaureates: null }).map((b) => b.code)).toEqual(['VOTE_NOT_CLOSED']);
    expect(juryBlockers('announced', { voteClosed: true, confirmedLaureates: 0 }).map((b) => b.code)).toEqual(['NO_LAUREATES']);
    expect(juryBlockers('announced', { voteClosed: true, confirmedLaureates: 10 })).toEqual([]);
    expect(readinessBlockers('campaign', { laureatesNotReady: 2, readinessOverridden: false }).map((b) => b.code)).toEqual(['LAUREATES_NOT_READY']);
    expect(readinessBlockers('campaign', { laureatesNotReady: 2, readinessOverridden: true })).toEqual([]);
    expect(blockersFor('call_open', { hasTitle: false })[0]).toEqual({ code: 'NO_TITLE', key: 'guard.NO_TITLE' });
  });
});

describe('timeline', () => {
  const t = (iso: string) => new Date(iso);
  const timeline: Timeline = {
    call_open: t('2026-03-01T08:00:00Z'),
    screening: t('2026-04-01T16:00:00Z'),
    jury: t('2026-04-15T08:00:00Z'),
  };

  it('lists every passed instant in order from the current phase (catch-up after downtime)', () => {
    expect(dueTransitions('draft', timeline, t('2026-04-20T00:00:00Z')).map((s) => s.to)).toEqual(['call_open', 'screening', 'jury']);
    expect(dueTransitions('call_open', timeline, t('2026-04-20T00:00:00Z')).map((s) => s.to)).toEqual(['screening', 'jury']);
    expect(dueTransitions('draft', timeline, t('2026-03-01T07:59:59Z'))).toEqual([]);
    expect(dueTransitions('draft', timeline, t('2026-03-01T08:00:00Z')).map((s) => s.to)).toEqual(['call_open']);
  });

  it('stops at the first phase without an instant', () => {
    const gap: Timeline = { call_open: t('2026-03-01T08:00:00Z'), jury: t('2026-03-02T08:00:00Z') };
    expect(dueTransitions('draft', gap, t('2026-12-01T00:00:00Z')).map((s) => s.to)).toEqual(['call_open']);
    expect(scheduledPhaseAt(gap, t('2026-12-01T00:00:00Z'))).toBe('call_open');
  });

  it('names each instant that does not come after the one before', () => {
    expect(validateTimeline(timeline)).toEqual([]);
    const [late] = validateTimeline({ call_open: t('2026-03-01T08:00:00Z'), screening: t('2026-03-01T08:00:00Z') });
    expect(localizeProblems([late], 'en')).toEqual([
      expect.objectContaining({ field: 'timeline.screening', message: 'Screening: must be after the start of “Call for projects open”.' }),
    ]);
    expect(localizeProblems([late], 'fr')[0].message).toBe('Instruction des candidatures : doit être après le début de « Appel à projets ouvert ».');
    expect(validateTimeline({ call_open: new Date('nope') })[0].field).toBe('timeline.call_open');
  });

  it('property: due transitions form a chain of consecutive phases whose instants have passed', () => {
    const phases = PHASES.slice(1) as Array<keyof Timeline>;
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }), { minLength: phases.length, maxLength: phases.length }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.constantFrom(...PHASES),
        (gaps, nowOffset, current) => {
          const tl: Timeline = {};
          let at = 0;
          phases.forEach((ph, i) => {
            if (gaps[i] !== undefined) {
              at += gaps[i]!;
              tl[ph] = new Date(at * 60_000);
            }
          });
          const now = new Date(nowOffset * 60_000);
          const steps = dueTransitions(current, tl, now);
          let from = current;
          for (const s of steps) {
            expect(s.from).toBe(from);
            expect(nextPhase(from)).toBe(s.to);
            expect(s.at.getTime()).toBeLessThanOrEqual(now.getTime());
            from = s.to;
          }
          const next = nextPhase(from) as keyof Timeline | undefined;
          if (next && next !== ('draft' as never) && tl[next]) expect(tl[next]!.getTime()).toBeGreaterThan(now.getTime());
        },
      ),
    );
  });
});
