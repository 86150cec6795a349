import { renderMessage, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import fc from 'fast-check';
import { assignJurors } from '../../../src/jury/domain/assignment.js';
import { ids, isConflicted, panelArb, shuffle } from './jury-fixtures.js';

const say = (m: Message, lang = 'en') => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);

describe('assignment of applications to jurors', () => {
  it('all: every juror reads every application except their conflicts', () => {
    const result = assignJurors({
      applicationIds: ['a2', 'a1', 'a3'],
      jurors: [{ id: 'j2' }, { id: 'j1' }],
      conflicts: [{ jurorId: 'j1', applicationId: 'a2' }],
      mode: 'all',
    });
    expect(result.applications).toEqual([
      { applicationId: 'a1', jurorIds: ['j1', 'j2'] },
      { applicationId: 'a2', jurorIds: ['j2'] },
      { applicationId: 'a3', jurorIds: ['j1', 'j2'] },
    ]);
    expect(result.loads).toEqual([
      { jurorId: 'j1', load: 2 },
      { jurorId: 'j2', load: 3 },
    ]);
    expect(result.shortfalls).toEqual([]);
    expect(result.pairs).toHaveLength(5);
  });

  it('k: 40 applications, 10 jurors, 3 each: loads of exactly 12', () => {
    const result = assignJurors({ applicationIds: ids('a', 40), jurors: ids('j', 10).map((id) => ({ id })), mode: { k: 3 } });
    expect(result.applications.every((a) => a.jurorIds.length === 3)).toBe(true);
    expect(result.loads.map((l) => l.load)).toEqual(new Array(10).fill(12));
    expect(result.explanation.figures).toMatchObject({ minLoad: 12, maxLoad: 12 });
  });

  it('reports an application that cannot get k jurors without a conflict', () => {
    const result = assignJurors({
      applicationIds: ['a1', 'a2'],
      jurors: [{ id: 'j1' }, { id: 'j2' }, { id: 'j3' }],
      conflicts: [
        { jurorId: 'j1', applicationId: 'a1' },
        { jurorId: 'j2', applicationId: 'a1' },
      ],
      mode: { k: 2 },
    });
    expect(result.applications[0]).toEqual({ applicationId: 'a1', jurorIds: ['j3'] });
    expect(result.shortfalls).toMatchObject([{ applicationId: 'a1', wanted: 2, assigned: 1, available: 1 }]);
    expect(say(result.shortfalls[0].explanation, 'fr')).toContain('conflit');
  });

  it('all: an application every juror has a conflict with is reported', () => {
    const result = assignJurors({ applicationIds: ['a1'], jurors: [{ id: 'j1' }], conflicts: [{ jurorId: 'j1', applicationId: 'a1' }], mode: 'all' });
    expect(result.shortfalls).toMatchObject([{ applicationId: 'a1', assigned: 0 }]);
  });

  it('refuses k below 1 and duplicate jurors', () => {
    expect(() => assignJurors({ applicationIds: ['a1'], jurors: [{ id: 'j1' }], mode: { k: 0 } })).toThrow('ASSIGNMENT_K_INVALID');
    expect(() => assignJurors({ applicationIds: ['a1'], jurors: [{ id: 'j1' }, { id: 'j1' }], mode: 'all' })).toThrow('JUROR_DUPLICATE');
  });

  it('property: min(k, available) distinct jurors per application, never a conflicted pair, same result in any order', () => {
    fc.assert(
      fc.property(panelArb(15, 8), fc.integer({ min: 1, max: 6 }), fc.integer(), (panel, k, seed) => {
        const input = { applicationIds: panel.applicationIds, jurors: panel.jurors, conflicts: panel.conflicts, mode: { k } };
        const result = assignJurors(input);
        for (const app of result.applications) {
          const available = panel.jurors.filter((j) => !isConflicted(panel, j.id, app.applicationId)).length;
          expect(new Set(app.jurorIds).size).toBe(app.jurorIds.length);
          expect(app.jurorIds.length).toBe(Math.min(k, available));
          for (const j of app.jurorIds) expect(isConflicted(panel, j, app.applicationId)).toBe(false);
        }
        expect(result.shortfalls.map((s) => s.applicationId)).toEqual(result.applications.filter((a) => a.jurorIds.length < k).map((a) => a.applicationId));
        const shuffled = assignJurors({
          ...input,
          applicationIds: shuffle(panel.applicationIds, seed),
          jurors: shuffle(panel.jurors, seed + 1),
          conflicts: shuffle(panel.conflicts, seed + 2),
        });
        expect(shuffled).toEqual(result);
      }),
    );
  });

  it('property: without conflicts, loads differ by at most 1', () => {
    fc.assert(
      fc.property(panelArb(30, 12, false), fc.integer({ min: 1, max: 12 }), (panel, k) => {
        const loads = assignJurors({ applicationIds: panel.applicationIds, jurors: panel.jurors, mode: { k } }).loads.map((l) => l.load);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('property: all mode assigns exactly the pairs without a conflict', () => {
    fc.assert(
      fc.property(panelArb(), (panel) => {
        const result = assignJurors({ ...panel, mode: 'all' });
        const expected = panel.jurors.flatMap((j) =>
          panel.applicationIds.filter((a) => !isConflicted(panel, j.id, a)).map((a) => ({ jurorId: j.id, applicationId: a })),
        );
        expect(result.pairs).toEqual(expected);
      }),
    );
  });
});
