import { planFromDtos } from '../../../src/coaching/coaching.service.js';
import { applyDraftAction, dtosFromRows, newRow, onEditorField, rowsFromForm, rowsFromPlan } from '../../../src/coaching/plan-editor.js';

const TZ = 'Europe/Paris';

describe('coaching plan editor rows', () => {
  const form = {
    count: '2',
    'm.0.id': 'kickoff',
    'm.0.kind': 'session',
    'm.0.title.fr': ' Atelier ',
    'm.0.title.en': 'Workshop',
    'm.0.dateKind': 'absolute',
    'm.0.at': '2026-10-25T09:30',
    'm.0.duration': '90',
    'm.0.placeKind': 'video',
    'm.0.videoUrl': 'https://visio.example/abc',
    'm.0.place': 'ignored',
    'm.1.kind': 'deliverable',
    'm.1.title.fr': 'Récit',
    'm.1.dateKind': 'relative',
    'm.1.days': '14',
    'm.1.time': '18:00',
    'm.1.evidence': 'file',
    'm.1.required': 'yes',
    'm.1.remove': 'yes',
  };

  it('reads the form into rows and the kept rows into the API milestones, the date in the authority zone', () => {
    const rows = rowsFromForm(form, ['fr', 'en']);
    expect(rows.map((r) => [r.kind, r.remove])).toEqual([
      ['session', false],
      ['deliverable', true],
    ]);
    const kept = dtosFromRows(rows, TZ);
    expect(kept.problems).toEqual([]);
    expect(kept.rowOf).toEqual([0]);
    // 25 October 2026 is the autumn change in Paris: 09:30 is after it (UTC+1).
    expect(kept.dtos).toEqual([
      {
        id: 'kickoff',
        kind: 'session',
        title: { fr: 'Atelier', en: 'Workshop' },
        required: false,
        at: '2026-10-25T08:30:00.000Z',
        durationMinutes: 90,
        videoUrl: 'https://visio.example/abc',
      },
    ]);
    const all = dtosFromRows(
      rows.map((r) => ({ ...r, remove: false })),
      TZ,
    );
    expect(all.dtos[1]).toEqual({ kind: 'deliverable', title: { fr: 'Récit' }, required: true, days: 14, time: '18:00', evidence: 'file' });
  });

  it('gives back the rows it saved, through the API rules', () => {
    const rows = rowsFromForm(form, ['fr', 'en']).map((r) => ({ ...r, remove: false }));
    const stored = planFromDtos(dtosFromRows(rows, TZ).dtos);
    const again = rowsFromPlan(stored, TZ);
    expect(again[0]).toMatchObject({ id: 'kickoff', at: '2026-10-25T09:30', duration: '90', placeKind: 'video', videoUrl: 'https://visio.example/abc' });
    expect(again[1]).toMatchObject({ dateKind: 'relative', days: '14', time: '18:00', evidence: 'file', required: true });
  });

  it('names what the form alone can refuse by row, and places the domain refusals on the row they came from', () => {
    const rows = [newRow('session'), { ...newRow('deliverable'), remove: true }, { ...newRow('deliverable'), dateKind: 'absolute' as const, at: 'soon' }];
    const { problems, rowOf } = dtosFromRows(rows, TZ);
    expect(problems.map((p) => [p.field, p.key])).toEqual([
      ['m.0.days', 'validation.required'],
      ['m.2.at', 'validation.dateTime'],
    ]);
    expect(rowOf).toEqual([0, 2]);
    expect(onEditorField({ field: 'milestones.1.location.url', message: '' }, rowOf).field).toBe('m.2.videoUrl');
    expect(onEditorField({ field: 'milestones.1.date.time', message: '' }, rowOf).field).toBe('m.2.time');
    expect(onEditorField({ field: 'milestones.0.title.fr', message: '' }, rowOf).field).toBe('m.0.title');
  });

  it('moves and adds rows in the draft, and leaves other actions to the save', () => {
    const rows = [newRow('session'), newRow('deliverable')];
    expect(applyDraftAction(rows, 'down:0')!.map((r) => r.kind)).toEqual(['deliverable', 'session']);
    expect(applyDraftAction(rows, 'up:0')!.map((r) => r.kind)).toEqual(['session', 'deliverable']);
    expect(applyDraftAction(rows, 'add:session')!.map((r) => r.kind)).toEqual(['session', 'deliverable', 'session']);
    expect(applyDraftAction(rows, 'save')).toBeNull();
  });
});
