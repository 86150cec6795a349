import fc from 'fast-check';
import { reassignAfterConflict } from '../../../src/jury/domain/assignment.js';
import { shuffle } from './jury-fixtures.js';

const pair = (jurorId: string, applicationId: string) => ({ jurorId, applicationId });

describe('reassignment after a conflict declared once the vote is open (k per application)', () => {
  const jurors = ['j1', 'j2', 'j3', 'j4'].map((id) => ({ id }));
  // k = 2: a1 read by j1 and j2, a2 by j3 and j4, a3 by j1 and j3, a4 by j2 and j4 — j4 is the least loaded once a4 is set aside.
  const assignments = [pair('j1', 'a1'), pair('j2', 'a1'), pair('j3', 'a2'), pair('j4', 'a2'), pair('j1', 'a3'), pair('j3', 'a3'), pair('j2', 'a4')];

  it('gives the application to the least loaded juror with no conflict who does not read it yet', () => {
    const result = reassignAfterConflict({ applicationId: 'a1', wanted: 2, jurors, assignments, conflicts: [pair('j1', 'a1')] });
    // j3 reads 2, j4 reads 1: j4.
    expect(result).toEqual({ added: ['j4'], reading: 1, missing: 0, available: 2 });
  });

  it('skips a juror with a conflict on it, and counts a juror’s conflicted applications out of their load', () => {
    const result = reassignAfterConflict({
      applicationId: 'a1',
      wanted: 2,
      jurors,
      assignments,
      conflicts: [pair('j1', 'a1'), pair('j4', 'a1'), pair('j3', 'a2'), pair('j3', 'a3')],
    });
    expect(result.added).toEqual(['j3']);
  });

  it('among equally loaded jurors, the first by id; the same answer whatever the order of the rows', () => {
    const input = { applicationId: 'a9', wanted: 1, jurors, assignments: [pair('j1', 'a9')], conflicts: [pair('j1', 'a9')] };
    expect(reassignAfterConflict(input).added).toEqual(['j2']);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const shuffled = { ...input, jurors: shuffle(jurors, seed), assignments: shuffle(assignments, seed), conflicts: shuffle([pair('j1', 'a1')], seed) };
        const base = { ...input, assignments, conflicts: [pair('j1', 'a1')] };
        expect(reassignAfterConflict({ ...shuffled, applicationId: 'a1', wanted: 2 })).toEqual(
          reassignAfterConflict({ ...base, applicationId: 'a1', wanted: 2 }),
        );
      }),
    );
  });

  it('says what is missing when nobody is available', () => {
    const result = reassignAfterConflict({
      applicationId: 'a1',
      wanted: 2,
      jurors: [{ id: 'j1' }, { id: 'j2' }],
      assignments: [pair('j1', 'a1'), pair('j2', 'a1')],
      conflicts: [pair('j1', 'a1')],
    });
    expect(result).toEqual({ added: [], reading: 1, missing: 1, available: 0 });
  });

  it('adds nobody when the application still has its k readers', () => {
    const result = reassignAfterConflict({ applicationId: 'a1', wanted: 1, jurors, assignments, conflicts: [pair('j1', 'a1')] });
    expect(result).toEqual({ added: [], reading: 1, missing: 0, available: 2 });
    expect(() => reassignAfterConflict({ applicationId: 'a1', wanted: 0, jurors, assignments, conflicts: [] })).toThrow('ASSIGNMENT_K_INVALID');
  });
});
