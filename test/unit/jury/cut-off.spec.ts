import { renderMessage, type Message } from '../../../src/common/i18n/message.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import { cutOffInScores, scaleOf } from '../../../src/jury/domain/cut-off.js';
import { aggregateScoredCriteria } from '../../../src/jury/domain/methods/scored-criteria.js';
import { tally, type TallyRules } from '../../../src/jury/domain/tally.js';
import { cutOffFromForm } from '../../../src/jury/jury-form.js';
import { checkSettings, DEFAULT_SETTINGS } from '../../../src/jury/jury.settings.js';

const say = (m: Message, lang = 'en') => renderMessage((l, k, v) => sharedTranslations().t(l, k, v), lang, m);
const criteria = [
  { id: 'impact', weight: 2, min: 0, max: 20 },
  { id: 'feasibility', weight: 1, min: 0, max: 20 },
];
const ballot = (jurorId: string, applicationId: string, impact: number, feasibility: number) => ({ jurorId, applicationId, scores: { impact, feasibility } });
const panel = {
  applicationIds: ['a1', 'a2', 'a3'],
  jurors: [
    { id: 'strict', weight: 1 },
    { id: 'generous', weight: 2 },
  ],
};
const ballots = [
  ballot('strict', 'a1', 14, 14),
  ballot('strict', 'a2', 8, 8),
  ballot('strict', 'a3', 5, 5),
  ballot('generous', 'a1', 19, 19),
  ballot('generous', 'a2', 15, 15),
  ballot('generous', 'a3', 11, 11),
];
const rules = (over: Partial<TallyRules>): TallyRules => ({
  criteria,
  normalisation: 'none',
  quorum: 1,
  maxFavourites: 10,
  laureates: 3,
  waitingList: 0,
  cutOff: null,
  quotas: [],
  tieBreakers: [],
  ...over,
});

describe('the cut-off, entered on the criteria’s scale', () => {
  it('the scale is the criteria’s, weighted as they are', () => {
    expect(scaleOf(criteria)).toEqual({ min: 0, max: 20 });
    expect(
      scaleOf([
        { weight: 1, min: 0, max: 5 },
        { weight: 3, min: 1, max: 5 },
      ]),
    ).toEqual({ min: 0.75, max: 5 });
    expect(scaleOf([])).toBeNull();
  });

  it('without normalisation: compared with the weighted mean mark as it is', () => {
    const t = tally({ method: 'scored_criteria', rules: rules({ cutOff: 12 }), panel, ballots: { scores: ballots } });
    // a1: (14 + 2·19) / 3 = 17.33, a2: (8 + 2·15) / 3 = 12.67, a3: (5 + 2·11) / 3 = 9.
    expect(t.selection.laureates).toEqual(['a1', 'a2']);
    expect(t.selection.entries.find((e) => e.applicationId === 'a3')!.status).toBe('below_cut_off');
  });

  it('with z-scores: converted for each juror with their mean and spread, and averaged with the score’s weights', () => {
    const result = aggregateScoredCriteria({ ...panel, criteria, ballots, normalisation: 'z_score' });
    const converted = cutOffInScores(result, 12);
    const scale = new Map(result.jurorScales.map((j) => [j.jurorId, j]));
    const z = (juror: string, mark: number) => (mark - scale.get(juror)!.mean) / scale.get(juror)!.standardDeviation;
    const expected = (1 * z('strict', 12) + 2 * z('generous', 12)) / 3;
    for (const id of ['a1', 'a2', 'a3']) expect(converted.get(id)).toBeCloseTo(expected, 12);
    // An application marked exactly 12 by each of its jurors would score exactly the converted cut-off.
    const t = tally({ method: 'scored_criteria', rules: rules({ cutOff: 12, normalisation: 'z_score' }), panel, ballots: { scores: ballots } });
    const byId = new Map(t.selection.entries.map((e) => [e.applicationId, e]));
    expect([...byId.values()].filter((e) => e.status === 'laureate').map((e) => e.applicationId)).toEqual(
      ['a1', 'a2', 'a3'].filter((id) => t.result.scores.find((s) => s.applicationId === id)!.score >= expected),
    );
    const below = [...byId.values()].find((e) => e.status === 'below_cut_off')!;
    expect(say(below.explanation)).toMatch(
      /below the cut-off of 12 \(normalised score -?[\d.]+, where a mark of 12 from each of its jurors would have given -?[\d.]+\)/,
    );
    expect(say(below.explanation, 'fr')).toContain('une note de 12 de chacun de ses jurés');
  });

  it('a cut-off stored as a z-score before (moved to cutOffZ) is still compared as a normalised score', () => {
    const t = tally({ method: 'scored_criteria', rules: rules({ cutOffZ: 0, normalisation: 'z_score' }), panel, ballots: { scores: ballots } });
    for (const e of t.selection.entries) expect(e.status === 'below_cut_off').toBe(e.score < 0);
  });

  it('the form takes "12", "12,5" and "12 / 20", and refuses a mark out of another scale', () => {
    const scale = { min: 0, max: 20 };
    expect(cutOffFromForm('12', scale)).toEqual({ value: 12 });
    expect(cutOffFromForm('12,5', scale)).toEqual({ value: 12.5 });
    expect(cutOffFromForm('12 / 20', scale)).toEqual({ value: 12 });
    expect(cutOffFromForm('3.5 / 5', scale).problem).toMatchObject({ field: 'cutOff', key: 'validation.cutOffOutOf' });
    expect(cutOffFromForm('', scale)).toEqual({});
  });

  it('the settings refuse a cut-off off the scale', () => {
    const settings = { ...DEFAULT_SETTINGS, criteria: criteria.map((c) => ({ ...c, label: { fr: c.id } })), cutOff: 25 };
    expect(checkSettings('scored_criteria', settings).map((p) => p.field)).toEqual(['cutOff']);
    expect(checkSettings('scored_criteria', { ...settings, cutOff: 12 })).toEqual([]);
  });
});
