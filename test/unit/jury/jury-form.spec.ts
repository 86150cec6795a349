import { criterionId, settingsFromForm, toFormRow } from '../../../src/jury/jury-form.js';

/** The jury settings form: criteria and quotas as rows of fields. */
describe('jury settings form', () => {
  it('makes a criterion id from its label: ASCII, starting with a letter, unique', () => {
    const taken = new Set(['impact']);
    expect(criterionId('Impact', taken)).toBe('impact_2');
    expect(criterionId('2 Été à Liège !', taken)).toBe('ete_a_liege');
    expect(criterionId('!!!', taken)).toBe('criterion');
    expect(criterionId('!!!', taken)).toBe('criterion_2');
  });

  it('reads the rows, keeps stored ids, drops removed and empty rows and names refused fields after their row', () => {
    const { dto, problems, criteriaRows, quotaRows } = settingsFromForm(
      {
        method: 'scored_criteria',
        'criteria.0.id': 'impact',
        'criteria.0.label.fr': 'Impact',
        'criteria.0.weight': '2,5',
        'criteria.1.id': 'cost',
        'criteria.1.label.fr': 'Coût',
        'criteria.1.remove': 'yes',
        'criteria.2.label.fr': 'Faisabilité',
        'criteria.2.label.en': 'Feasibility',
        'criteria.2.max': '10',
        'criteria.3.label.fr': '',
        'criteria.3.weight': '1',
        'criteria.4.label.en': 'Only English',
        'quotas.0.dimension': 'category',
        'quotas.0.group': 'reuse',
        'quotas.0.min': '2',
        'quotas.1.group': 'repair',
        'quotas.1.remove': 'yes',
        'quotas.2.group': '',
        'quotas.2.min': '1',
      },
      ['fr', 'en'],
    );
    expect(dto.criteria).toEqual([
      { id: 'impact', label: { fr: 'Impact' }, weight: 2.5, min: 0, max: 5 },
      { id: 'faisabilite', label: { fr: 'Faisabilité', en: 'Feasibility' }, weight: 1, min: 0, max: 10 },
      { id: 'only_english', label: { en: 'Only English' }, weight: 1, min: 0, max: 5 },
    ]);
    expect(dto.quotas).toEqual([{ dimension: 'category', group: 'reuse', min: 2 }]);
    expect(problems.map((p) => p.field)).toEqual(['criteria.4.label']);
    expect(toFormRow('criteria.1.weight', criteriaRows, quotaRows)).toBe('criteria.2.weight');
    expect(toFormRow('quotas.0.min', criteriaRows, quotaRows)).toBe('quotas.0.min');
    expect(toFormRow('quorum', criteriaRows, quotaRows)).toBe('quorum');
  });
});
