import { applyEditorAction, callFromState, callToState, keyFromLabel, parseCommuneList, stateFromBody } from '../../../src/applications/applications.forms.js';

describe('the call builder rows', () => {
  it('makes keys from labels: ASCII, starting with a letter, unique', () => {
    expect(keyFromLabel('Nombre de bénévoles', new Set(), 'question')).toBe('nombre_de_benevoles');
    expect(keyFromLabel('Nombre de bénévoles', new Set(['nombre_de_benevoles']), 'question')).toBe('nombre_de_benevoles_2');
    expect(keyFromLabel('2 roues ?', new Set(), 'question')).toBe('question_2_roues');
    expect(keyFromLabel('', new Set(['option']), 'option', '-')).toBe('option-2');
    expect(keyFromLabel('Économie circulaire', new Set(), 'category', '-')).toBe('economie-circulaire');
    expect(keyFromLabel('x'.repeat(80), new Set(), 'question')).toMatch(/^x{36}$/);
  });

  it('reads pasted communes: lines, or the official CSV with or without INSEE codes and header, ; or ,', () => {
    expect(parseCommuneList('59100 Roubaix\n\n 59000 Lille ')).toEqual([
      { postcode: '59100', name: 'Roubaix' },
      { postcode: '59000', name: 'Lille' },
    ]);
    expect(parseCommuneList('code_postal;nom_commune\n59100;Roubaix\n59650;Villeneuve-d’Ascq')).toEqual([
      { postcode: '59100', name: 'Roubaix' },
      { postcode: '59650', name: 'Villeneuve-d’Ascq' },
    ]);
    expect(
      parseCommuneList('Code_commune_INSEE,Nom_de_la_commune,Code_postal,Libellé_d_acheminement\n59350,LILLE,59000,LILLE\n59350,LILLE,59000,LILLE'),
    ).toEqual([{ postcode: '59000', name: 'Lille' }]);
    // No header: the official order, INSEE code first.
    expect(parseCommuneList('59512;ROUBAIX;59100')).toEqual([{ postcode: '59100', name: 'Roubaix' }]);
    expect(parseCommuneList('2A004;AJACCIO;20000')).toEqual([{ postcode: '20000', name: 'Ajaccio' }]);
    expect(parseCommuneList('')).toEqual([]);
  });

  it('moves, adds and removes rows, and tells which row each kept question came from', () => {
    const state = callToState(null, 'Europe/Paris');
    applyEditorAction(state, 'add', 'number');
    applyEditorAction(state, 'add', 'single_choice');
    applyEditorAction(state, 'add', 'nonsense');
    expect(state.questions.map((q) => q.kind)).toEqual(['number', 'single_choice', 'short_text']);
    expect(state.questions[1].options).toHaveLength(0);
    applyEditorAction(state, 'down.0', '');
    expect(state.questions.map((q) => q.kind)).toEqual(['single_choice', 'number', 'short_text']);
    applyEditorAction(state, 'up.0', ''); // the first does not go higher
    expect(state.questions[0].kind).toBe('single_choice');
    state.questions[0].remove = true;
    state.questions[1].label = { fr: 'Équipe' };
    state.questions[1].min = '1,5';
    state.questions[2].label = { fr: 'Équipe' };
    const { dto, problems, rowOf } = callFromState(state, 'Europe/Paris', ['fr', 'en']);
    expect(rowOf).toEqual([1, 2]);
    const form = dto.form as Array<{ key: string; min?: number }>;
    expect(form.map((q) => q.key)).toEqual(['equipe', 'equipe_2']);
    expect(form[0].min).toBe(1.5);
    expect(problems.map((p) => p.field)).toEqual(['deadline']);
  });

  it('reads the rows the browser posts, checkboxes and repeated fields included', () => {
    const state = stateFromBody(
      {
        'q.0.kind': 'file',
        'q.0.key': 'deck',
        'q.0.label.fr': 'Présentation',
        'q.0.accept': ['pdf', 'image', 'exe'],
        'q.0.maxSizeMb': '2',
        'cat.0.key': '',
        'cat.0.label.fr': 'Réemploi',
        'com.0.postcode': '59000',
        'com.0.name': 'Lille',
        'com.1.postcode': '59100',
        'com.1.name': 'Roubaix',
        'com.1.remove': 'yes',
        communesPaste: '59000 Lille\n59200 Tourcoing',
      },
      ['fr'],
    );
    expect(state.questions[0]).toMatchObject({ kind: 'file', accept: ['pdf', 'image'], maxSizeMb: '2' });
    expect(state.communes.map((c) => c.name)).toEqual(['Lille', 'Roubaix', 'Tourcoing']);
    const { dto } = callFromState(state, 'Europe/Paris', ['fr']);
    expect(dto.territory).toEqual([
      { postcode: '59000', name: 'Lille' },
      { postcode: '59200', name: 'Tourcoing' },
    ]);
    expect(dto.categories).toEqual([{ key: 'reemploi', label: { fr: 'Réemploi' } }]);
    expect((dto.form as Array<{ maxSizeBytes: number }>)[0].maxSizeBytes).toBe(2 * 1024 * 1024);
  });
});
